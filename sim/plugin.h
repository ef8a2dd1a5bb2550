/* plugin — loads a scheduling policy from a shared object by path and checks
 * its ABI before anything of it runs.
 *
 * Checks, in order: the file exists and is a regular file; dlopen accepts it
 * (an ELF shared object for this machine); it exports AIDC_POLICY_ENTRY_SYMBOL;
 * the entry returns a table; the table's major version is ours; its size
 * covers at least the 1.0 table and no more than its minor version allows
 * when that minor is ours or older; it names itself and has create, destroy
 * and schedule. A plugin built against an older minor version loads: the host
 * reads only the fields its size covers. One built against a newer minor
 * loads as well (fields are append-only), its extra fields unread.
 * Every refusal is a message for the user (bad input, exit 2), never a crash. */
#ifndef AIDC_SIM_PLUGIN_H
#define AIDC_SIM_PLUGIN_H

#include <stddef.h>

#include "sched/aidc_policy.h"

typedef struct aidc_plugin {
    void *dl;                  /* dlopen handle */
    const aidc_policy_ops *ops;
} aidc_plugin;

/* Loads path. Returns 0, or -1 with a message (without the path prefix:
 * the caller names the file and key) in err. */
int aidc_plugin_load(aidc_plugin *p, const char *path, char *err, size_t errlen);

/* Unloads; the ops table is gone afterwards. */
void aidc_plugin_unload(aidc_plugin *p);

#endif
