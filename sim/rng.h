/* rng — named random streams: every consumer of randomness draws from its own
 * GSL generator, seeded from (scenario seed, stream name). Adding a new
 * stream, or drawing more from one, never shifts the numbers another sees. */
#ifndef AIDC_SIM_RNG_H
#define AIDC_SIM_RNG_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

/* A new mt19937 generator for stream `name` under `seed`; NULL when out of
 * memory. The caller frees it with gsl_rng_free. */
gsl_rng *aidc_rng_stream(uint64_t seed, const char *name);

#endif
