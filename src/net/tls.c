#include "net/tls.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/date.h"
#include "base/fmt.h"
#include "base/str.h"
#include "base/version.h"

/* ---- trust anchors ------------------------------------------------------- */

/* BearSSL's decoders hand out bytes through a callback (DN bytes, one PEM
 * object): collect them in a bounded buffer, whose failure is looked at
 * once decoding ends. */
static void
append(void *ctx, const void *src, size_t len)
{
	buf_put(ctx, src, len);
}

int
tls_trust_add_der(struct tls_trust *t, const unsigned char *der, size_t len, struct err *e)
{
	br_x509_decoder_context dc;
	struct buf dn;
	br_x509_pkey *pk;
	br_x509_trust_anchor *ta;
	unsigned char *block;
	size_t klen;
	int rc = -1;

	buf_init(&dn, TLS_MAX_DN);
	br_x509_decoder_init(&dc, append, &dn);
	br_x509_decoder_push(&dc, der, len);
	pk = br_x509_decoder_get_pkey(&dc);
	if (!pk || dn.failed) {
		err_set(e, "tls: cannot decode a certificate (BearSSL X.509 error %d)",
		    dn.failed ? BR_ERR_X509_LIMIT_EXCEEDED : br_x509_decoder_last_error(&dc));
		goto out;
	}
	if (buf_grow(&t->ta, &t->cap, t->n, 1, sizeof *t->ta) < 0) {
		err_set(e, "tls: out of memory for trust anchors");
		goto out;
	}
	/* One block per anchor, starting with the DN, so freeing dn.data
	 * frees the key too. */
	klen = pk->key_type == BR_KEYTYPE_RSA ? pk->key.rsa.nlen + pk->key.rsa.elen :
	    pk->key.ec.qlen;
	if (!(block = malloc(dn.len + klen + 1))) {
		err_set(e, "tls: out of memory for trust anchors");
		goto out;
	}
	ta = &t->ta[t->n];
	memset(ta, 0, sizeof *ta);
	if (dn.len)
		memcpy(block, dn.data, dn.len);
	ta->dn.data = block;
	ta->dn.len = dn.len;
	ta->flags = br_x509_decoder_isCA(&dc) ? BR_X509_TA_CA : 0;
	ta->pkey.key_type = pk->key_type;
	if (pk->key_type == BR_KEYTYPE_RSA) {
		ta->pkey.key.rsa.n = block + dn.len;
		ta->pkey.key.rsa.nlen = pk->key.rsa.nlen;
		memcpy(ta->pkey.key.rsa.n, pk->key.rsa.n, pk->key.rsa.nlen);
		ta->pkey.key.rsa.e = block + dn.len + pk->key.rsa.nlen;
		ta->pkey.key.rsa.elen = pk->key.rsa.elen;
		memcpy(ta->pkey.key.rsa.e, pk->key.rsa.e, pk->key.rsa.elen);
	} else {
		ta->pkey.key.ec.curve = pk->key.ec.curve;
		ta->pkey.key.ec.q = block + dn.len;
		ta->pkey.key.ec.qlen = pk->key.ec.qlen;
		memcpy(ta->pkey.key.ec.q, pk->key.ec.q, pk->key.ec.qlen);
	}
	t->n++;
	rc = 0;
out:
	buf_free(&dn);
	return rc;
}

/* PEM decoding state shared by the text and file loaders. */
struct pem {
	br_pem_decoder_context pc;
	struct buf obj;
	int in_cert;
	int added;
};

static void
pem_init(struct pem *p)
{
	memset(p, 0, sizeof *p);
	br_pem_decoder_init(&p->pc);
	buf_init(&p->obj, TLS_MAX_CERT);
}

