#include "err.h"

#include <stdarg.h>
#include <stdio.h>

int
err_set(struct err *e, const char *fmt, ...)
{
	va_list ap;

	if (e->set)
		return -1;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	e->set = 1;
	return -1;
}

void
err_clear(struct err *e)
{
	e->set = 0;
	e->msg[0] = '\0';
}
