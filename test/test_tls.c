/*
 * TLS glue without a network: the compiled-in trust anchors, PEM bundles
 * (certificates kept, other objects skipped, damage refused), ca_file
 * loading and its limits, the clock check and BearSSL's X.509 time.
 *
 *   test_tls [TA_DIR]   (default /usr/share/ca-certificates/mozilla, for the
 *                        PEM files the build compiled in)
 */
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tap.h"
#include "net/tls.h"
#include "base/version.h"

static char *
slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *b;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t)n + 1);
	if (fread(b, 1, (size_t)n, f) != (size_t)n) {
		free(b);
		fclose(f);
		return NULL;
	}
	b[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return b;
}

static void
builtin(void)
{
	struct tls_trust t = { 0 };
	struct err e = { 0 };
	int rsa = 0, ec = 0;

	is_int(tls_builtin_count, 5, "five anchors compiled in");
	ok(tls_trust_add_builtin(&t, &e) == 0, "compiled-in anchors decode");
	is_int(t.n, 5, "five trust anchors");
	for (size_t i = 0; i < t.n; i++) {
		ok(t.ta[i].flags & BR_X509_TA_CA, "%s is a CA", tls_builtin[i].name);
		ok(t.ta[i].dn.len > 20, "%s has a subject DN", tls_builtin[i].name);
		rsa += t.ta[i].pkey.key_type == BR_KEYTYPE_RSA;
		ec += t.ta[i].pkey.key_type == BR_KEYTYPE_EC;
	}
	/* Amazon Root CA 1, 2 and Starfield G2 are RSA; 3 (P-256), 4 (P-384) EC. */
	is_int(rsa, 3, "three RSA anchors");
	is_int(ec, 2, "two EC anchors");
	is_int(t.ta[1].pkey.key.rsa.nlen, 512, "Amazon Root CA 2 is RSA-4096");
	is_int(t.ta[2].pkey.key.ec.curve, BR_EC_secp256r1, "Amazon Root CA 3 is P-256");
	is_int(t.ta[3].pkey.key.ec.curve, BR_EC_secp384r1, "Amazon Root CA 4 is P-384");
	tls_trust_free(&t);
	ok(t.n == 0 && t.ta == NULL, "trust freed");
}

static void
pem(const char *dir)
{
	struct tls_trust t = { 0 };
	struct err e = { 0 };
	char path[512], *a, *b, *bundle, *bad;
	size_t alen, blen;

	snprintf(path, sizeof path, "%s/Amazon_Root_CA_1.crt", dir);
	a = slurp(path, &alen);
	snprintf(path, sizeof path, "%s/Amazon_Root_CA_3.crt", dir);
	b = slurp(path, &blen);
	if (!ok(a && b, "PEM files of %s readable", dir)) {
		free(a);
		free(b);
		return;
	}
	/* Two certificates around a private key object and free text. */
	bundle = malloc(alen + blen + 256);
	sprintf(bundle, "junk before\n%s-----BEGIN PRIVATE KEY-----\nAAAA\n"
	    "-----END PRIVATE KEY-----\n%s", a, b);
	is_int(tls_trust_add_pem(&t, bundle, strlen(bundle), &e), 2,
	    "bundle: two certificates, key skipped");
	{
		struct tls_trust bt = { 0 };

		tls_trust_add_builtin(&bt, &e);
		ok(t.ta[0].dn.len == bt.ta[0].dn.len &&
		    !memcmp(t.ta[0].dn.data, bt.ta[0].dn.data, bt.ta[0].dn.len) &&
		    t.ta[1].pkey.key.ec.qlen == bt.ta[2].pkey.key.ec.qlen &&
		    !memcmp(t.ta[1].pkey.key.ec.q, bt.ta[2].pkey.key.ec.q, bt.ta[2].pkey.key.ec.qlen),
		    "PEM and compiled-in anchors are the same");
		tls_trust_free(&bt);
	}
	tls_trust_free(&t);

	is_int(tls_trust_add_pem(&t, "no PEM here\n", 12, &e), 0, "text without PEM: none added");
	bad = strdup(a);
	bad[strlen(bad) / 2] = '!';
	ok(tls_trust_add_pem(&t, bad, strlen(bad), &e) < 0, "damaged base64 refused: %s", e.msg);
	err_clear(&e);
	free(bad);
	bad = strdup(a);
	bad[strlen(bad) / 2] = '\0';
	ok(tls_trust_add_pem(&t, bad, strlen(bad), &e) < 0, "truncated PEM refused: %s", e.msg);
	err_clear(&e);
	free(bad);
	{
		static const char notcert[] = "-----BEGIN CERTIFICATE-----\nAAECAwQF\n"
			"-----END CERTIFICATE-----\n";

		ok(tls_trust_add_pem(&t, notcert, sizeof notcert - 1, &e) < 0 &&
		    strstr(e.msg, "cannot decode"), "PEM that is not a certificate refused: %s",
		    e.msg);
		err_clear(&e);
	}
	is_int(t.n, 0, "nothing added by the failures");
	tls_trust_free(&t);

	/* The same through a file, read in pieces. */
	{
		char tmp[] = "/tmp/test_tls.XXXXXX";
		int fd = mkstemp(tmp);

		if (write(fd, bundle, strlen(bundle)) < 0)
			diag("write failed");
		close(fd);
		is_int(tls_trust_load_file(&t, tmp, &e), 2, "ca_file with two certificates");
		tls_trust_free(&t);
		fd = open(tmp, O_WRONLY | O_TRUNC);
		if (write(fd, "nothing\n", 8) < 0)
			diag("write failed");
		close(fd);
		ok(tls_trust_load_file(&t, tmp, &e) < 0 && strstr(e.msg, "no PEM certificate"),
		    "ca_file without certificates refused: %s", e.msg);
		err_clear(&e);
		unlink(tmp);
		ok(tls_trust_load_file(&t, tmp, &e) < 0 && strstr(e.msg, "No such file"),
		    "missing ca_file: %s", e.msg);
		err_clear(&e);
	}
	free(bundle);
	free(a);
	free(b);
}

