/*
 * memhook.h: what the allocator holds, for the unit tests of memory bounds
 * and of wiping secrets.
 *
 *   memhook_start(needle)  from now on: the peak of live heap bytes over
 *                          what is live now, and (needle not NULL) the
 *                          freed blocks that still hold needle
 *   memhook_peak()         that peak, in bytes
 *   memhook_found()        blocks freed since the start that held needle;
 *                          -1 when this build cannot look
 *   memhook_stop()
 *
 * With AddressSanitizer (`make check`) the sanitizer's malloc hook reads its
 * allocator's count of live bytes after every allocation (a realloc there
 * always moves, so the old and new blocks count together for a moment, as
 * they are both live), and its free hook runs before a block is released,
 * so its contents can still be read. Without it (the cross builds under
 * qemu) the peak is the process's resident peak (VmHWM, reset through
 * /proc/self/clear_refs) over its resident size at the start, and freed
 * blocks cannot be looked at.
 */
#ifndef NOTIFY53_MEMHOOK_H
#define NOTIFY53_MEMHOOK_H

/* What one hostile input (a primary's transfer, a listing) may make
 * notify53 hold on a 64 MB router, which has some 25-30 MB free (config.h:
 * DNS_MAX_ZONE_BYTES, R53LIST_MAX_BYTES). */
#define MEMHOOK_ROUTER_SPARE (24 * 1024 * 1024)

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
/* From the sanitizer runtime (compiler-rt's sanitizer/allocator_interface.h,
 * which gcc does not install). */
int __sanitizer_install_malloc_and_free_hooks(void (*)(const volatile void *, size_t),
    void (*)(const volatile void *));
size_t __sanitizer_get_allocated_size(const volatile void *p);
size_t __sanitizer_get_current_allocated_bytes(void);

static size_t memhook_base, memhook_top;
static const char *memhook_needle;
static long memhook_hits;

/* After each allocation: the allocator's own count of live bytes (its
 * realloc always moves, so old and new are both counted for a moment, as
 * they are live). */
static void
memhook_on_malloc(const volatile void *p, size_t n)
{
	size_t now = __sanitizer_get_current_allocated_bytes();

	(void)p;
	(void)n;
	if (now > memhook_base && now - memhook_base > memhook_top)
		memhook_top = now - memhook_base;
}

/* Before each free, while the block can still be read. */
static void
memhook_on_free(const volatile void *p)
{
	size_t n = __sanitizer_get_allocated_size(p);
	size_t k = memhook_needle ? strlen(memhook_needle) : 0;

	if (!k || n < k)
		return;
	for (const char *b = (const char *)p, *end = b + n - k; b <= end; b++)
		if (*b == *memhook_needle && !memcmp(b, memhook_needle, k)) {
			memhook_hits++;
			return;
		}
}

static void __attribute__((unused))
memhook_start(const char *needle)
{
	memhook_base = __sanitizer_get_current_allocated_bytes();
	memhook_top = 0;
	memhook_needle = needle;
	memhook_hits = 0;
	__sanitizer_install_malloc_and_free_hooks(memhook_on_malloc, memhook_on_free);
}

static void __attribute__((unused))
memhook_stop(void)
{
	__sanitizer_install_malloc_and_free_hooks(NULL, NULL);
	memhook_needle = NULL;
}

static size_t __attribute__((unused))
memhook_peak(void)
{
	return memhook_top;
}

static long __attribute__((unused))
memhook_found(void)
{
	return memhook_hits;
}

#else

static size_t memhook_base;

/* A "Vm...:  N kB" line of /proc/self/status, in bytes; 0 if not there. */
static size_t
memhook_status(const char *key)
{
	char line[128];
	size_t v = 0, k = strlen(key);
	FILE *f = fopen("/proc/self/status", "r");

	while (f && fgets(line, sizeof line, f))
		if (!strncmp(line, key, k) && line[k] == ':') {
			v = (size_t)strtoull(line + k + 1, NULL, 10) * 1024;
			break;
		}
	if (f)
		fclose(f);
	return v;
}

static void __attribute__((unused))
memhook_start(const char *needle)
{
	FILE *f = fopen("/proc/self/clear_refs", "w");

	(void)needle;
	if (f) {
		fputs("5", f); /* resets VmHWM to VmRSS (Linux 4.0) */
		fclose(f);
	}
	memhook_base = memhook_status("VmRSS");
}

static void __attribute__((unused))
memhook_stop(void)
{
}

static size_t __attribute__((unused))
memhook_peak(void)
{
	size_t hwm = memhook_status("VmHWM");

	return hwm > memhook_base ? hwm - memhook_base : 0;
}

static long __attribute__((unused))
memhook_found(void)
{
	return -1;
}

#endif

#endif
