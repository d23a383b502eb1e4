/*
 * plan_print: a plan (src/sync/plan) as `notify53 plan` and `notify53 sync
 * --dry-run` show it: text for people, or JSON Lines.
 */
#ifndef NOTIFY53_PLAN_PRINT_H
#define NOTIFY53_PLAN_PRINT_H

#include "sync/plan.h"

struct fmt_stream;

/* plan_print flags. */
#define PLAN_PRINT_COLOR 1 /* ANSI colours (the caller checked isatty) */
#define PLAN_PRINT_JSON 2  /* JSON Lines instead of text */

/* Print the plan for `notify53 plan`, for the hosted zone hosted_zone
 * (its ID, NULL or "" when not known; private_zone: 1 a private one).
 * Text: one line per change,
 *   + name TTL TYPE value | value          create (green)
 *   ~ name TYPE                           update (yellow), then
 *       old: TTL value | value
 *       new: TTL value | value
 *   - name TTL TYPE value | value          delete (red)
 * then the notes ("note: ", "warning: ", "error: "), the refusal
 * ("refused: ..."), and "N to create, N to update, N to delete". JSON:
 * one object per line (JSON Lines), each with "zone" (and, when the hosted
 * zone is known, "hosted_zone":ID,"private":true|false, which tell apart the
 * entries of a zone name configured for a public and a private hosted zone):
 *   {"zone":Z,"action":"create"|"update"|"delete","name":N,"type":T,
 *    "ttl":N,"values":[...]}  (an update also "old_ttl", "old_values")
 *   {"zone":Z,"note":"info"|"warning"|"error","message":M}
 *   {"zone":Z,"summary":{"create":N,"update":N,"delete":N,"skipped":N,
 *    "conflicts":N,"errors":N,"batches":N,"refused":M|null}}
 * Names in presentation form (RFC 1035 section 5.1), values as sent to
 * Route 53. Returns 0, or -1 on a write error. */
int plan_print(const struct plan *p, const struct plan_opts *o, const char *hosted_zone,
    int private_zone, struct fmt_stream *f, unsigned flags);

#endif
