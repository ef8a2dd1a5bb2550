/* builtin — the table of built-in policies. */
#include "sched/builtin.h"

#include <string.h>

static aidc_policy_entry_fn const entries[] = {
    aidc_policy_fifo,          aidc_policy_easy_backfill, aidc_policy_conservative_backfill,
    aidc_policy_sjf,           aidc_policy_srtf,          aidc_policy_las,
    aidc_policy_fair_share,    aidc_policy_priority,      aidc_policy_power_aware,
    aidc_policy_carbon_aware,  aidc_policy_queue,
};

const aidc_policy_ops *aidc_policy_builtin_at(size_t i)
{
    return i < sizeof entries / sizeof entries[0] ? entries[i]() : NULL;
}

const aidc_policy_ops *aidc_policy_builtin_find(const char *name)
{
    const aidc_policy_ops *ops;
    for (size_t i = 0; (ops = aidc_policy_builtin_at(i)) != NULL; i++)
        if (strcmp(ops->name, name) == 0) return ops;
    return NULL;
}
