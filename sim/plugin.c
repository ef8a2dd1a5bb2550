/* plugin — see plugin.h. */
#include "sim/plugin.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

/* The size of the 1.0 ops table: every field up to schedule. */
#define OPS_1_0_SIZE (offsetof(aidc_policy_ops, schedule) + sizeof(void (*)(void *)))

static int refuse(aidc_plugin *p, char *err, size_t errlen, const char *fmt, const char *a,
                  unsigned x, unsigned y)
{
    snprintf(err, errlen, fmt, a, x, y);
    aidc_plugin_unload(p);
    return -1;
}

int aidc_plugin_load(aidc_plugin *p, const char *path, char *err, size_t errlen)
{
    p->dl = NULL;
    p->ops = NULL;
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "cannot open plugin \"%s\": %s", path, strerror(errno));
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "plugin \"%s\" is not a regular file", path);
        return -1;
    }
    /* dlopen searches the library path for names without a slash: a plugin
     * is always the file the user named */
    char local[4200];
    if (!strchr(path, '/')) {
        snprintf(local, sizeof local, "./%s", path);
        path = local;
    }
    p->dl = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!p->dl) {
        const char *why = dlerror();
        return refuse(p, err, errlen, "cannot load plugin: %s (expected a shared object built "
                      "with -shared -fPIC)", why ? why : "unknown error", 0, 0);
    }
    dlerror();
    void *sym = dlsym(p->dl, AIDC_POLICY_ENTRY_SYMBOL);
    if (!sym || dlerror())
        return refuse(p, err, errlen, "plugin \"%s\" does not export the entry function "
                      AIDC_POLICY_ENTRY_SYMBOL "() (see sched/aidc_policy.h)", path, 0, 0);
    aidc_policy_entry_fn entry;
    memcpy(&entry, &sym, sizeof entry); /* object to function pointer, as POSIX allows */
    const aidc_policy_ops *ops = entry();
    if (!ops) return refuse(p, err, errlen, "plugin \"%s\": " AIDC_POLICY_ENTRY_SYMBOL "() returned NULL", path, 0, 0);
    if (ops->abi_major != AIDC_POLICY_ABI_MAJOR)
        return refuse(p, err, errlen, "plugin \"%s\" was built against policy ABI %u.x, but this "
                      "aidcsim speaks " "%u.x: rebuild it against this aidc_policy.h", path,
                      ops->abi_major, AIDC_POLICY_ABI_MAJOR);
    if (ops->size < OPS_1_0_SIZE)
        return refuse(p, err, errlen, "plugin \"%s\": its ops table is %u bytes, smaller than any "
                      "ABI 1.x table (%u): not built against aidc_policy.h?", path, ops->size,
                      (unsigned)OPS_1_0_SIZE);
    if (ops->abi_minor <= AIDC_POLICY_ABI_MINOR && ops->size > sizeof(aidc_policy_ops))
        return refuse(p, err, errlen, "plugin \"%s\": its ops table is %u bytes, larger than "
                      "ABI 1.x allows for its minor version (%u): a corrupt table", path,
                      ops->size, (unsigned)sizeof(aidc_policy_ops));
    if (!ops->name || !ops->name[0] || !ops->create || !ops->destroy || !ops->schedule)
        return refuse(p, err, errlen, "plugin \"%s\": its ops table lacks a name, create, destroy "
                      "or schedule", path, 0, 0);
    p->ops = ops;
    return 0;
}

void aidc_plugin_unload(aidc_plugin *p)
{
    if (p->dl) dlclose(p->dl);
    p->dl = NULL;
    p->ops = NULL;
}
