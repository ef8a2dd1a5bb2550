/* powerclass — see powerclass.h. */
#include "models/powerclass.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

static uint64_t key_hash(const aidc_powerclass_key *k)
{
    uint64_t h = (uint64_t)(uint32_t)k->gpus_total * 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < AIDC_KIND_COUNT; i++)
        h = (h ^ (uint64_t)(uint32_t)k->busy[i]) * 0xBF58476D1CE4E5B9ull;
    return h ^ (h >> 31);
}

static int grow_table(aidc_powerclass *p)
{
    size_t n = p->n_slots ? p->n_slots * 2 : 64;
    int32_t *s = malloc(n * sizeof *s);
    if (!s) return -1;
    for (size_t i = 0; i < n; i++)
        s[i] = -1;
    for (size_t c = 0; c < p->n_classes; c++) {
        size_t h = (size_t)key_hash(&p->keys[c]) & (n - 1);
        while (s[h] >= 0)
            h = (h + 1) & (n - 1);
        s[h] = (int32_t)c;
    }
    free(p->slots);
    p->slots = s;
    p->n_slots = n;
    return 0;
}

/* The class of key, created when new; -1 when out of memory. */
static int32_t class_of(aidc_powerclass *p, const aidc_powerclass_key *key)
{
    if (2 * (p->n_classes + 1) > p->n_slots && grow_table(p)) return -1;
    size_t h = (size_t)key_hash(key) & (p->n_slots - 1);
    for (; p->slots[h] >= 0; h = (h + 1) & (p->n_slots - 1))
        if (memcmp(&p->keys[p->slots[h]], key, sizeof *key) == 0) return p->slots[h];
    if (p->n_classes == p->cap_classes) {
        size_t cap = p->cap_classes ? p->cap_classes * 2 : 16;
        aidc_powerclass_key *k = realloc(p->keys, cap * sizeof *k);
        if (!k) return -1;
        p->keys = k;
        int64_t *c = realloc(p->count, cap * sizeof *c);
        if (!c) return -1;
        p->count = c;
        p->cap_classes = cap;
    }
    int32_t id = (int32_t)p->n_classes++;
    p->keys[id] = *key;
    p->count[id] = 0;
    p->slots[h] = id;
    return id;
}

int aidc_powerclass_init(aidc_powerclass *p, size_t n, const int32_t *gpus_total, size_t stride,
                         const int32_t *rack, int32_t n_racks)
{
    memset(p, 0, sizeof *p);
    p->n_nodes = n;
    p->busy = calloc(n ? n * AIDC_KIND_COUNT : 1, sizeof *p->busy);
    p->node_class = malloc((n ? n : 1) * sizeof *p->node_class);
    int64_t *per_rack = calloc(n_racks > 0 ? (size_t)n_racks : 1, sizeof *per_rack);
    if (!p->busy || !p->node_class || !per_rack) {
        free(per_rack);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        int32_t g = *(const int32_t *)((const char *)gpus_total + i * stride);
        int32_t r = *(const int32_t *)((const char *)rack + i * stride);
        aidc_powerclass_key key = {.gpus_total = g};
        int32_t id = class_of(p, &key);
        if (id < 0) {
            free(per_rack);
            return -1;
        }
        p->node_class[i] = id;
        p->count[id]++;
        if (r >= 0 && r < n_racks) per_rack[r]++;
        if (g > p->max_node_gpus) p->max_node_gpus = g;
    }
    for (int32_t r = 0; r < n_racks; r++)
        if (per_rack[r] > p->max_nodes_per_rack) p->max_nodes_per_rack = (int32_t)per_rack[r];
    free(per_rack);
    return 0;
}

void aidc_powerclass_fini(aidc_powerclass *p)
{
    free(p->busy);
    free(p->node_class);
    free(p->keys);
    free(p->count);
    free(p->slots);
    memset(p, 0, sizeof *p);
}

int aidc_powerclass_add(aidc_powerclass *p, int32_t node, int kind, int32_t gpus)
{
    assert(node >= 0 && (size_t)node < p->n_nodes && kind >= 0 && kind < AIDC_KIND_COUNT);
    int32_t *b = &p->busy[(size_t)node * AIDC_KIND_COUNT];
    b[kind] += gpus;
    assert(b[kind] >= 0);
    aidc_powerclass_key key = {.gpus_total = p->keys[p->node_class[node]].gpus_total};
    memcpy(key.busy, b, sizeof key.busy);
    int32_t id = class_of(p, &key);
    if (id < 0) return -1;
    p->count[p->node_class[node]]--;
    p->node_class[node] = id;
    p->count[id]++;
    return 0;
}

double aidc_powerclass_node_dc_w(const aidc_powerclass_key *key, double base_w, double idle_w,
                                 const double *per_gpu_w)
{
    double dc = base_w + key->gpus_total * idle_w;
    for (int k = 0; k < AIDC_KIND_COUNT; k++)
        if (key->busy[k]) dc += key->busy[k] * (per_gpu_w[k] - idle_w);
    return dc;
}

double aidc_powerclass_it_w(const aidc_powerclass *p, const aidc_power_cfg *c, double base_w,
                            const double *per_gpu_w, const int32_t *skip, size_t n_skip)
{
    double it = 0;
    for (size_t k = 0; k < p->n_classes; k++) {
        int64_t n = p->count[k];
        for (size_t i = 0; i < n_skip; i++)
            if (p->node_class[skip[i]] == (int32_t)k) n--;
        if (n <= 0) continue;
        double dc = aidc_powerclass_node_dc_w(&p->keys[k], base_w, c->gpu_idle_w, per_gpu_w);
        it += (double)n * aidc_power_node_ac_w(c, dc);
    }
    return it;
}

double aidc_power_ac_memo_get(aidc_power_ac_memo *m, const aidc_power_cfg *c, double dc_w)
{
    uint64_t bits;
    memcpy(&bits, &dc_w, sizeof bits);
    size_t h = (size_t)((bits * 0x9E3779B97F4A7C15ull) >> 55);
    if (m->used[h] && m->key[h] == bits) return m->ac[h];
    double ac = aidc_power_node_ac_w(c, dc_w);
    m->used[h] = 1;
    m->key[h] = bits;
    m->ac[h] = ac;
    return ac;
}
