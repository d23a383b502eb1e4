#include "daemon/peer.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "base/log.h"
#include "base/rnd.h"
#include "base/secret.h"
#include "codec/tsig.h"

void
peer_init(struct peer *p)
{
	memset(p, 0, sizeof *p);
	for (int i = 0; i < PEER_MAX_INFLIGHT; i++) {
		p->msgs[i].owner = p;
		p->msgs[i].io.fd = -1;
	}
}

static const char *
msg_zone(const struct peer_msg *m, char *buf, size_t cap)
{
	dns_name_to_text(m->zone, buf, cap);
	return buf;
}

static void
msg_send(struct peer_msg *m)
{
	char a[NET_ADDR_STRLEN];

	/* A full socket buffer, or an ICMP error left by an earlier try: the
	 * timer sends again. */
	if (send(m->io.fd, m->msg, m->len, 0) < 0)
		log_debug("peer %s: NOTIFY not sent: %s", net_addr_str(&m->to, a, sizeof a),
		    strerror(errno));
	m->tries++;
	m->owner->sent++;
}

static void
msg_timer(struct loop_timer *t)
{
	struct peer_msg *m = LOOP_CONTAINER_OF(t, struct peer_msg, timer);
	char a[NET_ADDR_STRLEN], z[DNS_NAME_TEXT_MAX];

	if (m->tries >= PEER_TRIES) {
		log_warn("zone %s: peer %s did not answer the NOTIFY of serial %lu (%d tries); it "
			 "writes the change itself after its peer_wait",
		    msg_zone(m, z, sizeof z), net_addr_str(&m->to, a, sizeof a),
		    (unsigned long)m->serial, m->tries);
		m->owner->given_up++;
		loop_io_close(&m->io, &m->timer);
		return;
	}
	msg_send(m);
	m->delay *= 2;
	loop_timer_in(&m->timer, m->delay);
}

/* An answer: its header is all we need. Anything but our ID, QR and
 * opcode NOTIFY is ignored; the socket is connected, so it came from the
 * peer. */
static void
msg_read(struct loop_io *io, short revents)
{
	struct peer_msg *m = LOOP_CONTAINER_OF(io, struct peer_msg, io);
	uint8_t buf[DNS_HEADER_LEN];
	char a[NET_ADDR_STRLEN], z[DNS_NAME_TEXT_MAX];
	ssize_t n;
	unsigned flags;

	(void)revents;
	/* A datagram longer than buf is cut: only its header is read. */
	while ((n = recv(io->fd, buf, sizeof buf, 0)) >= 0) {
		if ((size_t)n < sizeof buf || (unsigned)(buf[0] << 8 | buf[1]) != m->id)
			continue;
		flags = (unsigned)(buf[2] << 8 | buf[3]);
		if (!(flags & DNS_QR) || DNS_OPCODE(flags) != DNS_OPCODE_NOTIFY)
			continue;
		msg_zone(m, z, sizeof z);
		net_addr_str(&m->to, a, sizeof a);
		if (DNS_RCODE(flags) != DNS_RCODE_NOERROR)
			log_warn("zone %s: peer %s answered the NOTIFY of serial %lu with rcode %u "
				 "(is this daemon in its peers, with the same tsig_key?)",
			    z, a, (unsigned long)m->serial, DNS_RCODE(flags));
		else
			log_debug("zone %s: peer %s took serial %lu", z, a, (unsigned long)m->serial);
		m->owner->answered++;
		loop_io_close(&m->io, &m->timer);
		return;
	}
}

/* The message of m: NOTIFY, zone SOA IN, the SOA with serial in the answer
 * section (its other fields zero: only the serial is read, RFC 1996 section
 * 3.7), signed. Returns 0 or -1. */
