/* Unit tests of cache (the per-zone sync record): a round trip keeps every
 * field and set, and a record that is truncated, damaged (checksum), of
 * another version, of another zone or of another hosted zone is refused
 * with a reason; files are written and read back through afile. */
#include <stdlib.h>
#include <unistd.h>

#include <bearssl_hash.h>

#include "codec/rr.h"
#include "sync/cache.h"
#include "tap.h"

static char dir[] = "/tmp/test_cache.XXXXXX";

static const uint8_t *
wname(const char *text)
{
	static uint8_t names[4][DNS_NAME_MAX];
	static int k;
	uint8_t *n = names[k++ % 4];

	if (dns_name_from_text(n, DNS_NAME_MAX, text, NULL, NULL) < 0)
		abort();
	return n;
}

static void
add(struct zone *z, const char *owner, uint32_t ttl, unsigned type, const char *value)
{
	uint8_t rd[DNS_RDATA_MAX];
	long n = rr_from_r53(type, value, strlen(value), rd, sizeof rd, NULL);

	if (n < 0 || zone_add(z, wname(owner), type, DNS_CLASS_IN, ttl, rd, (size_t)n) < 0)
		abort();
}

static struct zone *
sample(void)
{
	struct zone *z = calloc(1, sizeof *z);

	zone_init(z);
	add(z, "example.com.", 3600, DNS_TYPE_SOA, "ns1.example.com. h.example.com. 7 3600 600 86400 300");
	add(z, "example.com.", 3600, DNS_TYPE_NS, "ns1.example.com.");
	add(z, "example.com.", 3600, DNS_TYPE_NS, "ns2.example.com.");
	add(z, "www.example.com.", 300, DNS_TYPE_A, "192.0.2.1");
	add(z, "www.example.com.", 300, DNS_TYPE_A, "192.0.2.2");
	add(z, "www.example.com.", 300, DNS_TYPE_AAAA, "2001:db8::1");
	add(z, "t.example.com.", 60, DNS_TYPE_TXT, "\"a b\" \"c\"");
	if (zone_finish(z) < 0)
		abort();
	return z;
}

static int
same_zone(const struct zone *a, const struct zone *b)
{
	if (zone_set_count(a) != zone_set_count(b) || zone_rr_count(a) != zone_rr_count(b))
		return 0;
	for (size_t i = 0; i < zone_set_count(a); i++)
		if (zone_set_cmp(a, i, b, i) || !zone_set_equal(a, i, b, i))
			return 0;
	return 1;
}

