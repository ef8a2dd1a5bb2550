/* services — inference services inside a run: the scenario's "services"
 * section, and the engine side of models/inference.
 *
 * Each service is one models/inference model stepped by the engine at its
 * control interval (an EV_SERVICE event). At each step the autoscaler
 * decides; the engine places wanted replicas on real GPUs (best-fit node,
 * or whole free nodes for replicas larger than a node), preempting running
 * training jobs of lower priority through the engine's preemption path
 * when the service may (they pay checkpoint + restore and go back to the
 * queue), and counting replicas it could not place (the SLO then
 * suffers); the model then simulates the interval ahead, and its
 * replicas' GPUs draw power for it: idle + (TDP - idle) x (0.95 x share
 * prefilling + 0.3 x share decoding) (physical-figures.md §1.1: prefill
 * 80-100% of TDP, decode 20-45%). Training jobs the policy schedules get
 * the GPUs replicas leave. Replicas are not power-capped.
 * Heterogeneous pools: a service is sized for the first pool (in order) whose
 * GPU and node can hold a replica, and places, preempts and draws power only
 * on that pool's nodes (by that pool's power figures); reading refuses a
 * service no pool can hold, naming it and each pool's reason.
 * Outputs: services.csv (one row per service per sample interval) and the
 * "services" block of summary.json; both documented in the README. */
#ifndef AIDC_SIM_SERVICES_H
#define AIDC_SIM_SERVICES_H

#include <cjson/cJSON.h>
#include <stddef.h>

#include "sim/jread.h"
#include "sim/scenario.h"

struct aidc_sim;

/* Reads root's "services" array into s->services (after the cluster and
 * the horizon are read). Returns 0, or -1 with the key path in r->err. */
int aidc_services_read(const aidc_jread *r, const cJSON *root, aidc_scenario *s);
void aidc_services_cfg_fini(aidc_scenario *s);

/* Builds the services' models (reading request streams). 0, or -1 with a
 * message (bad input). */
int aidc_services_init(struct aidc_sim *s, char *err, size_t errlen);
void aidc_services_fini(struct aidc_sim *s);

/* Queues each service's first step (at t = 0). */
void aidc_services_start(struct aidc_sim *s);

/* One control step of service i at the engine's clock. */
void aidc_services_step(struct aidc_sim *s, size_t i);

/* Ends the run for every service (unserved requests, last rows). */
void aidc_services_finish(struct aidc_sim *s);

/* Writes services.csv into dir. 0 or -1 with a message. */
int aidc_services_write(const struct aidc_sim *s, const char *dir, char *err, size_t errlen);

/* The summary.json "services" array (owned by the caller). */
cJSON *aidc_services_summary(const struct aidc_sim *s);

/* The summary.json "services_total" object (owned by the caller): every
 * service's SLO met, the lowest attainment, and sums; plain dotted paths
 * for sweeps and plans ("services_total.slo_met"). */
cJSON *aidc_services_total(const struct aidc_sim *s);

/* One line per service for the run's short summary. */
void aidc_services_print(const struct aidc_sim *s, FILE *f);

#endif
