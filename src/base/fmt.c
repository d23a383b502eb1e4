#include "base/fmt.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "base/num.h"
#include "config.h"

/* ---- streams ---------------------------------------------------------- */

struct fmt_stream fmt_stdout_stream = { { NULL, 0, 0, FMT_OUT_BUF, BUF_OK }, 1, FMT_AUTO, 0 };
struct fmt_stream fmt_stderr_stream = { { NULL, 0, 0, FMT_OUT_BUF, BUF_OK }, 2, FMT_UNBUF, 0 };

void
fmt_memstream(struct fmt_stream *s)
{
	buf_init(&s->b, SIZE_MAX / 2);
	s->fd = -1;
	s->mode = FMT_FULL;
	s->err = 0;
}

/* Write p[0..n) to s->fd, all of it. Returns 0, or -1 with the errno in
 * s->err (the next write tries again, as stdio's). */
static int
write_all(struct fmt_stream *s, const char *p, size_t n)
{
	if (s->mode == FMT_AUTO)
		s->mode = isatty(s->fd) ? FMT_LINE : FMT_FULL;
	while (n) {
		ssize_t k = write(s->fd, p, n);

		if (k >= 0) {
			p += k;
			n -= (size_t)k;
		} else if (errno != EINTR) {
			s->err = errno;
			return -1;
		}
	}
	return 0;
}

/* Write the first n octets waiting; after a failure, none wait. */
static void
drain(struct fmt_stream *s, size_t n)
{
	if (write_all(s, s->b.data, n) < 0)
		n = s->b.len;
	s->b.len -= n;
	if (s->b.data) {
		memmove(s->b.data, s->b.data + n, s->b.len);
		s->b.data[s->b.len] = '\0';
	}
}

static void
put(struct fmt_stream *s, const char *p, size_t n)
{
	if (s->fd >= 0 && n > s->b.max - s->b.len)
		drain(s, s->b.len);
	if (buf_put(&s->b, p, n) == 0)
		return;
	if (s->fd < 0) {
		s->err = s->b.failed == BUF_TOO_LARGE ? EFBIG : ENOMEM;
		return;
	}
	/* Larger than the buffer, or no memory for it: what waits, then p,
	 * straight to the file. */
	s->b.failed = BUF_OK;
	drain(s, s->b.len);
	write_all(s, p, n);
}

/* The end of a call: write what the mode says is due. */
static void
settle(struct fmt_stream *s)
{
	size_t n = s->b.len;

	if (s->fd < 0 || s->mode == FMT_FULL)
		return;
	if (s->mode != FMT_UNBUF)
		while (n && s->b.data[n - 1] != '\n')
			n--;
	if (n)
		drain(s, n);
}

void
fmt_fwrite(const void *p, size_t n, struct fmt_stream *s)
{
	put(s, p, n);
	settle(s);
}

void
fmt_fputs(const char *str, struct fmt_stream *s)
{
	fmt_fwrite(str, strlen(str), s);
}

void
fmt_fputc(int c, struct fmt_stream *s)
{
	char ch = (char)c;

	fmt_fwrite(&ch, 1, s);
}

int
fmt_fflush(struct fmt_stream *s)
{
	if (s->fd >= 0 && s->b.len)
		drain(s, s->b.len);
	if (!s->err)
		return 0;
	errno = s->err;
	return -1;
}

/* ---- printf ----------------------------------------------------------- */

/* Where the characters go: buf (cap bytes, NUL included) or f; len counts
 * them all. With neither (cap 0), they are only counted. */
struct out {
	char *buf;
	size_t cap, len;
	struct fmt_stream *f;
};

static void
emit(struct out *o, const char *s, size_t n)
{
	if (o->f) {
		put(o->f, s, n);
	} else if (o->len + 1 < o->cap) {
		size_t k = o->cap - 1 - o->len;

		memcpy(o->buf + o->len, s, k < n ? k : n);
	}
	o->len += n;
}

static void
emit_c(struct out *o, char c, size_t n)
{
	while (n--)
		emit(o, &c, 1);
}

/* One conversion's specification. */
struct spec {
	int left, zero, plus, space;
	size_t width;
	int prec;                /* -1: none */
	char conv;
};

/* The digits of a finite double rounded: dig[0..nd) = 0.DIGITS * 10^point. */
struct dec {
	char dig[NUM_DIGITS_MAX];
	int nd, point;
};

/* Keep the first keep digits of d, rounded half to even on the exact value. */
static void
dec_round(struct dec *d, int keep)
{
	int up;

	if (keep >= d->nd)
		return;
	if (keep < 0) {
		d->nd = 0;
		return;
	}
	up = d->dig[keep] > '5' || (d->dig[keep] == '5' && (keep + 1 < d->nd ||
	    (keep > 0 && ((d->dig[keep - 1] - '0') & 1))));
	d->nd = keep;
	if (up) {
		while (d->nd > 0 && d->dig[d->nd - 1] == '9')
			d->nd--;
		if (d->nd == 0) {
			d->dig[0] = '1';
			d->nd = 1;
			d->point++;
		} else {
			d->dig[d->nd - 1]++;
		}
	}
	while (d->nd > 0 && d->dig[d->nd - 1] == '0')
		d->nd--;
}