/* Push len bytes; returns 0 or -1 with e set. */
static int
pem_push(struct pem *p, struct tls_trust *t, const char *s, size_t len, struct err *e)
{
	int rc = 0;

	while (rc == 0 && len > 0) {
		size_t n = br_pem_decoder_push(&p->pc, s, len);

		s += n;
		len -= n;
		switch (br_pem_decoder_event(&p->pc)) {
		case BR_PEM_BEGIN_OBJ:
			p->in_cert = !strcmp(br_pem_decoder_name(&p->pc), "CERTIFICATE") ||
			    !strcmp(br_pem_decoder_name(&p->pc), "X509 CERTIFICATE");
			p->obj.len = 0;
			p->obj.failed = BUF_OK;
			br_pem_decoder_setdest(&p->pc, p->in_cert ? append : NULL, &p->obj);
			break;
		case BR_PEM_END_OBJ:
			if (!p->in_cert)
				break;
			p->in_cert = 0;
			if (p->obj.failed)
				rc = err_set(e, "tls: certificate larger than %d bytes", TLS_MAX_CERT);
			else if ((rc = tls_trust_add_der(t, (unsigned char *)p->obj.data, p->obj.len,
			    e)) == 0)
				p->added++;
			break;
		case BR_PEM_ERROR:
			rc = err_set(e, "tls: bad PEM data");
			break;
		default:
			break;
		}
	}
	return rc;
}

static int
pem_end(struct pem *p, struct err *e)
{
	buf_free(&p->obj);
	if (p->in_cert)
		return err_set(e, "tls: PEM certificate not terminated");
	return 0;
}

int
tls_trust_add_pem(struct tls_trust *t, const char *pem, size_t len, struct err *e)
{
	struct pem p;
	int rc;

	pem_init(&p);
	rc = pem_push(&p, t, pem, len, e);
	/* A final newline makes the decoder see the last END line. */
	if (rc == 0)
		rc = pem_push(&p, t, "\n", 1, e);
	if (pem_end(&p, e) < 0 || rc < 0)
		return -1;
	return p.added;
}

int
tls_trust_load_file(struct tls_trust *t, const char *path, struct err *e)
{
	struct pem p;
	char buf[4096];
	size_t total = 0;
	ssize_t n;
	int fd, rc = 0;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return err_set(e, "ca_file %s: %s", path, strerror(errno));
	pem_init(&p);
	while (rc == 0 && (n = read(fd, buf, sizeof buf)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			rc = err_set(e, "ca_file %s: %s", path, strerror(errno));
			break;
		}
		total += (size_t)n;
		if (total > TLS_MAX_CA_FILE)
			rc = err_set(e, "ca_file %s: larger than %d bytes", path, TLS_MAX_CA_FILE);
		else if (pem_push(&p, t, buf, (size_t)n, e) < 0)
			rc = -1;
	}
	if (rc == 0)
		rc = pem_push(&p, t, "\n", 1, e);
	close(fd);
	if (pem_end(&p, e) < 0 || rc < 0) {
		/* e names the problem; say which file. */
		return err_set(e, "ca_file %s: bad certificate data", path);
	}
	if (p.added == 0)
		return err_set(e, "ca_file %s: no PEM certificate in it", path);
	return p.added;
}

int
tls_trust_add_builtin(struct tls_trust *t, struct err *e)
{
	for (size_t i = 0; i < tls_builtin_count; i++)
		if (tls_trust_add_der(t, tls_builtin[i].der, tls_builtin[i].len, e) < 0)
			return -1;
	return 0;
}

void
tls_trust_free(struct tls_trust *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->ta[i].dn.data);
	free(t->ta);
	memset(t, 0, sizeof *t);
}

/* ---- clock ------------------------------------------------------------------ */

int
tls_clock_ok(time_t now)
{
	return now >= version_build_time();
}

void
tls_x509_time(time_t now, uint32_t *days, uint32_t *seconds)
{
	/* 719528 days from 0000-01-01 to 1970-01-01 (proleptic Gregorian),
	 * the origin br_x509_minimal_set_time counts from. */
	int s;

	*days = (uint32_t)(date_days((int64_t)now, &s) + 719528);
	*seconds = (uint32_t)s;
}

/* ---- engine profile --------------------------------------------------------- */