static void
big_file(void)
{
	struct tls_trust t = { 0 };
	struct err e = { 0 };
	char tmp[] = "/tmp/test_tls.XXXXXX", line[81];
	int fd = mkstemp(tmp);
	size_t written = 0;

	memset(line, '#', 80);
	line[80] = '\n';
	while (written <= TLS_MAX_CA_FILE) {
		if (write(fd, line, sizeof line) < 0)
			break;
		written += sizeof line;
	}
	close(fd);
	ok(tls_trust_load_file(&t, tmp, &e) < 0 && strstr(e.msg, "larger than"),
	    "ca_file over TLS_MAX_CA_FILE refused: %s", e.msg);
	unlink(tmp);
	tls_trust_free(&t);
}

static void
clock_checks(void)
{
	struct tls_conn *c = calloc(1, sizeof *c);
	struct tls_trust t = { 0 };
	struct err e = { 0 };
	uint32_t d, s;

	ok(!tls_clock_ok(version_build_time() - 1), "a second before the build: clock not set");
	ok(tls_clock_ok(version_build_time()), "at the build time: clock plausible");
	ok(!tls_clock_ok(0), "1970: clock not set");

	tls_trust_add_builtin(&t, &e);
	is_int(tls_start(c, &t, "route53.amazonaws.com", 0, &e), TLS_CLOCK,
	    "tls_start refuses with TLS_CLOCK");
	ok(strstr(e.msg, "clock not set") != NULL, "message: %s", e.msg);
	err_clear(&e);
	is_int(tls_start(c, &t, "route53.amazonaws.com", version_build_time() + 60, &e), 0,
	    "tls_start with a plausible clock");
	ok(tls_events(c) & POLLOUT, "a new engine wants to send the ClientHello (POLLOUT)");
	ok(!tls_ready(c), "not ready before the handshake");
	{
		struct tls_trust none = { 0 };

		ok(tls_start(c, &none, "x.example", version_build_time() + 60, &e) < 0,
		    "no anchors refused");
		err_clear(&e);
	}
	tls_trust_free(&t);
	free(c);

	tls_x509_time(0, &d, &s);
	ok(d == 719528 && s == 0, "1970-01-01 is day 719528");
	tls_x509_time(1440938160, &d, &s);
	ok(d == 719528 + 16677 && s == 45360, "2015-08-30T12:36:00Z");
	tls_x509_time(-1, &d, &s);
	ok(d == 719527 && s == 86399, "one second before the epoch");
}

int
main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/usr/share/ca-certificates/mozilla";

	builtin();
	pem(dir);
	big_file();
	clock_checks();
	return tap_done();
}
