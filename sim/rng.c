/* rng — named GSL streams; see rng.h. */
#include "sim/rng.h"

/* splitmix64 finalizer: spreads nearby seeds far apart */
static uint64_t mix(uint64_t x)
{
    x += UINT64_C(0x9e3779b97f4a7c15);
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

gsl_rng *aidc_rng_stream(uint64_t seed, const char *name)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325); /* FNV-1a of the name */
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * UINT64_C(0x100000001b3);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!r) return NULL;
    /* mt19937 keeps 32 bits of its seed; 0 would select GSL's default seed */
    unsigned long s = (unsigned long)(mix(seed ^ mix(h)) & 0xffffffffu);
    gsl_rng_set(r, s ? s : 1);
    return r;
}