#if TLS_SMALL_EC
/*
 * Elliptic curves from BearSSL's generic i31 code only: X25519 and P-256,
 * P-384, P-521, about 10 KB smaller than br_ec_all_m31 (which adds the
 * specialised, faster P-256 and X25519 code) and fast enough for the few
 * handshakes a kept-alive, resumed connection needs.
 */
static const br_ec_impl *
ec_for(int curve)
{
	return curve == BR_EC_curve25519 ? &br_ec_c25519_i31 : &br_ec_prime_i31;
}

static const unsigned char *
ec_generator(int curve, size_t *len)
{
	return ec_for(curve)->generator(curve, len);
}

static const unsigned char *
ec_order(int curve, size_t *len)
{
	return ec_for(curve)->order(curve, len);
}

static size_t
ec_xoff(int curve, size_t *len)
{
	return ec_for(curve)->xoff(curve, len);
}

static uint32_t
ec_mul(unsigned char *g, size_t glen, const unsigned char *k, size_t klen, int curve)
{
	return ec_for(curve)->mul(g, glen, k, klen, curve);
}

static size_t
ec_mulgen(unsigned char *r, const unsigned char *x, size_t xlen, int curve)
{
	return ec_for(curve)->mulgen(r, x, xlen, curve);
}

static uint32_t
ec_muladd(unsigned char *a, const unsigned char *b, size_t len, const unsigned char *x,
	size_t xlen, const unsigned char *y, size_t ylen, int curve)
{
	return ec_for(curve)->muladd(a, b, len, x, xlen, y, ylen, curve);
}

static const br_ec_impl ec_small = {
	(uint32_t)1 << BR_EC_curve25519 | (uint32_t)1 << BR_EC_secp256r1 |
	    (uint32_t)1 << BR_EC_secp384r1 | (uint32_t)1 << BR_EC_secp521r1,
	ec_generator,
	ec_order,
	ec_xoff,
	ec_mul,
	ec_mulgen,
	ec_muladd,
};
#endif

/*
 * The smallest profile that talks to AWS endpoints: TLS 1.2, ECDHE with
 * ECDSA or RSA signatures and AES-GCM (RFC 5289 section 3.2; Route 53 and
 * every other AWS endpoint offer these in 1.2). ChaCha20-Poly1305 is left
 * out: every server we talk to has AES-GCM, and it would add a second
 * cipher and MAC. Curves come with the EC implementation
 * (X25519, P-256, P-384, P-521); RSA verification for RSA certificates and
 * ECDHE_RSA key exchange signatures.
 *
 * One portable constant-time implementation of each primitive, picked by
 * word size as BearSSL's own defaults do: the defaults would also link the
 * AES-NI/PCLMUL code on x86 beside the portable fallback, and the default
 * RSA verifier is the i62 code while the EC code already links the i31
 * arithmetic that br_rsa_i31_pkcs1_vrfy uses. Together with ChaCha20 these
 * were 12 KB of the static binary; a few records a minute need no hardware
 * AES.
 */
