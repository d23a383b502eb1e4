/*
 * err: sticky errors, after BearSSL's br_ssl_engine_fail.
 *
 * A module keeps one struct err in its context. The first failure is recorded
 * with a human message; later failures do not overwrite it, so a sequence of
 * steps can run and be checked once at the end, and the message a user reads
 * names the first thing that went wrong.
 */
#ifndef NOTIFY53_ERR_H
#define NOTIFY53_ERR_H

#include <stdarg.h>

#include "config.h"

struct err {
	int set;
	char msg[ERR_MSG_MAX];
};

/* Record the first error; always returns -1 so callers can
 * `return err_set(&ctx->err, "...")`. */
int err_set(struct err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* err_set with a va_list, for modules' own printf-like failure helpers. */
int err_vset(struct err *e, const char *fmt, va_list ap);

/* Forget the error (a context being reused for a new job). */
void err_clear(struct err *e);

#endif
