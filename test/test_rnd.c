/*
 * test_rnd: the one generator gives values that differ and use every bit:
 * a constant, a counter or a stuck bit fails.
 */
#include <stdint.h>

#include "base/rnd.h"
#include "tap.h"

int
main(void)
{
	uint32_t v[100], ones = 0, zeros = 0;
	int repeated = 0, small_steps = 0;

	for (int i = 0; i < 100; i++) {
		v[i] = rnd_u32();
		ones |= v[i];
		zeros |= ~v[i];
		for (int k = 0; k < i; k++)
			repeated |= v[k] == v[i];
		small_steps += i && v[i] - v[i - 1] < 1000;
	}
	ok(!repeated, "100 values, no repeat");
	ok(ones == 0xffffffffu && zeros == 0xffffffffu, "every bit seen as 1 and as 0");
	ok(small_steps < 5, "not a counter (%d small steps)", small_steps);
	return tap_done();
}