static void
profile(struct tls_conn *t, const struct tls_trust *trust)
{
	static const uint16_t suites[] = {
		BR_TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
		BR_TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
		BR_TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
		BR_TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	};
	/* SHA-1 for certificate signatures only (older intermediates in a
	 * ca_file chain); the handshake signs with SHA-256 or better. Each
	 * class's ID is in its desc (bearssl_hash.h, BR_HASHDESC_ID). */
	static const br_hash_class *const hashes[] = {
		&br_sha1_vtable, &br_sha224_vtable, &br_sha256_vtable, &br_sha384_vtable,
		&br_sha512_vtable,
	};
	br_ssl_client_context *cc = &t->cc;
	br_x509_minimal_context *xc = &t->xc;

	br_ssl_client_zero(cc);
	br_ssl_engine_set_versions(&cc->eng, BR_TLS12, BR_TLS12);
	br_x509_minimal_init(xc, &br_sha256_vtable, trust->ta, trust->n);
	br_ssl_engine_set_suites(&cc->eng, suites, sizeof suites / sizeof suites[0]);
	br_ssl_engine_set_rsavrfy(&cc->eng, &br_rsa_i31_pkcs1_vrfy);
#if TLS_SMALL_EC
	br_ssl_engine_set_ec(&cc->eng, &ec_small);
	br_ssl_engine_set_ecdsa(&cc->eng, &br_ecdsa_i31_vrfy_asn1);
#else
	br_ssl_engine_set_default_ecdsa(&cc->eng);
#endif
	br_x509_minimal_set_rsa(xc, br_ssl_engine_get_rsavrfy(&cc->eng));
	br_x509_minimal_set_ecdsa(xc, br_ssl_engine_get_ec(&cc->eng),
	    br_ssl_engine_get_ecdsa(&cc->eng));
	for (size_t i = 0; i < sizeof hashes / sizeof hashes[0]; i++) {
		int id = (int)(hashes[i]->desc >> BR_HASHDESC_ID_OFF & BR_HASHDESC_ID_MASK);

		if (id != br_sha1_ID)
			br_ssl_engine_set_hash(&cc->eng, id, hashes[i]);
		br_x509_minimal_set_hash(xc, id, hashes[i]);
	}
	br_ssl_engine_set_x509(&cc->eng, &xc->vtable);
	br_ssl_engine_set_prf_sha256(&cc->eng, &br_tls12_sha256_prf);
	br_ssl_engine_set_prf_sha384(&cc->eng, &br_tls12_sha384_prf);
	br_ssl_engine_set_gcm(&cc->eng, &br_sslrec_in_gcm_vtable, &br_sslrec_out_gcm_vtable);
#if ULONG_MAX > 0xFFFFFFFFUL
	br_ssl_engine_set_aes_ctr(&cc->eng, &br_aes_ct64_ctr_vtable);
	br_ssl_engine_set_ghash(&cc->eng, &br_ghash_ctmul64);
#else
	br_ssl_engine_set_aes_ctr(&cc->eng, &br_aes_ct_ctr_vtable);
	br_ssl_engine_set_ghash(&cc->eng, &br_ghash_ctmul);
#endif
	br_ssl_engine_set_buffer(&cc->eng, t->iobuf, sizeof t->iobuf, 0);
}

/* ---- IP address hosts ------------------------------------------------------ */

struct der {
	const unsigned char *p, *end;
};

/* The next element of d: its tag and its content. Returns 0, or -1 at the
 * end or on a malformed length (DER, X.690 section 8.1). */
static int
der_next(struct der *d, unsigned *tag, struct der *content)
{
	size_t len;

	if (d->end - d->p < 2 || (d->p[0] & 0x1f) == 0x1f)
		return -1;
	*tag = *d->p++;
	len = *d->p++;
	if (len & 0x80) {
		int n = (int)(len & 0x7f);

		if (n == 0 || n > 3)
			return -1;
		for (len = 0; n--; d->p++) {
			if (d->p >= d->end)
				return -1;
			len = len << 8 | *d->p;
		}
	}
	if ((size_t)(d->end - d->p) < len)
		return -1;
	content->p = d->p;
	content->end = d->p + len;
	d->p += len;
	return 0;
}