int
main(void)
{
	struct cache_rec r = { 0 }, back;
	struct cfg_zone cz = { 0 };
	uint8_t apex[DNS_NAME_MAX];
	struct err e = { 0 };
	struct buf b;
	uint8_t *copy;
	char path[256];
	FILE *f;

	if (!mkdtemp(dir))
		return 1;
	memcpy(apex, wname("example.com."), DNS_NAME_MAX);
	snprintf(r.zone_id, sizeof r.zone_id, "Z0123456789ABC");
	r.serial = 4000000000u;
	r.private_zone = 1;
	r.last_full = 1767225600LL + (1LL << 33);
	r.soa = strdup("ns-1.awsdns-1.net. awsdns-hostmaster.amazon.com. 7 3600 600 86400 300");
	r.zone = sample();

	buf_init(&b, CACHE_MAX_FILE);
	ok(cache_encode(&r, apex, &b) == 0, "encoded: %zu octets", b.len);
	ok(cache_decode((const uint8_t *)b.data, b.len, apex, &back, &e) == 0, "decoded: %s", e.msg);
	is_str(back.zone_id, r.zone_id, "hosted zone ID kept");
	ok(back.serial == r.serial && back.last_full == r.last_full && back.private_zone == 1,
	    "serial, time and private flag kept");
	is_str(back.soa ? back.soa : "(null)", r.soa, "SOA value kept");
	ok(back.zone && same_zone(back.zone, r.zone), "every record set kept");
	cache_rec_free(&back);

	/* Without an SOA value. */
	{
		struct cache_rec n = r;
		struct buf b2;

		n.soa = NULL;
		buf_init(&b2, CACHE_MAX_FILE);
		ok(cache_encode(&n, apex, &b2) == 0 &&
		    cache_decode((const uint8_t *)b2.data, b2.len, apex, &back, &e) == 0 &&
		    back.soa == NULL, "no SOA value round trip");
		cache_rec_free(&back);
		buf_free(&b2);
	}

	copy = malloc(b.len);
	/* Every truncation is refused. */
	{
		int all = 1;

		for (size_t n = 0; n < b.len; n++) {
			err_clear(&e);
			if (cache_decode((const uint8_t *)b.data, n, apex, &back, &e) == 0) {
				all = 0;
				cache_rec_free(&back);
				diag("truncated at %zu accepted", n);
			}
		}
		ok(all, "every truncation refused");
	}
	/* Every single flipped octet is refused (checksum or header). */
	{
		int all = 1;

		for (size_t n = 0; n < b.len; n++) {
			memcpy(copy, b.data, b.len);
			copy[n] ^= 0x20;
			err_clear(&e);
			if (cache_decode(copy, b.len, apex, &back, &e) == 0) {
				all = 0;
				cache_rec_free(&back);
				diag("flip at %zu accepted", n);
			}
		}
		ok(all, "every damaged octet refused");
	}
	memcpy(copy, b.data, b.len);
	copy[b.len - 1] ^= 1;
	err_clear(&e);
	ok(cache_decode(copy, b.len, apex, &back, &e) < 0 && strstr(e.msg, "checksum"),
	    "checksum: %s", e.msg);
	memcpy(copy, b.data, b.len);
	copy[4] = CACHE_VERSION + 1;
	err_clear(&e);
	ok(cache_decode(copy, b.len, apex, &back, &e) < 0 && strstr(e.msg, "version 2"),
	    "other version: %s", e.msg);
	memcpy(copy, b.data, b.len);
	copy[0] = 'X';
	err_clear(&e);
	ok(cache_decode(copy, b.len, apex, &back, &e) < 0 && strstr(e.msg, "not a notify53"),
	    "foreign file: %s", e.msg);
	err_clear(&e);
	ok(cache_decode((const uint8_t *)b.data, b.len, wname("example.net."), &back, &e) < 0 &&
	    strstr(e.msg, "another zone"), "other zone: %s", e.msg);

	/* An owner whose root label is hidden inside another label's data
	 * ([2][0][0]: a 2-octet label of zeros, no end), with a valid
	 * checksum: refused, never read past (fuzz_cache found it). */
	{
		static const uint8_t body[] = { 'N', '5', '3', 'R', CACHE_VERSION,
			13, 7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0,
			1, 'Z', 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
			0, 0, 0, 1, 3, 2, 0, 0, 0, 1, 0, 0, 0, 60, 0, 1, 0, 4, 192, 0, 2, 1 };
		uint8_t rec[sizeof body + 32];
		br_sha256_context h;

		memcpy(rec, body, sizeof body);
		br_sha256_init(&h);
		br_sha256_update(&h, body, sizeof body);
		br_sha256_out(&h, rec + sizeof body);
		err_clear(&e);
		ok(cache_decode(rec, sizeof rec, apex, &back, &e) < 0 && strstr(e.msg, "bad content"),
		    "owner without its root label: %s", e.msg);
		rec[41] = 0; /* [0][1][0]: the root label first */
		rec[42] = 1;
		br_sha256_init(&h);
		br_sha256_update(&h, rec, sizeof body);
		br_sha256_out(&h, rec + sizeof body);
		err_clear(&e);
		ok(cache_decode(rec, sizeof rec, apex, &back, &e) < 0, "owner with the root label "
		    "first: %s", e.msg);
		rec[41] = 1; /* [1][0][0]: the label "\000", then the root: a name */
		rec[42] = 0;
		br_sha256_init(&h);
		br_sha256_update(&h, rec, sizeof body);
		br_sha256_out(&h, rec + sizeof body);
		err_clear(&e);
		ok(cache_decode(rec, sizeof rec, apex, &back, &e) == 0 && zone_set_count(back.zone) == 1,
		    "the same with a label of one zero octet: read (%s)", e.msg);
		cache_rec_free(&back);
	}

	/* Files: one per zone entry, named after the name, the kind of hosted
	 * zone and the configured ID. */
	cz.name = "example.com.";
	cz.kind = CFG_ZONE_ANY;
	err_clear(&e);
	ok(cache_load(dir, &cz, &back, &e) == 1 && !e.set, "no record: 1, no error");
	ok(cache_save(dir, &cz, &r, &e) == 0, "saved: %s", e.msg);
	snprintf(path, sizeof path, "%s/example.com.rec", dir);
	ok(access(path, R_OK) == 0, "file %s", path);
	ok(cache_exists(dir, &cz), "cache_exists says so");
	ok(cache_load(dir, &cz, &back, &e) == 0 && back.serial == r.serial &&
	    same_zone(back.zone, r.zone), "loaded: %s", e.msg);
	cache_rec_free(&back);
	/* A truncated file. */
	f = fopen(path, "w");
	fwrite(b.data, 1, b.len / 2, f);
	fclose(f);
	err_clear(&e);
	ok(cache_load(dir, &cz, &back, &e) < 0 && strstr(e.msg, "checksum") && strstr(e.msg, path),
	    "truncated file: %s", e.msg);
	cache_remove(dir, &cz);
	ok(access(path, F_OK) < 0 && !cache_exists(dir, &cz), "removed");

	cz.kind = CFG_ZONE_PRIVATE;
	snprintf(path, sizeof path, "%s/example.com.private.rec", dir);
	ok(cache_save(dir, &cz, &r, &e) == 0 && access(path, F_OK) == 0, "private entry: %s", path);
	cache_remove(dir, &cz);
	cz.kind = CFG_ZONE_ANY;

	cz.hosted_zone_id = "Z0123456789ABC";
	snprintf(path, sizeof path, "%s/example.com.Z0123456789ABC.rec", dir);
	ok(cache_save(dir, &cz, &r, &e) == 0 && access(path, F_OK) == 0, "with hosted_zone_id: %s",
	    path);
	ok(cache_load(dir, &cz, &back, &e) == 0, "matching hosted_zone_id: loaded");
	cache_rec_free(&back);
	/* That record under the name of an entry for another hosted zone. */
	{
		char other[256];

		snprintf(other, sizeof other, "%s/example.com.ZOTHER.rec", dir);
		ok(rename(path, other) == 0, "moved to %s", other);
		cz.hosted_zone_id = "ZOTHER";
		err_clear(&e);
		ok(cache_load(dir, &cz, &back, &e) < 0 &&
		    strstr(e.msg, "hosted zone Z0123456789ABC, not ZOTHER") && strstr(e.msg, other),
		    "other hosted zone: %s", e.msg);
		cache_remove(dir, &cz);
		ok(access(other, F_OK) < 0, "removed");
	}
	cz.hosted_zone_id = NULL;
	/* A zone name with a slash stays in the directory. */
	cz.name = "a\\/b.example.com.";
	snprintf(path, sizeof path, "%s/a%%5C%%2Fb.example.com.rec", dir);
	ok(cache_save(dir, &cz, &r, &e) == 0 && access(path, F_OK) == 0, "odd name saved as %s",
	    path);
	cache_remove(dir, &cz);
	ok(access(path, F_OK) < 0, "odd name removed");
	/* Long names (valid: at most 253 characters, RFC 1035 section
	 * 2.3.4). One of 246 keeps the usual file name (249 octets, 253 for
	 * the temporary one); one of 249 would pass the 255 octets a file
	 * name can have, its temporary one above all: it is named after its
	 * hash. */
	for (int len = 246; len <= 249; len += 3) {
		static char name[256];
		char lpath[512];
		int n = 0;

		for (int l = 0; l < 3; l++)
			n += snprintf(name + n, sizeof name - (size_t)n, "%063d.", 0);
		n += snprintf(name + n, sizeof name - (size_t)n, "%0*d.example.com.", len - 205, 0);
		cz.name = name;
		snprintf(lpath, sizeof lpath, "%s/%srec", dir, name);
		err_clear(&e);
		ok(n == len && cache_save(dir, &cz, &r, &e) == 0, "a name of %d characters: saved%s%s",
		    n, e.set ? ": " : "", e.msg);
		ok(cache_exists(dir, &cz) && (access(lpath, F_OK) == 0) == (len == 246),
		    "a name of %d characters: %s", n, len == 246 ? "the usual file name" :
		    "a file of another name");
		ok(cache_load(dir, &cz, &back, &e) == 0 && same_zone(back.zone, r.zone),
		    "a name of %d characters: loaded%s%s", n, e.set ? ": " : "", e.msg);
		cache_rec_free(&back);
		cache_remove(dir, &cz);
		ok(!cache_exists(dir, &cz), "a name of %d characters: removed", n);
	}

	rmdir(dir);
	free(copy);
	buf_free(&b);
	cache_rec_free(&r);
	return tap_done();
}
