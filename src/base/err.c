#include "base/err.h"
#include "base/fmt.h"

#include <stdarg.h>
#include <stdio.h>

int
err_vset(struct err *e, const char *fmt, va_list ap)
{
	if (e->set)
		return -1;
	fmt_vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	e->set = 1;
	return -1;
}

int
err_set(struct err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(e, fmt, ap);
	va_end(ap);
	return -1;
}

void
err_clear(struct err *e)
{
	e->set = 0;
	e->msg[0] = '\0';
}
