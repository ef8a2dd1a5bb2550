/* wrong_major — a test plugin claiming policy ABI 2.0: the host must refuse
 * it before calling anything in it. */
#include <stdlib.h>

#include "sched/aidc_policy.h"

static void schedule(void *p) { (void)p; abort(); /* must never run */ }

static const aidc_policy_ops ops = {
    .abi_major = AIDC_POLICY_ABI_MAJOR + 1,
    .abi_minor = 0,
    .size = sizeof(aidc_policy_ops),
    .name = "wrong-major",
    .description = "test plugin from a future major version",
    .schedule = schedule,
};

const aidc_policy_ops *aidc_policy_entry(void) { return &ops; }
