/*
 * fmt: printf for notify53's own formats, instead of the C library's (musl's
 * printf core is about 10 KB in a static binary, more where long double is
 * software 128-bit). C99 semantics (C99 7.19.6.1, 7.19.6.5) for the subset
 * src/ uses:
 *
 *   conversions  d i u x X c s g f %
 *   flags        - 0 + space
 *   width        digits or *
 *   precision    .digits or .*
 *   length       hh h l ll z j t (integers only)
 *
 * Doubles are exact: the digits of the double's exact value rounded half to
 * even (num_digits in src/base/num.h), as glibc prints them, so %.17g reads
 * back to the same double. %s of NULL prints "(null)" as glibc does.
 * Anything else (%e, %o, %p, %n, the # flag, L) is not supported: the
 * declarations carry gcc's format attribute, so -Wformat checks arguments,
 * and test/it_fmt_used.sh fails when src/ uses a conversion outside this
 * list. At run time an unsupported specification is copied to the output
 * as written, and its argument is not read (the ones after it are then not
 * reliable: no further conversion is done).
 */
#ifndef NOTIFY53_FMT_H
#define NOTIFY53_FMT_H

#include <stdarg.h>
#include <stddef.h>

#include "base/buf.h"

#define FMT_PRINTF(f, a) __attribute__((format(printf, f, a)))

/* snprintf: at most n - 1 characters and a NUL (when n > 0) into buf;
 * returns the length the whole output has, or -1 past INT_MAX. */
int fmt_snprintf(char *buf, size_t n, const char *fmt, ...) FMT_PRINTF(3, 4);
int fmt_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap) FMT_PRINTF(3, 0);

/* sprintf, for cJSON.c only (the Makefile compiles it with sprintf as
 * this): its buffers are sized for what it prints. */
int fmt_sprintf(char *buf, const char *fmt, ...) FMT_PRINTF(2, 3);

/*
 * Streams: all output of notify53 (stdout, stderr, text built in memory)
 * goes through these, instead of the C library's stdio (about 3 KB in a
 * static binary). The buffering is stdio's (C99 7.19.3): stdout is
 * line-buffered until its first write, then fully buffered unless it is a
 * terminal; stderr is written at the end of each call; a memory stream
 * (open_memstream's role) keeps everything in b. A failed write drops
 * what waited and leaves its errno in err, which stays for fmt_fflush to
 * report (later writes are tried again, as stdio's); a memory stream out
 * of memory drops all later output.
 */
enum fmt_mode {
	FMT_FULL,    /* written when FMT_OUT_BUF octets are waiting, or flushed */
	FMT_LINE,    /* as FMT_FULL, and up to the last newline at the end of each call */
	FMT_UNBUF,   /* all of it at the end of each call */
	FMT_AUTO     /* FMT_LINE until the first write, then FMT_LINE on a
	              * terminal, else FMT_FULL */
};

struct fmt_stream {
	struct buf b;      /* what is not written yet; a memory stream's text */
	int fd;            /* -1: a memory stream */
	enum fmt_mode mode;
	int err;           /* 0, or the errno of the last failure */
};

extern struct fmt_stream fmt_stdout_stream, fmt_stderr_stream;
#define FMT_STDOUT (&fmt_stdout_stream)
#define FMT_STDERR (&fmt_stderr_stream)

/* A memory stream, as open_memstream (POSIX): bounded only by what its
 * writer puts, which is bounded by its own input (a config value, the
 * zones of a state file). Its text is s->b.data[0..s->b.len), NULL when
 * nothing was written; the caller frees it with buf_free(&s->b). */
void fmt_memstream(struct fmt_stream *s);

/* fwrite, fputs, fputc. */
void fmt_fwrite(const void *p, size_t n, struct fmt_stream *s);
void fmt_fputs(const char *str, struct fmt_stream *s);
void fmt_fputc(int c, struct fmt_stream *s);

/* Write what waits; 0, or -1 with errno set when anything written to s
 * was lost (now or before). */
int fmt_fflush(struct fmt_stream *s);

/* fprintf, printf (FMT_STDOUT), vfprintf: the count of characters
 * written, or -1 when the stream has failed. */
int fmt_fprintf(struct fmt_stream *s, const char *fmt, ...) FMT_PRINTF(2, 3);
int fmt_printf(const char *fmt, ...) FMT_PRINTF(1, 2);
int fmt_vfprintf(struct fmt_stream *s, const char *fmt, va_list ap) FMT_PRINTF(2, 0);

/* lead, then fmt as vfprintf, then a newline: one line, written in one
 * piece by an unbuffered stream (FMT_STDERR). */
void fmt_vline(struct fmt_stream *s, const char *lead, const char *fmt, va_list ap)
    FMT_PRINTF(3, 0);

#endif
