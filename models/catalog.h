/* catalog — GPU and system types: power, speed, memory, price.
 *
 * The built-in entries come from models/catalog.json (shipped inside the
 * binary, figures cited to shared/reference/physical-figures.md); a scenario
 * can add entries or override built-ins by name. This module only stores and
 * finds entries; reading JSON into them is the scenario loader's job, so all
 * JSON errors are reported one way.
 * Units: power in W, memory in GB (HBM) or GiB (host), money in USD. */
#ifndef AIDC_MODELS_CATALOG_H
#define AIDC_MODELS_CATALOG_H

#include <stddef.h>

#define AIDC_NAME_MAX 48

typedef struct aidc_gpu_model {
    char name[AIDC_NAME_MAX];
    double tdp_w;
    double idle_w;
    double bf16_tflops;
    double hbm_gb;
    double hbm_tbps;
    double scaleup_gbps; /* NVLink / Infinity Fabric, GB/s per GPU, bidirectional */
    double price_usd;
} aidc_gpu_model;

typedef struct aidc_system_model {
    char name[AIDC_NAME_MAX];
    char gpu[AIDC_NAME_MAX]; /* a GPU model name */
    int gpus_per_node;
    int cpus_per_node;
    double mem_gib_per_node;
    int nodes_per_rack; /* default rack size */
    int nvlink_domain;  /* GPUs sharing one scale-up domain */
    double max_power_w; /* per node: the rating */
    double base_power_w; /* per node: CPUs, memory, NICs, switches, fans (not GPUs) */
    double price_usd;   /* per node, GPUs included */
} aidc_system_model;

typedef struct aidc_catalog {
    aidc_gpu_model *gpus;
    size_t n_gpus;
    aidc_system_model *systems;
    size_t n_systems;
} aidc_catalog;

/* The JSON text of the built-in catalog (NUL-terminated, static). */
extern const char aidc_catalog_json[];

void aidc_catalog_init(aidc_catalog *c);
void aidc_catalog_fini(aidc_catalog *c);

/* Adds or replaces (same name) an entry; returns 0 or -1 when out of memory. */
int aidc_catalog_put_gpu(aidc_catalog *c, const aidc_gpu_model *g);
int aidc_catalog_put_system(aidc_catalog *c, const aidc_system_model *s);

/* Entry by exact name, or NULL. Pointers stay valid until the next put. */
const aidc_gpu_model *aidc_catalog_gpu(const aidc_catalog *c, const char *name);
const aidc_system_model *aidc_catalog_system(const aidc_catalog *c, const char *name);

#endif
