#include "daemon/daemon_sched.h"

#include <string.h>

#include "codec/dns.h"

void
daemon_sched_init(struct daemon_sched *s, int64_t now)
{
	memset(s, 0, sizeof *s);
	s->last_ok = now;
	s->last_full = -1;
}

/* r % m (m >= 1) without a 64-bit division (a libgcc call on 32-bit
 * targets): r is below 2^32, so it is its own remainder when m is larger. */
static uint32_t
mod32(uint32_t r, uint64_t m)
{
	return m > UINT32_MAX ? r : r % (uint32_t)m;
}

int64_t
daemon_jitter(int64_t delay_ms, uint32_t rnd)
{
	int64_t span;

	if (delay_ms <= 0)
		return 0;
	span = delay_ms * DAEMON_JITTER_PERCENT / 100;
	return delay_ms - mod32(rnd, (uint64_t)span + 1);
}

int
daemon_sched_trigger(struct daemon_sched *s, int full)
{
	if (s->running) {
		s->pending = 1;
		s->pending_full |= full;
		return 0;
	}
	s->running = 1;
	return 1;
}

/* Out of line: link-time optimisation copied it into both of the daemon's
 * callers for more code than a call. */
__attribute__((noinline)) int
daemon_sched_done(struct daemon_sched *s, int64_t now, int ok, const struct rr_soa *soa,
    int refreshed, int was_full, int *full)
{
	if (soa) {
		s->known = 1;
		s->refresh = soa->refresh;
		s->retry = soa->retry;
		s->expire = soa->expire;
	}
	if (refreshed) {
		s->last_ok = now;
		s->expired = 0;
	}
	if (ok > 0) {
		s->failures = 0;
		if (was_full)
			s->last_full = now;
	} else if (ok == 0 && s->failures < 0x7fff) {
		s->failures++;
	}
	*full = 0;
	if (s->pending && ok != 0) {
		*full = s->pending_full;
		s->pending = s->pending_full = 0;
		return 1;
	}
	/* After a failure the retry timer decides, whatever NOTIFYs came
	 * meanwhile. */
	s->pending = s->pending_full = 0;
	s->running = 0;
	return 0;
}

int64_t
daemon_sched_next(const struct daemon_sched *s, int64_t now, int refresh_min, int reconcile,
    uint32_t rnd, int *full)
{
	int64_t secs, check, rec;

	if (!s->known) {
		/* Never answered: the first job is due; after failures, a
		 * guess, since there are no SOA timers to follow yet. */
		secs = s->failures ? DAEMON_RETRY_UNKNOWN_S : 0;
	} else {
		int64_t refresh = s->refresh;

		if (refresh < refresh_min)
			refresh = refresh_min;
		if (refresh > DAEMON_REFRESH_MAX_S)
			refresh = DAEMON_REFRESH_MAX_S;
		secs = refresh;
		if (s->failures) {
			/* RFC 1035 section 3.3.13: retry a failed refresh
			 * after RETRY; never more often than the bound, never
			 * later than a refresh would be. */
			secs = s->retry < DAEMON_RETRY_MIN_S ? DAEMON_RETRY_MIN_S : s->retry;
			if (secs > refresh)
				secs = refresh;
		}
	}
	check = now + daemon_jitter(secs * 1000, rnd);
	*full = s->last_full < 0;
	if (s->last_full < 0 || reconcile <= 0)
		return check;
	/* Spread over the interval: zones listed together at a start (or
	 * kept from records written together) list again apart. */
	rec = s->last_full + (int64_t)reconcile * 1000 - mod32(s->spread,
	    (uint64_t)reconcile * 10 * DAEMON_RECONCILE_SPREAD_PERCENT + 1);
	if (rec <= check) {
		*full = 1;
		/* After failures the retry decides when (RFC 1035 section
		 * 3.3.13), a due reconcile too: at once, a job that fails at
		 * once would run again and again. */
		if (s->failures)
			return check;
		return rec > now ? rec : now;
	}
	return check;
}

int
daemon_sched_expired(struct daemon_sched *s, int64_t now)
{
	if (!s->known || s->expired || !s->expire || !s->failures)
		return 0;
	if (now - s->last_ok < (int64_t)s->expire * 1000)
		return 0;
	s->expired = 1;
	return 1;
}

/* ---- HA pair ------------------------------------------------------------------------ */

int
daemon_peer_notify(struct daemon_peer *p, int64_t now, int64_t wait_ms, int has_synced,
    uint32_t synced_serial, int has_serial, uint32_t serial)
{
	if (wait_ms <= 0 || !has_synced)
		return DAEMON_PEER_NOW;
	/* RFC 1982: not newer than what Route 53 holds, or than what a peer
	 * wrote and this daemon is about to adopt. */
	if (has_serial && (dns_serial_cmp(serial, synced_serial) != 1 ||
	    (p->heard && dns_serial_cmp(serial, p->peer_serial) != 1)))
		return DAEMON_PEER_NOW;
	p->seq++;
	if (!p->waiting) {
		p->waiting = 1;
		p->until = now + wait_ms;
		p->wait_has_serial = has_serial;
		p->wait_serial = serial;
	} else if (!has_serial) {
		p->wait_has_serial = 0;
	} else if (p->wait_has_serial && dns_serial_cmp(serial, p->wait_serial) == 1) {
		p->wait_serial = serial;
	}
	return DAEMON_PEER_WAIT;
}

int
daemon_peer_heard(struct daemon_peer *p, int has_synced, uint32_t synced_serial, uint32_t serial)
{
	if (!has_synced || dns_serial_cmp(serial, synced_serial) != 1)
		return 0;
	if (!p->heard || dns_serial_cmp(serial, p->peer_serial) == 1)
		p->peer_serial = serial;
	p->heard = 1;
	return 1;
}

int
daemon_peer_adopt(const struct daemon_peer *p, int has_synced, uint32_t synced_serial,
    uint32_t *serial)
{
	if (!p->heard || !has_synced || dns_serial_cmp(p->peer_serial, synced_serial) != 1)
		return 0;
	*serial = p->peer_serial;
	return 1;
}

int
daemon_peer_adopted(struct daemon_peer *p, int adopted, uint32_t serial, unsigned long seq_start)
{
	/* A newer word that came during the job stays; this one is done with,
	 * taken or not (not taken: the primary's zone at it is gone). */
	if (p->heard && dns_serial_cmp(p->peer_serial, serial) != 1)
		p->heard = 0;
	if (!adopted || !p->waiting)
		return 0;
	if (p->seq != seq_start &&
	    !(p->wait_has_serial && dns_serial_cmp(p->wait_serial, serial) != 1))
		return 0;
	p->waiting = 0;
	return 1;
}

void
daemon_peer_synced(struct daemon_peer *p, uint32_t serial)
{
	if (p->heard && dns_serial_cmp(p->peer_serial, serial) != 1)
		p->heard = 0;
}

void
daemon_peer_expired(struct daemon_peer *p)
{
	p->waiting = 0;
}
