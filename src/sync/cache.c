#include "sync/cache.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bearssl_hash.h>

#include "base/afile.h"
#include "base/fmt.h"
#include "base/log.h"
#include "base/str.h"
#include "codec/dns.h"

static const uint8_t magic[4] = { 'N', '5', '3', 'R' };

#define HASH_LEN 32

void
cache_rec_free(struct cache_rec *r)
{
	if (r->zone) {
		zone_free(r->zone);
		free(r->zone);
	}
	free(r->soa);
	memset(r, 0, sizeof *r);
}

const char *
cache_dir(const struct cfg *c)
{
	static char env[CFG_MAX_STRING + 1];
	const char *s, *dir = CACHE_DEFAULT_DIR;
	int named = 1;

	if (c->cache_dir) {
		if (!c->cache_dir[0])
			return NULL;
		dir = c->cache_dir;
	} else if ((s = getenv("CACHE_DIRECTORY")) && s[0] && strlen(s) <= CFG_MAX_STRING) {
		/* systemd.exec(5), CacheDirectory=: several directories are
		 * separated by colons. */
		str_copy(env, sizeof env, s);
		env[str_span(env, ":", 0)] = '\0';
		dir = env;
	} else {
		named = 0;
	}
	if (access(dir, W_OK | X_OK) < 0) {
		log_msg(named ? LOG_LEVEL_WARN : LOG_LEVEL_DEBUG, "cache_dir %s: %s: no sync "
		    "records, every sync lists its hosted zone", dir, strerror(errno));
		return NULL;
	}
	return dir;
}

/* ---- the form ------------------------------------------------------------------ */

static void
put8(struct buf *b, unsigned v)
{
	uint8_t o = (uint8_t)v;

	buf_put(b, &o, 1);
}

static void
put16(struct buf *b, unsigned v)
{
	uint8_t o[2] = { (uint8_t)(v >> 8), (uint8_t)v };

	buf_put(b, o, 2);
}

static void
put32(struct buf *b, uint32_t v)
{
	put16(b, v >> 16);
	put16(b, v & 0xffff);
}

/* The octets cache_encode writes. */
static size_t
encoded_size(const struct cache_rec *r, const uint8_t *apex, size_t idl, size_t soal)
{
	const struct zone *z = r->zone;
	size_t n = sizeof magic + 1 + 1 + dns_name_len(apex) + 1 + idl + 1 + 4 + 8 + 2 + soal +
	    4 + HASH_LEN;

	for (size_t i = 0; i < zone_set_count(z); i++) {
		struct zone_set s;

		zone_set_get(z, i, &s);
		n += 1 + s.name_len + 2 + 4 + 2;
		for (size_t k = 0; k < s.count; k++) {
			size_t len;

			zone_set_rdata(z, i, k, &len);
			n += 2 + len;
		}
	}
	return n;
}

int
cache_encode(const struct cache_rec *r, const uint8_t *apex, struct buf *out)
{
	const struct zone *z = r->zone;
	size_t start = out->len, n = zone_set_count(z), idl = strlen(r->zone_id);
	size_t soal = r->soa ? strlen(r->soa) : 0;
	uint8_t prev[DNS_NAME_MAX], hash[HASH_LEN];
	size_t prevl = 0;
	br_sha256_context h;

	if (idl > 255 || soal > 0xffff)
		return -1;
	/* One allocation of the exact size: at 100,000 sets a record is a few
	 * MB, written while the job still holds its plan. */
	if (buf_reserve(out, encoded_size(r, apex, idl, soal)) < 0)
		return -1;
	buf_put(out, magic, sizeof magic);
	put8(out, CACHE_VERSION);
	put8(out, (unsigned)dns_name_len(apex));
	buf_put(out, apex, dns_name_len(apex));
	put8(out, (unsigned)idl);
	buf_put(out, r->zone_id, idl);
	put8(out, r->private_zone ? 1 : 0);
	put32(out, r->serial);
	put32(out, (uint32_t)((uint64_t)r->last_full >> 32));
	put32(out, (uint32_t)r->last_full);
	put16(out, (unsigned)soal);
	buf_put(out, r->soa, soal);
	put32(out, (uint32_t)n);
	for (size_t i = 0; i < n && !out->failed; i++) {
		struct zone_set s;

		zone_set_get(z, i, &s);
		if (s.name_len == prevl && !memcmp(s.name, prev, prevl)) {
			put8(out, 0);
		} else {
			put8(out, (unsigned)s.name_len);
			buf_put(out, s.name, s.name_len);
			memcpy(prev, s.name, s.name_len);
			prevl = s.name_len;
		}
		put16(out, s.type);
		put32(out, s.ttl);
		put16(out, (unsigned)s.count);
		for (size_t k = 0; k < s.count; k++) {
			size_t len;
			const uint8_t *rd = zone_set_rdata(z, i, k, &len);

			put16(out, (unsigned)len);
			buf_put(out, rd, len);
		}
	}
	if (out->failed)
		return -1;
	br_sha256_init(&h);
	br_sha256_update(&h, out->data + start, out->len - start);
	br_sha256_out(&h, hash);
	return buf_put(out, hash, sizeof hash);
}

