/* builtin — the policies compiled into sched/, found by name. Each returns
 * the same static ops table a plugin's entry function would. */
#ifndef AIDC_SCHED_BUILTIN_H
#define AIDC_SCHED_BUILTIN_H

#include <stddef.h>

#include "sched/aidc_policy.h"
#include "sched/queue.h"

/* The built-ins in a fixed order, for listing; NULL past the end. */
const aidc_policy_ops *aidc_policy_builtin_at(size_t i);

/* The built-in called name, or NULL. */
const aidc_policy_ops *aidc_policy_builtin_find(const char *name);

#endif
