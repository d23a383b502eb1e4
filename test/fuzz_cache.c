/*
 * Fuzz target for the sync record reader (src/sync/cache): the input is a
 * record without its checksum; the target appends the right SHA-256 so the
 * parser behind the checksum is reached (a record on disk is hostile too:
 * another program may write a valid checksum). A record that decodes must
 * encode and decode again to the same record sets.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <bearssl_hash.h>

#include "sync/cache.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t apex[] = "\7example\3com";
	struct cache_rec r, back;
	struct err e = { 0 };
	br_sha256_context h;
	uint8_t *rec;
	struct buf b;

	if (size > 1 << 20 || !(rec = malloc(size + 32)))
		return 0;
	memcpy(rec, data, size);
	br_sha256_init(&h);
	br_sha256_update(&h, rec, size);
	br_sha256_out(&h, rec + size);
	if (cache_decode(rec, size + 32, apex, &r, &e) == 0) {
		buf_init(&b, CACHE_MAX_FILE);
		if (cache_encode(&r, apex, &b) < 0 ||
		    cache_decode((const uint8_t *)b.data, b.len, apex, &back, &e) < 0 ||
		    zone_set_count(back.zone) != zone_set_count(r.zone) ||
		    back.serial != r.serial || back.private_zone != r.private_zone ||
		    strcmp(back.zone_id, r.zone_id))
			abort();
		for (size_t i = 0; i < zone_set_count(r.zone); i++)
			if (zone_set_cmp(r.zone, i, back.zone, i) ||
			    !zone_set_equal(r.zone, i, back.zone, i))
				abort();
		cache_rec_free(&back);
		buf_free(&b);
		cache_rec_free(&r);
	}
	free(rec);
	return 0;
}
