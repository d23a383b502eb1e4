/*
 * cache: the per-zone sync record, what the last successful sync wrote to
 * Route 53, so the next one can diff against it instead of listing the
 * whole hosted zone (HACKING.md, "The data path").
 *
 * One file per zone entry in the cache directory (cache_dir, else systemd's
 * $CACHE_DIRECTORY, else CACHE_DEFAULT_DIR), named after the zone, the
 * kind of hosted zone it asks for and its hosted_zone_id (the entries of a
 * split-horizon name: "example.com.private.rec"; a name too long for a
 * file name by its SHA-256: "sha256-HEX.rec"). Its form, every integer
 * big-endian:
 *
 *   "N53R" | version (1 octet, CACHE_VERSION)
 *   zone name (1 octet length, lower-case wire form)
 *   hosted zone ID (1 octet length, text) | private hosted zone (1: 0 or 1)
 *   serial written to Route 53 (4) | time of the last full listing,
 *   seconds since the epoch (8)
 *   SOA value Route 53 holds (2 octets length, text; 0: unknown)
 *   record sets (4), then each: owner (1 octet length, wire; 0: the
 *   previous set's owner) | type (2) | TTL (4) | rdatas (2), each
 *   rdata: length (2) and octets
 *   SHA-256 of everything before (32)
 *
 * About the zone's wire size. Written atomically (src/base/afile) after
 * every successful sync; a record that is missing, truncated, of another
 * version, of another zone or hosted zone, or whose checksum fails is
 * never used: the caller logs why and takes the full path (a listing).
 */
#ifndef NOTIFY53_CACHE_H
#define NOTIFY53_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "aws/r53_op.h"
#include "base/buf.h"
#include "base/err.h"
#include "config/cfg.h"
#include "dns/zone.h"

#define CACHE_VERSION 1

struct cache_rec {
	char zone_id[R53_MAX_ID]; /* bare hosted zone ID */
	int private_zone;         /* it is a private hosted zone */
	uint32_t serial;          /* the primary's serial written to Route 53 */
	int64_t last_full;        /* last full listing, seconds since the epoch */
	char *soa;                /* SOA value Route 53 holds (heap), or NULL */
	struct zone *zone;        /* the zone as synced (heap, finished) */
};

/* Free what r holds and zero it. */
void cache_rec_free(struct cache_rec *r);

/* The directory of c's records: cache_dir, else the first entry of
 * $CACHE_DIRECTORY, else CACHE_DEFAULT_DIR; NULL when cache_dir is "" or
 * the directory cannot be written (logged: a warning for a directory
 * named by the key or the environment, debug for the default). */
const char *cache_dir(const struct cfg *c);

/* r (zone set) as a record of the zone apex (wire) appended to out.
 * Returns 0, or -1 (out->failed: too large or out of memory). */
int cache_encode(const struct cache_rec *r, const uint8_t *apex, struct buf *out);

/* Parse data[0..len) into r (zeroed here; free with cache_rec_free): it
 * must be a record of version CACHE_VERSION for the zone apex whose
 * checksum holds. Returns 0, or -1 with e saying why it is not usable. */
int cache_decode(const uint8_t *data, size_t len, const uint8_t *apex, struct cache_rec *r,
    struct err *e);

/* The record of zone z in dir into r. Returns 0 when usable; 1 when there
 * is none; -1 with e set when there is one that must not be used (above,
 * or a hosted zone other than z's hosted_zone_id). */
int cache_load(const char *dir, const struct cfg_zone *z, struct cache_rec *r, struct err *e);

/* Write r as the record of z in dir (atomically, fsync'd). Returns 0, or
 * -1 with e set. */
int cache_save(const char *dir, const struct cfg_zone *z, const struct cache_rec *r,
    struct err *e);

/* 1 when dir holds a record file for z (not read: the job checks it). */
int cache_exists(const char *dir, const struct cfg_zone *z);

/* Remove the record of z (Route 53 no longer holds what it says). */
void cache_remove(const char *dir, const struct cfg_zone *z);

#endif