/* Does the certificate's subjectAltName list ip as an iPAddress? */
static int
san_has_ip(const unsigned char *cert, size_t len, const unsigned char *ip, size_t iplen)
{
	static const unsigned char san_oid[] = { 0x55, 0x1d, 0x11 }; /* 2.5.29.17 */
	struct der d = { cert, cert + len }, c, tbs, x, exts, ext, oid, v, names, gn;
	unsigned tag;

	if (der_next(&d, &tag, &c) < 0 || tag != 0x30 || der_next(&c, &tag, &tbs) < 0 ||
	    tag != 0x30)
		return 0;
	/* TBSCertificate fields in order; extensions are [3] (RFC 5280
	 * section 4.1). */
	while (der_next(&tbs, &tag, &x) == 0) {
		if (tag != 0xa3)
			continue;
		if (der_next(&x, &tag, &exts) < 0 || tag != 0x30)
			return 0;
		while (der_next(&exts, &tag, &ext) == 0) {
			if (tag != 0x30 || der_next(&ext, &tag, &oid) < 0 || tag != 0x06)
				return 0;
			if (oid.end - oid.p != 3 || memcmp(oid.p, san_oid, 3))
				continue;
			if (der_next(&ext, &tag, &v) < 0 ||
			    (tag == 0x01 && der_next(&ext, &tag, &v) < 0) || tag != 0x04 ||
			    der_next(&v, &tag, &names) < 0 || tag != 0x30)
				return 0;
			/* GeneralName iPAddress is [7] IMPLICIT OCTET STRING. */
			while (der_next(&names, &tag, &gn) == 0)
				if (tag == 0x87 && (size_t)(gn.end - gn.p) == iplen &&
				    !memcmp(gn.p, ip, iplen))
					return 1;
			return 0;
		}
		return 0;
	}
	return 0;
}

static struct tls_ipcheck *
ipc_of(const br_x509_class **ctx)
{
	return (struct tls_ipcheck *)(void *)ctx;
}

static void
ipc_start_chain(const br_x509_class **ctx, const char *server_name)
{
	struct tls_ipcheck *w = ipc_of(ctx);

	(void)server_name;
	free(w->ee);
	w->ee = NULL;
	w->ee_len = w->ee_cap = 0;
	w->ncert = 0;
	w->inner->vtable->start_chain(&w->inner->vtable, NULL);
}

static void
ipc_start_cert(const br_x509_class **ctx, uint32_t length)
{
	struct tls_ipcheck *w = ipc_of(ctx);

	if (w->ncert == 0 && length <= TLS_MAX_CERT && (w->ee = malloc(length ? length : 1)))
		w->ee_cap = length;
	w->inner->vtable->start_cert(&w->inner->vtable, length);
}

static void
ipc_append(const br_x509_class **ctx, const unsigned char *buf, size_t len)
{
	struct tls_ipcheck *w = ipc_of(ctx);

	if (w->ncert == 0 && w->ee && len <= w->ee_cap - w->ee_len) {
		memcpy(w->ee + w->ee_len, buf, len);
		w->ee_len += len;
	}
	w->inner->vtable->append(&w->inner->vtable, buf, len);
}

static void
ipc_end_cert(const br_x509_class **ctx)
{
	struct tls_ipcheck *w = ipc_of(ctx);

	w->ncert++;
	w->inner->vtable->end_cert(&w->inner->vtable);
}

static unsigned
ipc_end_chain(const br_x509_class **ctx)
{
	struct tls_ipcheck *w = ipc_of(ctx);
	unsigned err = w->inner->vtable->end_chain(&w->inner->vtable);

	if (err == 0 && (!w->ee || w->ee_len != w->ee_cap ||
	    !san_has_ip(w->ee, w->ee_len, w->ip, w->iplen)))
		err = BR_ERR_X509_BAD_SERVER_NAME;
	free(w->ee);
	w->ee = NULL;
	return err;
}

static const br_x509_pkey *
ipc_get_pkey(const br_x509_class *const *ctx, unsigned *usages)
{
	const struct tls_ipcheck *w = (const struct tls_ipcheck *)(const void *)ctx;

	return w->inner->vtable->get_pkey(&w->inner->vtable, usages);
}

static const br_x509_class ipc_vtable = {
	sizeof(struct tls_ipcheck),
	ipc_start_chain,
	ipc_start_cert,
	ipc_append,
	ipc_end_cert,
	ipc_end_chain,
	ipc_get_pkey,
};

/* ---- connections ---------------------------------------------------------- */

void
tls_release(struct tls_conn *t)
{
	free(t->ipc.ee);
	t->ipc.ee = NULL;
}

int
tls_start(struct tls_conn *t, const struct tls_trust *trust, const char *host, time_t now,
	struct err *e)
{
	uint32_t days, secs;
	int resume;

