#include "base/rnd.h"

#include <time.h>
#include <unistd.h>

#include "bearssl.h"

uint32_t
rnd_u32(void)
{
	static br_hmac_drbg_context rng;
	static int seeded;
	uint32_t v;

	if (!seeded) {
		br_prng_seeder seeder = br_prng_seeder_system(NULL);

		br_hmac_drbg_init(&rng, &br_sha256_vtable, NULL, 0);
		if (!seeder || !seeder(&rng.vtable)) {
			struct {
				struct timespec real, mono;
				pid_t pid;
			} weak;

			clock_gettime(CLOCK_REALTIME, &weak.real);
			clock_gettime(CLOCK_MONOTONIC, &weak.mono);
			weak.pid = getpid();
			br_hmac_drbg_update(&rng, &weak, sizeof weak);
		}
		seeded = 1;
	}
	br_hmac_drbg_generate(&rng, &v, sizeof v);
	return v;
}
