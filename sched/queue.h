/* queue — the composable queue scheduler behind every built-in policy.
 *
 * A policy here is four independent choices, each a parameter:
 *   order      which pending job comes first: arrival, sjf (shortest
 *              estimate), srtf (shortest remaining estimate), las (Tiresias'
 *              discretized two-dimensional least attained service), priority,
 *              fair (dominant resource fairness across tenants);
 *   backfill   what happens when the next job in that order does not fit:
 *              none (it blocks the queue), first-fit (later jobs that fit
 *              start), easy (later jobs start if they do not delay the first
 *              blocked job's reservation), conservative (every job up to
 *              `depth` gets a reservation; later jobs may not delay any);
 *   placement  where a job's GPUs go (sched/placement.h);
 *   preempt    whether a job may take GPUs from running jobs that come
 *              strictly after it in the order (srtf, las, priority, sjf).
 * Plus two guards that filter the queue before ordering: power-aware
 * (start under a per-job GPU cap that fits the power headroom instead of
 * being refused) and carbon-aware (deferrable jobs wait for low-carbon hours
 * within their deadline).
 *
 * The named built-ins (fifo, easy-backfill, sjf, ...) are presets of these
 * choices; "queue" takes them all as parameters. Each pass works on a
 * snapshot of the pending queue, so the order is a pure function of the host
 * views and the policy is deterministic.
 *
 * Cost: none/first-fit/easy are O(pending x placement) per pass (easy adds a
 * sort of the running jobs); conservative keeps a free-resource profile of
 * (running jobs + 2 x depth) segments x nodes, so keep depth modest on large
 * clusters. Units: ns, GPU-seconds for attained service. */
#ifndef AIDC_SCHED_QUEUE_H
#define AIDC_SCHED_QUEUE_H

#include "sched/aidc_policy.h"

/* The composable policy and its presets (the ops tables are static). */
const aidc_policy_ops *aidc_policy_queue(void);
const aidc_policy_ops *aidc_policy_fifo(void);
const aidc_policy_ops *aidc_policy_easy_backfill(void);
const aidc_policy_ops *aidc_policy_conservative_backfill(void);
const aidc_policy_ops *aidc_policy_sjf(void);
const aidc_policy_ops *aidc_policy_srtf(void);
const aidc_policy_ops *aidc_policy_las(void);
const aidc_policy_ops *aidc_policy_fair_share(void);
const aidc_policy_ops *aidc_policy_priority(void);
const aidc_policy_ops *aidc_policy_power_aware(void);
const aidc_policy_ops *aidc_policy_carbon_aware(void);

#endif
