#include "base/version.h"

#ifndef NOTIFY53_BUILD_EPOCH
#error "NOTIFY53_BUILD_EPOCH must be set by the Makefile"
#endif

time_t
version_build_time(void)
{
	return (time_t)NOTIFY53_BUILD_EPOCH;
}