static int
msg_build(struct peer_msg *m, const struct tsig_key *key)
{
	struct dns_header h = { .id = m->id, .flags = (uint16_t)(DNS_FLAGS_OPCODE(DNS_OPCODE_NOTIFY) | DNS_AA) };
	struct dns_writer w;
	struct tsig_ctx t;
	uint8_t soa[22];
	long n;

	memset(soa, 0, sizeof soa);
	soa[2] = (uint8_t)(m->serial >> 24);
	soa[3] = (uint8_t)(m->serial >> 16);
	soa[4] = (uint8_t)(m->serial >> 8);
	soa[5] = (uint8_t)m->serial;
	dns_writer_init(&w, m->msg, sizeof m->msg, 1, NULL);
	dns_put_header(&w, &h);
	dns_put_question(&w, m->zone, DNS_TYPE_SOA, DNS_CLASS_IN);
	dns_put_rr(&w, DNS_SEC_ANSWER, m->zone, DNS_TYPE_SOA, DNS_CLASS_IN, 0, soa, sizeof soa);
	if ((n = dns_writer_done(&w)) < 0 ||
	    (n = tsig_sign_query(&t, key, m->msg, (size_t)n, sizeof m->msg, (uint64_t)time(NULL))) < 0)
		return -1;
	m->len = (size_t)n;
	return 0;
}

/* The slot for (to, zone): the one it already has, else a free one, else
 * the oldest. */
static struct peer_msg *
slot(struct peer *p, const struct net_addr *to, const uint8_t *zone)
{
	struct peer_msg *free_one = NULL, *oldest = NULL;

	for (int i = 0; i < PEER_MAX_INFLIGHT; i++) {
		struct peer_msg *m = &p->msgs[i];

		if (m->io.fd < 0) {
			if (!free_one)
				free_one = m;
			continue;
		}
		if (net_addr_equal(&m->to, to) && dns_name_equal(m->zone, zone))
			return m;
		if (!oldest || m->born < oldest->born)
			oldest = m;
	}
	if (free_one)
		return free_one;
	p->given_up++;
	return oldest;
}

static void
notify_one(struct peer *p, const struct cfg_peer *cp, const uint8_t *zone, uint32_t serial)
{
	struct peer_msg *m = slot(p, &cp->addr, zone);
	struct tsig_key key;
	struct err e = { 0 };
	char a[NET_ADDR_STRLEN], z[DNS_NAME_TEXT_MAX];
	const char *what, *why;
	int rc;

	loop_io_close(&m->io, &m->timer);
	memset(m, 0, sizeof *m);
	m->owner = p;
	m->io.fd = -1;
	m->to = cp->addr;
	memcpy(m->zone, zone, dns_name_len(zone));
	m->serial = serial;
	m->id = (uint16_t)rnd_u32();
	m->born = ++p->born;
	msg_zone(m, z, sizeof z);
	net_addr_str(&m->to, a, sizeof a);
	rc = tsig_key_init(&key, cp->tsig->name, cp->tsig->algorithm, cp->tsig->secret, &e);
	if (rc == 0)
		rc = msg_build(m, &key);
	secret_wipe(&key, sizeof key);
	what = " not made: ";
	why = e.set ? e.msg : "message too large";
	if (rc < 0)
		goto fail;
	what = ": no socket: ";
	if ((m->io.fd = net_udp_connect(&m->to)) < 0) {
		why = strerror(errno);
		goto fail;
	}
	m->io.events = POLLIN;
	m->io.cb = msg_read;
	if (loop_io_add(&m->io) < 0) {
		what = ": too many open sockets";
		why = "";
		close(m->io.fd);
		m->io.fd = -1;
		goto fail;
	}
	m->timer.cb = msg_timer;
	m->delay = PEER_RETRY_MS;
	msg_send(m);
	loop_timer_in(&m->timer, m->delay);
	log_debug("zone %s: NOTIFY of serial %lu to peer %s", z, (unsigned long)serial, a);
	return;
fail:
	log_err("zone %s: NOTIFY to peer %s%s%s", z, a, what, why);
}

void
peer_notify(struct peer *p, const struct cfg *cfg, const char *zone, uint32_t serial)
{
	uint8_t name[DNS_NAME_MAX];
	struct err e = { 0 };

	if (!cfg->npeers)
		return;
	if (dns_name_from_text(name, sizeof name, zone, NULL, &e) < 0) {
		log_err("zone %s: NOTIFY to peers: %s", zone, e.msg);
		return;
	}
	for (int i = 0; i < cfg->npeers; i++)
		notify_one(p, &cfg->peers[i], name, serial);
}

void
peer_free(struct peer *p)
{
	for (int i = 0; i < PEER_MAX_INFLIGHT; i++)
		loop_io_close(&p->msgs[i].io, &p->msgs[i].timer);
}