	if (!tls_clock_ok(now)) {
		err_set(e, "clock not set: the time is before this program was built, "
		    "so no certificate can be checked; waiting for NTP");
		return TLS_CLOCK;
	}
	if (str_copy(t->host, sizeof t->host, host) >= sizeof t->host)
		return err_set(e, "tls: host name %.64s... too long", host);
	if (!trust || trust->n == 0)
		return err_set(e, "tls: no trust anchors");
	t->resumed = 0;
	t->eof = 0;
	profile(t, trust);
	tls_x509_time(now, &days, &secs);
	br_x509_minimal_set_time(&t->xc, days, secs);
	tls_release(t);
	t->ipc.iplen = inet_pton(AF_INET, host, t->ipc.ip) == 1 ? 4 :
	    inet_pton(AF_INET6, host, t->ipc.ip) == 1 ? 16 : 0;
	if (t->ipc.iplen) {
		t->ipc.vtable = &ipc_vtable;
		t->ipc.inner = &t->xc;
		br_ssl_engine_set_x509(&t->cc.eng, &t->ipc.vtable);
	}
	resume = t->have_session && !strcmp(t->session_host, host);
	if (resume)
		br_ssl_engine_set_session_parameters(&t->cc.eng, &t->session);
	if (!br_ssl_client_reset(&t->cc, t->ipc.iplen ? NULL : host, resume))
		return err_set(e, "tls: cannot start (BearSSL error %d)",
		    br_ssl_engine_last_error(&t->cc.eng));
	return 0;
}

short
tls_events(const struct tls_conn *t)
{
	unsigned st = br_ssl_engine_current_state(&t->cc.eng);
	short ev = 0;

	if (st & BR_SSL_CLOSED)
		return 0;
	if (st & BR_SSL_SENDREC)
		ev |= POLLOUT;
	if ((st & BR_SSL_RECVREC) && !t->eof)
		ev |= POLLIN;
	return ev;
}

/* A failure of the engine as one line a user can act on: the message of
 * its code, else of its range (each format takes the host, then a number
 * it may leave unused). A table, not a switch of err_set calls. */
static int
engine_error(struct tls_conn *t, struct err *e)
{
	static const unsigned short codes[] = {
		BR_ERR_X509_NOT_TRUSTED, BR_ERR_X509_BAD_SERVER_NAME, BR_ERR_X509_EXPIRED,
		BR_ERR_X509_BAD_SIGNATURE, BR_ERR_X509_NOT_CA, BR_ERR_BAD_CIPHER_SUITE,
		BR_ERR_UNSUPPORTED_VERSION,
		/* Ranges, from the highest: the number is the code less the start. */
		BR_ERR_SEND_FATAL_ALERT, BR_ERR_RECV_FATAL_ALERT, BR_ERR_X509_OK, 0
	};
	static const char *const msgs[] = {
		("TLS: certificate of %s not trusted: its chain does not end at a "
		    "trusted CA (set ca_file for a private CA)"),
		"TLS: certificate is not valid for %s",
		"TLS: certificate of %s expired or not yet valid (is the clock right?)",
		"TLS: bad signature in the certificate chain of %s",
		"TLS: certificate chain of %s uses a non-CA certificate as an issuer",
		"TLS: %s offers no TLS 1.2 ECDHE AES-GCM/ChaCha20 suite",
		"TLS: %s offers no TLS 1.2 ECDHE AES-GCM/ChaCha20 suite",
		"TLS: handshake with %s failed (sent alert %d)",
		"TLS: %s sent alert %d",
		"TLS: certificate of %s rejected (BearSSL X.509 error %d)",
		"TLS: connection to %s failed (BearSSL error %d)",
	};
	int code = br_ssl_engine_last_error(&t->cc.eng), n = code;
	size_t i = 0;

	while (i < 7 && codes[i] != code)
		i++;
	if (i == 7) {
		while (code < codes[i])
			i++;
		if (i < 9)
			n -= codes[i];
	}
	return err_set(e, msgs[i], t->host, n);
}

