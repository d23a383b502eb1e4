/*
 * tls: BearSSL client glue - trust anchors, the client engine profile, the
 * clock check, and moving records between a non-blocking socket and the
 * engine the way BearSSL's tools/sslio.c does, without ever waiting: the
 * caller (src/net/http) polls for tls_events() and calls tls_io().
 *
 * Certificates are fully checked by br_x509_minimal: the chain must end at a
 * trust anchor, the end-entity certificate must carry the host name (SAN
 * dNSName, RFC 6125), and every certificate must be valid at the current
 * time. The engine speaks TLS 1.2 only (BearSSL has no 1.3) with ECDHE and
 * AEAD suites, which is what AWS endpoints offer.
 *
 * Routers often boot without a real-time clock: until NTP has set it, the
 * time is before this binary was built and no certificate can be checked.
 * tls_start then refuses with TLS_CLOCK ("clock not set") so the caller can
 * wait and retry instead of failing a certificate check.
 */
#ifndef NOTIFY53_TLS_H
#define NOTIFY53_TLS_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "bearssl.h"
#include "config.h"
#include "base/err.h"

/* ---- trust anchors ------------------------------------------------------- */

/* A set of trust anchors in memory (heap; tls_trust_free releases it). */
struct tls_trust {
	br_x509_trust_anchor *ta;
	size_t n, cap;
};

/* One compiled-in anchor: a DER certificate from Debian's ca-certificates,
 * turned into C at build time by tools/ta.sh (no certificate is committed). */
struct tls_der {
	const char *name;
	const unsigned char *der;
	size_t len;
};

/* Amazon Root CA 1-4 and Starfield Services Root CA G2: the roots of every
 * AWS endpoint certificate (generated file). */
extern const struct tls_der tls_builtin[];
extern const size_t tls_builtin_count;

/* Add the anchor of one DER certificate (its subject, public key and CA
 * flag, as BearSSL's `brssl ta` does). Returns 0, or -1 with e set. */
int tls_trust_add_der(struct tls_trust *t, const unsigned char *der, size_t len,
	struct err *e);

/* Add every CERTIFICATE of a PEM text (other PEM objects are skipped).
 * Returns the number added (0 when none), or -1 with e set. */
int tls_trust_add_pem(struct tls_trust *t, const char *pem, size_t len, struct err *e);

/* Add every certificate of a PEM bundle file (config option ca_file, e.g.
 * /etc/ssl/certs/ca-certificates.crt or the emulator's CA), read in pieces,
 * at most TLS_MAX_CA_FILE bytes. Returns the number added (at least one), or
 * -1 with e set. */
int tls_trust_load_file(struct tls_trust *t, const char *path, struct err *e);

/* Add the compiled-in anchors. Returns 0 or -1 with e set. */
int tls_trust_add_builtin(struct tls_trust *t, struct err *e);

void tls_trust_free(struct tls_trust *t);

/* ---- clock ------------------------------------------------------------------ */

/* 1 when now can be a real time: not before this binary's build time
 * (version_build_time()). */
int tls_clock_ok(time_t now);

/* A time as BearSSL's X.509 check wants it: days since January 1st, 0 AD
 * (proleptic Gregorian) and seconds in that day. */
void tls_x509_time(time_t now, uint32_t *days, uint32_t *seconds);

/* ---- connections ---------------------------------------------------------- */

/* Returned by tls_start when the clock is not set (distinct from -1). */
#define TLS_CLOCK (-2)

/* Certificate check for a host given as an IP address: br_x509_minimal
 * checks the chain, dates and key usage, and the end-entity certificate must
 * list the address as a SAN iPAddress (RFC 5280 section 4.2.1.6), which
 * BearSSL does not look at itself. Internal to tls_conn. */
struct tls_ipcheck {
	const br_x509_class *vtable;
	br_x509_minimal_context *inner;
	unsigned char ip[16];
	size_t iplen;
	unsigned char *ee;       /* the end-entity certificate (heap) */
	size_t ee_len, ee_cap;
	int ncert;
};

/* One client connection's TLS state, about 24 KB: allocate it once per HTTP
 * client and reuse it for every connection (the session is kept for
 * resumption); tls_release before freeing it. */
struct tls_conn {
	br_ssl_client_context cc;
	br_x509_minimal_context xc;
	struct tls_ipcheck ipc;
	br_ssl_session_parameters session; /* last session, for resumption */
	char session_host[TLS_MAX_HOST];
	int have_session;
	int resumed;     /* the current handshake resumed the saved session */
	int eof;         /* the socket reached end of file */
	char host[TLS_MAX_HOST];
	unsigned char iobuf[BR_SSL_BUFSIZE_MONO];
};

/* Prepare t for a new connection to host (SNI and the DNS name checked in
 * the certificate; an IP address is sent no SNI, RFC 6066 section 3, and
 * must be a SAN iPAddress of the certificate) with anchors trust (kept by the caller
 * while connected) at time now. A session saved from an earlier connection to
 * the same host is offered for resumption. Returns 0, TLS_CLOCK with e set
 * to "clock not set ..." when now is before the build time, or -1 with e set. */
int tls_start(struct tls_conn *t, const struct tls_trust *trust, const char *host,
	time_t now, struct err *e);

/* Poll events (POLLIN, POLLOUT) the engine needs on the socket now; 0 when
 * it waits for the application (or is closed). */
short tls_events(const struct tls_conn *t);

/* Move records between fd and the engine until the socket would block.
 * Returns 0, or -1 with e set: a TLS failure (certificate rejected, alert,
 * bad record) or a socket error. After the peer closed the socket t->eof is
 * set and 0 is returned once the data before it is available. */
int tls_io(struct tls_conn *t, int fd, struct err *e);

/* 1 once the handshake is complete and application data can be sent. */
int tls_ready(const struct tls_conn *t);

/* Give up to n application bytes to the engine; returns how many it took
 * (0 when it cannot take any now). tls_flush pushes a partial record out. */
size_t tls_write(struct tls_conn *t, const void *p, size_t n);
void tls_flush(struct tls_conn *t);

/* Take up to n decrypted application bytes; returns how many (0: none yet). */
size_t tls_read(struct tls_conn *t, void *p, size_t n);

/* 1 when decrypted application bytes wait for tls_read. */
int tls_pending(const struct tls_conn *t);

/* The engine has failed or was closed (then e of tls_io says why). */
int tls_closed(const struct tls_conn *t);

/* Closing a healthy connection: send close_notify (RFC 5246 section
 * 7.2.1) as far as the socket takes it now, so the server sees an orderly
 * end (and keeps the session resumable). Never waits. */
void tls_close_notify(struct tls_conn *t, int fd);

/* After a successful handshake: remember the session for the next
 * tls_start to the same host. */
void tls_save_session(struct tls_conn *t);

/* Forget the saved session (after a failed resumption or a host change). */
void tls_forget_session(struct tls_conn *t);

/* Free what a handshake may have left allocated (not t itself). */
void tls_release(struct tls_conn *t);

#endif
