/* catalog — storage and lookup of hardware types; see catalog.h. */
#include "models/catalog.h"

#include <stdlib.h>
#include <string.h>

void aidc_catalog_init(aidc_catalog *c) { memset(c, 0, sizeof *c); }

void aidc_catalog_fini(aidc_catalog *c)
{
    free(c->gpus);
    free(c->systems);
    memset(c, 0, sizeof *c);
}

const aidc_gpu_model *aidc_catalog_gpu(const aidc_catalog *c, const char *name)
{
    for (size_t i = 0; i < c->n_gpus; i++)
        if (strcmp(c->gpus[i].name, name) == 0) return &c->gpus[i];
    return NULL;
}

const aidc_system_model *aidc_catalog_system(const aidc_catalog *c, const char *name)
{
    for (size_t i = 0; i < c->n_systems; i++)
        if (strcmp(c->systems[i].name, name) == 0) return &c->systems[i];
    return NULL;
}

int aidc_catalog_put_gpu(aidc_catalog *c, const aidc_gpu_model *g)
{
    aidc_gpu_model *old = (aidc_gpu_model *)aidc_catalog_gpu(c, g->name);
    if (old) {
        *old = *g;
        return 0;
    }
    aidc_gpu_model *arr = realloc(c->gpus, (c->n_gpus + 1) * sizeof *arr);
    if (!arr) return -1;
    c->gpus = arr;
    c->gpus[c->n_gpus++] = *g;
    return 0;
}

int aidc_catalog_put_system(aidc_catalog *c, const aidc_system_model *s)
{
    aidc_system_model *old = (aidc_system_model *)aidc_catalog_system(c, s->name);
    if (old) {
        *old = *s;
        return 0;
    }
    aidc_system_model *arr = realloc(c->systems, (c->n_systems + 1) * sizeof *arr);
    if (!arr) return -1;
    c->systems = arr;
    c->systems[c->n_systems++] = *s;
    return 0;
}