/* A bounds-checked reader over the record. */
struct rd {
	const uint8_t *p, *end;
	int bad;
};

static const uint8_t *
take(struct rd *c, size_t n)
{
	const uint8_t *p = c->p;

	if (c->bad || (size_t)(c->end - c->p) < n) {
		c->bad = 1;
		return NULL;
	}
	c->p += n;
	return p;
}

static uint32_t
get(struct rd *c, int octets)
{
	const uint8_t *p = take(c, (size_t)octets);
	uint32_t v = 0;

	for (int i = 0; p && i < octets; i++)
		v = v << 8 | p[i];
	return v;
}

/* A wire name of len octets at the cursor into out: it must parse as
 * exactly one name. */
static int
get_name(struct rd *c, size_t len, uint8_t *out)
{
	const uint8_t *p = take(c, len);
	size_t i = 0;

	if (!p || len > DNS_NAME_MAX)
		return -1;
	memcpy(out, p, len);
	/* Labels of 63 octets at most, the root label last and only there
	 * (RFC 1035 section 3.1). */
	if (!len)
		return -1;
	while (i < len - 1) {
		if (out[i] == 0 || out[i] > 63)
			return -1;
		i += (size_t)out[i] + 1;
	}
	return i == len - 1 && out[i] == 0 ? 0 : -1;
}

int
cache_decode(const uint8_t *data, size_t len, const uint8_t *apex, struct cache_rec *r,
    struct err *e)
{
	struct rd c;
	uint8_t hash[HASH_LEN], name[DNS_NAME_MAX];
	br_sha256_context h;
	const uint8_t *p;
	uint32_t nsets, hi;
	size_t l;
	int zerr;

	memset(r, 0, sizeof *r);
	if (len < sizeof magic + 1 + HASH_LEN || memcmp(data, magic, sizeof magic))
		return err_set(e, "not a notify53 sync record");
	if (data[sizeof magic] != CACHE_VERSION)
		return err_set(e, "a record of version %u, not %u", data[sizeof magic],
		    CACHE_VERSION);
	br_sha256_init(&h);
	br_sha256_update(&h, data, len - HASH_LEN);
	br_sha256_out(&h, hash);
	if (memcmp(hash, data + len - HASH_LEN, HASH_LEN))
		return err_set(e, "checksum mismatch (truncated or damaged)");
	c.p = data + sizeof magic + 1;
	c.end = data + len - HASH_LEN;
	c.bad = 0;
	if (get_name(&c, get(&c, 1), name) < 0 || !dns_name_equal(name, apex))
		return err_set(e, "the record of another zone");
	l = get(&c, 1);
	if (!(p = take(&c, l)) || l >= sizeof r->zone_id)
		return err_set(e, "bad hosted zone ID");
	memcpy(r->zone_id, p, l);
	r->zone_id[l] = '\0';
	if ((l = get(&c, 1)) > 1)
		goto bad;
	r->private_zone = (int)l;
	r->serial = get(&c, 4);
	hi = get(&c, 4);
	r->last_full = (int64_t)((uint64_t)hi << 32 | get(&c, 4));
	l = get(&c, 2);
	if (!(p = take(&c, l)))
		goto bad;
	if (l) {
		if (memchr(p, '\0', l) || !(r->soa = malloc(l + 1)))
			goto bad;
		memcpy(r->soa, p, l);
		r->soa[l] = '\0';
	}
	nsets = get(&c, 4);
	if (c.bad || !(r->zone = malloc(sizeof *r->zone)))
		goto bad;
	zone_init(r->zone);
	name[0] = 0xff; /* no owner yet */
	for (uint32_t i = 0; i < nsets && !c.bad; i++) {
		unsigned type, n;
		uint32_t ttl;

		if ((l = get(&c, 1)) ? get_name(&c, l, name) < 0 : name[0] == 0xff)
			goto bad;
		type = get(&c, 2);
		ttl = get(&c, 4);
		n = get(&c, 2);
		if (!n)
			goto bad;
		for (unsigned k = 0; k < n; k++) {
			size_t rl = get(&c, 2);

			if (!(p = take(&c, rl)) ||
			    zone_add(r->zone, name, type, DNS_CLASS_IN, ttl, p, rl) < 0)
				goto bad;
		}
	}
	if (c.bad || c.p != c.end || zone_finish(r->zone) < 0 || zone_set_count(r->zone) != nsets)
		goto bad;
	return 0;
bad:
	zerr = r->zone && r->zone->err.set;
	err_set(e, "bad content%s%s", zerr ? ": " : "", zerr ? r->zone->err.msg : "");
	cache_rec_free(r);
	return -1;
}

/* ---- files ---------------------------------------------------------------------- */

/* The longest file name (NAME_MAX on Linux and the BSDs), and what
 * afile_write adds for its temporary file (".tmp"). */
#define FILE_NAME_MAX 255
#define TMP_SUFFIX 4