/* Digit i of d (0 the first), '0' outside. */
static char
dec_at(const struct dec *d, int i)
{
	return i >= 0 && i < d->nd ? d->dig[i] : '0';
}

/* The body of a double without its sign: fixed-point with prec decimals
 * (exp 0), or d.ddd e+XX (exp 1). */
static void
dec_body(struct out *o, const struct dec *d, int prec, int exp)
{
	int x = d->nd ? d->point - 1 : 0;

	if (exp) {
		emit_c(o, dec_at(d, 0), 1);
		if (prec > 0)
			emit_c(o, '.', 1);
		for (int i = 1; i <= prec; i++)
			emit_c(o, dec_at(d, i), 1);
		emit_c(o, 'e', 1);
		emit_c(o, x < 0 ? '-' : '+', 1);
		x = x < 0 ? -x : x;
		if (x >= 100)
			emit_c(o, (char)('0' + x / 100), 1);
		emit_c(o, (char)('0' + x / 10 % 10), 1);
		emit_c(o, (char)('0' + x % 10), 1);
		return;
	}
	if (d->point <= 0)
		emit_c(o, '0', 1);
	for (int i = 0; i < d->point; i++)
		emit_c(o, dec_at(d, i), 1);
	if (prec > 0)
		emit_c(o, '.', 1);
	for (int i = 0; i < prec; i++)
		emit_c(o, dec_at(d, d->point + i), 1);
}

/* A field: sign or prefix, then body (of blen characters, written by
 * dec_body when d is not NULL), padded to the width. */
static void
field(struct out *o, const struct spec *s, const char *pre, const char *body, size_t blen,
    size_t zeros, const struct dec *d, int prec, int exp)
{
	size_t plen = strlen(pre), n = plen + zeros + blen, pad = s->width > n ? s->width - n : 0;

	if (!s->left && !s->zero)
		emit_c(o, ' ', pad);
	emit(o, pre, plen);
	if (!s->left && s->zero)
		emit_c(o, '0', pad);
	emit_c(o, '0', zeros);
	if (d)
		dec_body(o, d, prec, exp);
	else
		emit(o, body, blen);
	if (s->left)
		emit_c(o, ' ', pad);
}

static void
conv_double(struct out *o, struct spec *s, double v)
{
	const char *sign = signbit(v) ? "-" : s->plus ? "+" : s->space ? " " : "";
	struct dec d;
	struct out count = { 0 };
	int prec = s->prec < 0 ? 6 : s->prec, exp = 0;

	if (!isfinite(v)) {
		s->zero = 0;
		field(o, s, sign, isnan(v) ? "nan" : "inf", 3, 0, NULL, 0, 0);
		return;
	}
	d.nd = num_digits(v, d.dig, &d.point);
	if (s->conv == 'f') {
		dec_round(&d, d.point + prec);
	} else {
		int x;

		if (prec == 0)
			prec = 1;
		dec_round(&d, prec);
		x = d.nd ? d.point - 1 : 0;
		/* C99 7.19.6.1: style e when X < -4 or X >= P; trailing zeros
		 * removed (no # flag). */
		if (x < -4 || x >= prec) {
			exp = 1;
			prec = d.nd > 1 ? d.nd - 1 : 0;
		} else {
			prec = d.nd - d.point > 0 ? d.nd - d.point : 0;
		}
	}
	dec_body(&count, &d, prec, exp);
	field(o, s, sign, NULL, count.len, 0, &d, prec, exp);
}

static void
conv_int(struct out *o, struct spec *s, uintmax_t u, int neg)
{
	char b[3 * sizeof u], *p = b + sizeof b;
	const char *digits = s->conv == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
	unsigned base = s->conv == 'x' || s->conv == 'X' ? 16 : 10;
	size_t n, zeros = 0;

	for (; u; u /= base)
		*--p = digits[u % base];
	n = (size_t)(b + sizeof b - p);
	if (s->prec >= 0) {
		s->zero = 0;
		if ((size_t)s->prec > n)
			zeros = (size_t)s->prec - n;
	} else if (!n) {
		zeros = 1;
	}
	field(o, s, neg ? "-" : s->conv == 'u' || base == 16 ? "" : s->plus ? "+" : s->space ? " " : "",
	    p, n, zeros, NULL, 0, 0);
}

