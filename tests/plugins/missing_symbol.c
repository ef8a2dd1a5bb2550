/* missing_symbol — a test plugin that forgot the entry function (it exports
 * a misspelt one): the host must refuse it with a clear message. */
#include "sched/aidc_policy.h"

const aidc_policy_ops *aidc_policy_entry_point(void) { return 0; }