/* dir/NAME[public.|private.][ID.]rec for zone z: the name in presentation
 * form with every octet but a-z 0-9 - _ . as %XX (a name may hold '/'),
 * then what tells entries of one name apart (split horizon: the kind of
 * hosted zone, or its configured ID). A name too long for that file name
 * (a DNS name has up to 253 characters, escapes triple them) is NAME as
 * "sha256-" and the hex SHA-256 of the name. Returns 0 or -1. */
static int
rec_path(char *buf, size_t cap, const char *dir, const struct cfg_zone *z)
{
	size_t n = (size_t)fmt_snprintf(buf, cap, "%s/", dir), start = n, tail;
	const char *kind = z->kind == CFG_ZONE_PRIVATE ? "private." : z->kind == CFG_ZONE_PUBLIC ?
	    "public." : "";

	for (const char *s = z->name; *s && n + 8 < cap; s++) {
		unsigned char ch = (unsigned char)*s;

		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
		    ch == '_' || ch == '.')
			buf[n++] = (char)ch;
		else
			n += (size_t)fmt_snprintf(buf + n, cap - n, "%%%02X", ch);
	}
	if (n + 8 >= cap)
		return -1;
	tail = strlen(kind) + (z->hosted_zone_id ? strlen(z->hosted_zone_id) + 1 : 0) + 3;
	if (n - start + tail + TMP_SUFFIX > FILE_NAME_MAX) {
		uint8_t h[32];
		br_sha256_context c;

		br_sha256_init(&c);
		br_sha256_update(&c, z->name, strlen(z->name));
		br_sha256_out(&c, h);
		n = start + (size_t)fmt_snprintf(buf + start, cap - start, "sha256-");
		for (size_t i = 0; i < sizeof h && n < cap; i++)
			n += (size_t)fmt_snprintf(buf + n, cap - n, "%02X", h[i]);
		if (n < cap)
			buf[n++] = '.';
		if (n >= cap)
			return -1;
	}
	n += (size_t)fmt_snprintf(buf + n, cap - n, "%s%s%srec", kind,
	    z->hosted_zone_id ? z->hosted_zone_id : "", z->hosted_zone_id ? "." : "");
	return n < cap ? 0 : -1;
}

int
cache_load(const char *dir, const struct cfg_zone *z, struct cache_rec *r, struct err *e)
{
	char path[CFG_MAX_STRING + 3 * DNS_NAME_TEXT_MAX + R53_MAX_ID + 16];
	uint8_t apex[DNS_NAME_MAX];
	char *data = NULL;
	size_t len = 0;
	int rc;

	memset(r, 0, sizeof *r);
	if (rec_path(path, sizeof path, dir, z) < 0 ||
	    dns_name_from_text(apex, sizeof apex, z->name, NULL, e) < 0)
		return err_set(e, "%s: path too long", dir);
	if ((rc = afile_read(path, CACHE_MAX_FILE, &data, &len, e)) != 0)
		return rc;
	rc = cache_decode((const uint8_t *)data, len, apex, r, e);
	free(data);
	if (rc == 0 && z->hosted_zone_id && strcmp(z->hosted_zone_id, r->zone_id)) {
		err_set(e, "the record of hosted zone %s, not %s", r->zone_id, z->hosted_zone_id);
		cache_rec_free(r);
		rc = -1;
	}
	if (rc < 0) {
		struct err f = *e;

		err_clear(e);
		err_set(e, "%s: %s", path, f.msg);
	}
	return rc;
}

int
cache_save(const char *dir, const struct cfg_zone *z, const struct cache_rec *r, struct err *e)
{
	char path[CFG_MAX_STRING + 3 * DNS_NAME_TEXT_MAX + R53_MAX_ID + 16];
	uint8_t apex[DNS_NAME_MAX];
	struct buf b;
	int rc;

	if (rec_path(path, sizeof path, dir, z) < 0 ||
	    dns_name_from_text(apex, sizeof apex, z->name, NULL, e) < 0)
		return err_set(e, "%s: path too long", dir);
	buf_init(&b, CACHE_MAX_FILE);
	if (cache_encode(r, apex, &b) < 0)
		rc = err_set(e, "%s: %s", path, b.failed == BUF_TOO_LARGE ? "too large" :
		    "out of memory");
	else
		rc = afile_write(path, b.data, b.len, AFILE_SYNC | AFILE_PRIVATE, -1, -1, e);
	buf_free(&b);
	return rc;
}

int
cache_exists(const char *dir, const struct cfg_zone *z)
{
	char path[CFG_MAX_STRING + 3 * DNS_NAME_TEXT_MAX + R53_MAX_ID + 16];

	return rec_path(path, sizeof path, dir, z) == 0 && access(path, F_OK) == 0;
}

void
cache_remove(const char *dir, const struct cfg_zone *z)
{
	char path[CFG_MAX_STRING + 3 * DNS_NAME_TEXT_MAX + R53_MAX_ID + 16];

	if (rec_path(path, sizeof path, dir, z) == 0 && unlink(path) < 0 && errno != ENOENT)
		log_warn("%s: %s", path, strerror(errno));
}