static void
core(struct out *o, const char *fmt, va_list ap)
{
	const char *p = fmt;

	while (*p) {
		const char *start = p, *q = strchr(p, '%');
		struct spec s = { 0, 0, 0, 0, 0, -1, 0 };
		int len = 0;  /* 'H' hh, 'h', 'l', 'L' ll, 'z', 'j', 't' */

		if (!q) {
			emit(o, p, strlen(p));
			return;
		}
		emit(o, p, (size_t)(q - p));
		start = q;
		p = q + 1;
		for (;; p++) {
			if (*p == '-')
				s.left = 1;
			else if (*p == '0')
				s.zero = 1;
			else if (*p == '+')
				s.plus = 1;
			else if (*p == ' ')
				s.space = 1;
			else
				break;
		}
		if (*p == '*') {
			int w = va_arg(ap, int);

			p++;
			if (w < 0) {
				s.left = 1;
				s.width = -(size_t)w;
			} else {
				s.width = (size_t)w;
			}
		}
		for (; *p >= '0' && *p <= '9'; p++)
			s.width = s.width * 10 + (size_t)(*p - '0');
		if (*p == '.') {
			s.prec = 0;
			if (*++p == '*') {
				s.prec = va_arg(ap, int);
				if (s.prec < 0)
					s.prec = -1;
				p++;
			}
			for (; *p >= '0' && *p <= '9'; p++)
				if (s.prec < INT_MAX / 10 - 9)
					s.prec = s.prec * 10 + (*p - '0');
		}
		if (s.left)
			s.zero = 0;
		if (*p == 'h' || *p == 'l') {
			len = *p++;
			if (*p == len) {
				len = len == 'h' ? 'H' : 'L';
				p++;
			}
		} else if (*p == 'z' || *p == 'j' || *p == 't') {
			len = *p++;
		}
		s.conv = *p++;
		switch (s.conv) {
		case 'd':
		case 'i': {
			intmax_t v = len == 'L' ? va_arg(ap, long long) : len == 'l' ? va_arg(ap, long) :
			    len == 'j' ? va_arg(ap, intmax_t) : len == 'z' || len == 't' ?
			    va_arg(ap, ptrdiff_t) : va_arg(ap, int);

			if (len == 'h')
				v = (short)v;
			else if (len == 'H')
				v = (signed char)v;
			conv_int(o, &s, v < 0 ? -(uintmax_t)v : (uintmax_t)v, v < 0);
			continue;
		}
		case 'u':
		case 'x':
		case 'X': {
			uintmax_t v = len == 'L' ? va_arg(ap, unsigned long long) :
			    len == 'l' ? va_arg(ap, unsigned long) : len == 'j' ? va_arg(ap, uintmax_t) :
			    len == 'z' || len == 't' ? va_arg(ap, size_t) : va_arg(ap, unsigned);

			if (len == 'h')
				v = (unsigned short)v;
			else if (len == 'H')
				v = (unsigned char)v;
			conv_int(o, &s, v, 0);
			continue;
		}
		case 'c':
			if (!len) {
				char c = (char)va_arg(ap, int);

				s.zero = 0;
				field(o, &s, "", &c, 1, 0, NULL, 0, 0);
				continue;
			}
			break;
		case 's':
			if (!len) {
				const char *str = va_arg(ap, const char *);

				if (!str)
					str = "(null)";
				s.zero = 0;
				field(o, &s, "", str, s.prec >= 0 ? strnlen(str, (size_t)s.prec) :
				    strlen(str), 0, NULL, 0, 0);
				continue;
			}
			break;
		case 'g':
		case 'f':
			if (!len) {
				conv_double(o, &s, va_arg(ap, double));
				continue;
			}
			break;
		case '%':
			if (p == start + 2) {
				emit(o, "%", 1);
				continue;
			}
			break;
		default:
			break;
		}
		/* Not supported (fmt.h): written as it is, and the rest too. */
		emit(o, start, strlen(start));
		return;
	}
}

static int
result(const struct out *o)
{
	return (o->f && o->f->err) || o->len > INT_MAX ? -1 : (int)o->len;
}

int
fmt_vsnprintf(char *buf, size_t n, const char *fmt, va_list ap)
{
	struct out o = { 0 };

	o.buf = buf;
	o.cap = n;
	core(&o, fmt, ap);
	if (n)
		buf[o.len < n ? o.len : n - 1] = '\0';
	return result(&o);
}

int
fmt_snprintf(char *buf, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = fmt_vsnprintf(buf, n, fmt, ap);
	va_end(ap);
	return r;
}

int
fmt_sprintf(char *buf, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = fmt_vsnprintf(buf, SIZE_MAX, fmt, ap);
	va_end(ap);
	return r;
}

int
fmt_vfprintf(struct fmt_stream *f, const char *fmt, va_list ap)
{
	struct out o = { 0 };

	o.f = f;
	core(&o, fmt, ap);
	settle(f);
	return result(&o);
}

void
fmt_vline(struct fmt_stream *f, const char *lead, const char *fmt, va_list ap)
{
	struct out o = { 0 };

	o.f = f;
	put(f, lead, strlen(lead));
	core(&o, fmt, ap);
	put(f, "\n", 1);
	settle(f);
}

int
fmt_fprintf(struct fmt_stream *f, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = fmt_vfprintf(f, fmt, ap);
	va_end(ap);
	return r;
}

int
fmt_printf(const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = fmt_vfprintf(FMT_STDOUT, fmt, ap);
	va_end(ap);
	return r;
}
