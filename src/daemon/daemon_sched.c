#include "daemon/daemon_sched.h"

#include <string.h>

void
daemon_sched_init(struct daemon_sched *s, int64_t now)
{
	memset(s, 0, sizeof *s);
	s->last_ok = now;
	s->last_full = -1;
}

int64_t
daemon_jitter(int64_t delay_ms, uint32_t rnd)
{
	int64_t span;

	if (delay_ms <= 0)
		return 0;
	span = delay_ms * DAEMON_JITTER_PERCENT / 100;
	return delay_ms - (int64_t)(rnd % ((uint64_t)span + 1));
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

int
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
	rec = s->last_full + (int64_t)reconcile * 1000 - (int64_t)(s->spread %
	    ((uint64_t)reconcile * 10 * DAEMON_RECONCILE_SPREAD_PERCENT + 1));
	if (rec <= check) {
		*full = 1;
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
