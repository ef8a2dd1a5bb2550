/* failcfg — reading the "failures" section; see failcfg.h. */
#include "sim/failcfg.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#define NS_PER_S 1000000000.0

/* "repair": "2h" (fixed), or {"dist": ..., "mean": "24h", "sigma": 1}. */
static int read_repair(const aidc_jread *r, const cJSON *o, const char *path, aidc_repair_dist *d)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "repair");
    if (!v) return 0;
    char p[AIDC_PATH_MAX], q[AIDC_PATH_MAX];
    aidc_jread_join(p, path, "repair");
    int64_t ns;
    if (cJSON_IsString(v)) {
        if (aidc_jread_duration(r, o, path, "repair", true, 0, &ns) < 0) return -1;
        *d = (aidc_repair_dist){AIDC_REPAIR_FIXED, (double)ns / NS_PER_S, 0};
        return 0;
    }
    static const char *const keys[] = {"dist", "mean", "sigma", NULL};
    const char *dist = NULL;
    if (!cJSON_IsObject(v))
        return aidc_jread_fail(r, p, false,
                               "expected a duration like \"2h\" or {\"dist\": \"lognormal\", "
                               "\"mean\": \"24h\", \"sigma\": 1}");
    double sigma = -1;
    if (aidc_jread_keys(r, v, p, keys) || aidc_jread_str(r, v, p, "dist", true, &dist) < 0 ||
        aidc_jread_duration(r, v, p, "mean", true, 0, &ns) < 0 ||
        aidc_jread_num(r, v, p, "sigma", false, 0, 10, &sigma) < 0)
        return -1;
    aidc_repair_kind kind;
    if (strcmp(dist, "fixed") == 0) kind = AIDC_REPAIR_FIXED;
    else if (strcmp(dist, "exponential") == 0) kind = AIDC_REPAIR_EXPONENTIAL;
    else if (strcmp(dist, "lognormal") == 0) kind = AIDC_REPAIR_LOGNORMAL;
    else
        return aidc_jread_fail(r, aidc_jread_join(q, p, "dist"), false,
                               "expected \"fixed\", \"exponential\" or \"lognormal\", found \"%s\"",
                               dist);
    if (kind == AIDC_REPAIR_LOGNORMAL && sigma < 0)
        return aidc_jread_fail(r, aidc_jread_join(q, p, "sigma"), true,
                               "a lognormal repair time needs \"sigma\" (sd of its log)");
    if (kind != AIDC_REPAIR_LOGNORMAL && sigma >= 0)
        return aidc_jread_fail(r, aidc_jread_join(q, p, "sigma"), true,
                               "\"sigma\" applies to \"lognormal\" only, not \"%s\"", dist);
    *d = (aidc_repair_dist){kind, (double)ns / NS_PER_S, sigma > 0 ? sigma : 0};
    return 0;
}

static int read_class(const aidc_jread *r, const cJSON *f, aidc_fail_class cls, aidc_failures_cfg *c)
{
    const char *name = aidc_fail_class_name(cls);
    const cJSON *o;
    char path[AIDC_PATH_MAX], p[AIDC_PATH_MAX];
    aidc_jread_join(path, "failures", name);
    if (aidc_jread_obj(r, f, "failures", name, false, &o) < 0) return -1;
    if (!o) return 0;
    static const char *const keys[] = {"rate_per_hour", "mtbf", "repair", NULL};
    static const char *const nic_keys[] = {"rate_per_hour", "mtbf", "repair", "per_node", NULL};
    static const char *const sw_keys[] = {"rate_per_hour", "mtbf", NULL};
    const char *const *allowed = cls == AIDC_FAIL_NIC ? nic_keys : cls == AIDC_FAIL_SOFTWARE ? sw_keys : keys;
    if (aidc_jread_keys(r, o, path, allowed)) return -1;
    double rate = -1;
    int64_t mtbf = -1, per_node = 0;
    if (aidc_jread_num(r, o, path, "rate_per_hour", false, 0, 1e3, &rate) < 0 ||
        aidc_jread_duration(r, o, path, "mtbf", false, 1000000000, &mtbf) < 0)
        return -1;
    if (rate >= 0 && mtbf >= 0)
        return aidc_jread_fail(r, aidc_jread_join(p, path, "mtbf"), true,
                               "give \"rate_per_hour\" or \"mtbf\", not both");
    if (rate >= 0) c->cls[cls].rate_per_hour = rate;
    if (mtbf >= 0) c->cls[cls].rate_per_hour = 3600.0 * NS_PER_S / (double)mtbf;
    if (cls == AIDC_FAIL_NIC) {
        if (aidc_jread_int(r, o, path, "per_node", false, 1, 1024, &per_node) < 0) return -1;
        if (per_node > 0) c->nics_per_node = (int32_t)per_node;
    }
    return read_repair(r, o, path, &c->cls[cls].repair);
}

