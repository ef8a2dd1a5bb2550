/* crash_policy — a test plugin for tests/compare.sh that loads fine and then
 * crashes on its first scheduling pass, as a buggy candidate policy would:
 * compare must report the failed run (exit 3) instead of dying with it. */
#include <signal.h>

#include "sched/aidc_policy.h"

static int create(const aidc_sched_host *host, const aidc_policy_params *params, void **out,
                  char *err, size_t errlen)
{
    (void)host;
    (void)params;
    (void)err;
    (void)errlen;
    *out = 0;
    return 0;
}

static void destroy(void *p)
{
    (void)p;
}

static void schedule(void *p)
{
    (void)p;
    raise(SIGSEGV);
}

static const aidc_policy_ops ops = {
    .abi_major = AIDC_POLICY_ABI_MAJOR,
    .abi_minor = AIDC_POLICY_ABI_MINOR,
    .size = sizeof(aidc_policy_ops),
    .name = "crash",
    .description = "test plugin: crashes when asked to schedule",
    .create = create,
    .destroy = destroy,
    .schedule = schedule,
};

const aidc_policy_ops *aidc_policy_entry(void)
{
    return &ops;
}