int
tls_io(struct tls_conn *t, int fd, struct err *e)
{
	br_ssl_engine_context *eng = &t->cc.eng;
	const char *failed = NULL; /* the socket call that failed, with errno */
	int rc = 0;

	for (;;) {
		unsigned st = br_ssl_engine_current_state(eng);
		unsigned char *buf;
		size_t len;
		ssize_t n;

		if (st & BR_SSL_CLOSED) {
			if (br_ssl_engine_last_error(eng) != BR_ERR_OK)
				rc = engine_error(t, e);
			else
				t->eof = 1; /* close_notify */
			break;
		}
		if (st & BR_SSL_SENDREC) {
			buf = br_ssl_engine_sendrec_buf(eng, &len);
			n = send(fd, buf, len, MSG_NOSIGNAL);
			if (n > 0) {
				br_ssl_engine_sendrec_ack(eng, (size_t)n);
				continue;
			}
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
				failed = "send to";
				break;
			}
			/* Would block: records still pending, wait for POLLOUT. */
		}
		if ((st & BR_SSL_RECVREC) && !t->eof) {
			buf = br_ssl_engine_recvrec_buf(eng, &len);
			n = recv(fd, buf, len, 0);
			if (n > 0) {
				br_ssl_engine_recvrec_ack(eng, (size_t)n);
				continue;
			}
			if (n == 0) {
				t->eof = 1;
				break;
			}
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				failed = "receive from";
		}
		break;
	}
	if (failed)
		rc = err_set(e, "TLS: %s %s: %s", failed, t->host, strerror(errno));
	return rc;
}

int
tls_ready(const struct tls_conn *t)
{
	return (br_ssl_engine_current_state(&t->cc.eng) & BR_SSL_SENDAPP) != 0;
}

size_t
tls_write(struct tls_conn *t, const void *p, size_t n)
{
	size_t len;
	unsigned char *buf = br_ssl_engine_sendapp_buf(&t->cc.eng, &len);

	if (!buf)
		return 0;
	if (len > n)
		len = n;
	memcpy(buf, p, len);
	br_ssl_engine_sendapp_ack(&t->cc.eng, len);
	return len;
}

void
tls_flush(struct tls_conn *t)
{
	br_ssl_engine_flush(&t->cc.eng, 0);
}

size_t
tls_read(struct tls_conn *t, void *p, size_t n)
{
	size_t len;
	unsigned char *buf = br_ssl_engine_recvapp_buf(&t->cc.eng, &len);

	if (!buf)
		return 0;
	if (len > n)
		len = n;
	memcpy(p, buf, len);
	br_ssl_engine_recvapp_ack(&t->cc.eng, len);
	return len;
}

int
tls_pending(const struct tls_conn *t)
{
	return (br_ssl_engine_current_state(&t->cc.eng) & BR_SSL_RECVAPP) != 0;
}

int
tls_closed(const struct tls_conn *t)
{
	return (br_ssl_engine_current_state(&t->cc.eng) & BR_SSL_CLOSED) != 0;
}

void
tls_close_notify(struct tls_conn *t, int fd)
{
	struct err e = { 0 };

	br_ssl_engine_close(&t->cc.eng);
	tls_io(t, fd, &e);
}

void
tls_save_session(struct tls_conn *t)
{
	br_ssl_session_parameters p;

	br_ssl_engine_get_session_parameters(&t->cc.eng, &p);
	/* Resumed when the server accepted the session ID we offered. */
	t->resumed = t->have_session && !strcmp(t->session_host, t->host) &&
	    p.session_id_len == t->session.session_id_len &&
	    !memcmp(p.session_id, t->session.session_id, p.session_id_len) &&
	    p.session_id_len > 0;
	t->session = p;
	str_copy(t->session_host, sizeof t->session_host, t->host);
	t->have_session = p.session_id_len > 0;
}

void
tls_forget_session(struct tls_conn *t)
{
	t->have_session = 0;
	memset(&t->session, 0, sizeof t->session);
}