/* One checkpoint object at path into k (inheriting what it leaves out);
 * *bw receives "storage_gb_per_s" when allowed (the top level) and given. */
static int read_ckpt_obj(const aidc_jread *r, const cJSON *o, const char *path, bool top,
                         aidc_ckpt_cfg *k, double *bw)
{
    static const char *const top_keys[] = {"mode", "interval", "write", "state_gb_per_gpu",
                                           "storage_gb_per_s", "kinds", NULL};
    static const char *const kind_keys[] = {"mode", "interval", "write", "state_gb_per_gpu", NULL};
    char p[AIDC_PATH_MAX];
    const char *mode = NULL;
    int64_t interval = -1, write = -1;
    double state = -1;
    if (aidc_jread_keys(r, o, path, top ? top_keys : kind_keys) ||
        aidc_jread_str(r, o, path, "mode", false, &mode) < 0 ||
        aidc_jread_duration(r, o, path, "interval", false, 1000000000, &interval) < 0 ||
        aidc_jread_duration(r, o, path, "write", false, 0, &write) < 0 ||
        aidc_jread_num(r, o, path, "state_gb_per_gpu", false, 0, 1e6, &state) < 0 ||
        (top && aidc_jread_num(r, o, path, "storage_gb_per_s", false, 1e-6, 1e9, bw) < 0))
        return -1;
    if (mode) {
        if (strcmp(mode, "none") == 0) k->mode = AIDC_CKPT_NONE;
        else if (strcmp(mode, "fixed") == 0) k->mode = AIDC_CKPT_FIXED;
        else if (strcmp(mode, "young") == 0) k->mode = AIDC_CKPT_YOUNG;
        else if (strcmp(mode, "daly") == 0) k->mode = AIDC_CKPT_DALY;
        else
            return aidc_jread_fail(r, aidc_jread_join(p, path, "mode"), false,
                                   "expected \"none\", \"fixed\", \"young\" or \"daly\", found \"%s\"",
                                   mode);
    }
    if (k->mode != AIDC_CKPT_FIXED && interval >= 0)
        return aidc_jread_fail(r, aidc_jread_join(p, path, "interval"), true,
                               "\"interval\" applies to mode \"fixed\" only");
    if (interval >= 0) k->interval_ns = interval;
    if (k->mode == AIDC_CKPT_FIXED && k->interval_ns < 0)
        return aidc_jread_fail(r, aidc_jread_join(p, path, "mode"), false,
                               "\"fixed\" checkpointing needs \"interval\" (e.g. \"30m\")");
    if (write >= 0 && state >= 0)
        return aidc_jread_fail(r, aidc_jread_join(p, path, "write"), true,
                               "give a fixed \"write\" time or \"state_gb_per_gpu\" (over "
                               "\"storage_gb_per_s\"), not both");
    if (write >= 0) {
        k->write_ns = write;
        k->state_bytes_per_gpu = 0;
    }
    if (state >= 0) {
        k->write_ns = -1;
        k->state_bytes_per_gpu = state * 1e9;
    }
    return 0;
}

/* "checkpoint": the settings of every job, then "kinds" overriding them
 * per job kind ("inference": {"mode": "none"}). */
static int read_checkpoint(const aidc_jread *r, const cJSON *f, aidc_failures_cfg *c)
{
    const cJSON *o, *kinds;
    if (aidc_jread_obj(r, f, "failures", "checkpoint", false, &o) < 0) return -1;
    if (!o) return 0;
    const char *path = "failures.checkpoint";
    char p[AIDC_PATH_MAX], q[AIDC_PATH_MAX];
    aidc_ckpt_cfg base = c->ckpt[0];
    base.interval_ns = -1; /* only "fixed" needs one, and then it must be given */
    double bw = -1;
    if (read_ckpt_obj(r, o, path, true, &base, &bw) ||
        aidc_jread_obj(r, o, path, "kinds", false, &kinds) < 0)
        return -1;
    for (int k = 0; k < AIDC_FAIL_KINDS; k++) c->ckpt[k] = base;
    static const char *const kind_names[AIDC_FAIL_KINDS + 1] = {"training", "finetune", "inference",
                                                                "batch", NULL};
    if (kinds) {
        aidc_jread_join(p, path, "kinds");
        if (aidc_jread_keys(r, kinds, p, kind_names)) return -1;
        for (int k = 0; k < AIDC_FAIL_KINDS; k++) {
            const cJSON *ko;
            if (aidc_jread_obj(r, kinds, p, kind_names[k], false, &ko) < 0) return -1;
            if (ko && read_ckpt_obj(r, ko, aidc_jread_join(q, p, kind_names[k]), false, &c->ckpt[k], NULL))
                return -1;
        }
    }
    bool derived = false;
    for (int k = 0; k < AIDC_FAIL_KINDS; k++) derived |= c->ckpt[k].write_ns < 0 && c->ckpt[k].mode != AIDC_CKPT_NONE;
    if (derived && bw < 0)
        return aidc_jread_fail(r, path, false,
                               "\"state_gb_per_gpu\" needs \"storage_gb_per_s\", the storage write "
                               "bandwidth the jobs share");
    if (!derived && bw >= 0)
        return aidc_jread_fail(r, aidc_jread_join(p, path, "storage_gb_per_s"), true,
                               "\"storage_gb_per_s\" needs \"state_gb_per_gpu\" (no job derives its "
                               "write cost from it)");
    if (bw >= 0) c->storage_bytes_per_s = bw * 1e9;
    return 0;
}

int aidc_failcfg_read(const aidc_jread *r, const cJSON *root, int64_t nodes, int64_t gpus,
                      int64_t horizon_ns, aidc_failures_cfg *c)
{
    aidc_failures_cfg_defaults(c);
    const cJSON *f;
    if (aidc_jread_obj(r, root, "", "failures", false, &f) < 0) return -1;
    if (!f) return 0;
    static const char *const keys[] = {"gpu",     "node",       "nic",      "link", "software",
                                       "switch",  "restart", "checkpoint", "_comment", NULL};
    if (aidc_jread_keys(r, f, "failures", keys) ||
        aidc_jread_duration(r, f, "failures", "restart", false, 0, &c->restart_ns) < 0)
        return -1;
    for (int k = 0; k < AIDC_FAIL_CLASSES; k++)
        if (read_class(r, f, (aidc_fail_class)k, c)) return -1;
    if (read_checkpoint(r, f, c)) return -1;
    if (horizon_ns > 0) {
        /* leaf groups are not known yet: at most one per node */
        double expected = 0;
        for (int k = 0; k < AIDC_FAIL_CLASSES; k++)
            expected += c->cls[k].rate_per_hour *
                        (double)aidc_fail_components(c, (aidc_fail_class)k, nodes, gpus, nodes);
        expected *= (double)horizon_ns / 3.6e12;
        if (expected > AIDC_FAILCFG_MAX_FAILURES)
            return aidc_jread_fail(r, "failures", false,
                                   "the rates would draw about %.3g failures over the horizon (limit "
                                   "%.0e); lower them or shorten the horizon",
                                   expected, AIDC_FAILCFG_MAX_FAILURES);
    }
    c->enabled = true;
    return 0;
}
