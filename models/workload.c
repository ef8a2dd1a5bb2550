/* Workload storage: the job array, the string pool and the tenant and GPU-type tables;
 * see workload.h. */
#include "models/workload.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* Smallest capacities, so that growth starts at a useful size instead of 1, 2, 4 ... */
enum { MIN_JOBS = 64, MIN_STRINGS = 1024, MIN_NAMES = 8 };

/* Below this many jobs a run is sorted by insertion: cheaper than recursing further. */
enum { INSERTION_RUN = 16 };

void aidc_workload_init(aidc_workload *w)
{
    assert(w);
    memset(w, 0, sizeof *w);
}

void aidc_workload_fini(aidc_workload *w)
{
    assert(w);
    free(w->jobs);
    free(w->strings);
    free(w->tenants);
    free(w->gpu_types);
    memset(w, 0, sizeof *w);
}

/* Grows *p (an array of `size`-byte items with capacity *cap) so it holds at least `need`
 * items, doubling so that n appends cost O(n). Returns 0, or -1 (and leaves *p alone) when
 * the size would overflow or realloc fails. */
static int grow(void **p, size_t *cap, size_t need, size_t size, size_t min_cap)
{
    if (need <= *cap) return 0;
    size_t c = *cap < min_cap ? min_cap : *cap;
    while (c < need) {
        if (c > SIZE_MAX / 2) return -1;
        c *= 2;
    }
    if (c > SIZE_MAX / size) return -1;
    void *q = realloc(*p, c * size);
    if (!q) return -1;
    *p = q;
    *cap = c;
    return 0;
}

int aidc_workload_add(aidc_workload *w, const aidc_job_spec *job)
{
    assert(w && job);
    if (w->n == SIZE_MAX) return -1;
    if (grow((void **)&w->jobs, &w->cap, w->n + 1, sizeof *w->jobs, MIN_JOBS) != 0) return -1;
    w->jobs[w->n++] = *job;
    return 0;
}

/* Every call appends: looking a string up first would need a hash table in the workload,
 * and ids, the bulk of the pool, are unique anyway. Tenants and GPU types, which repeat,
 * are deduplicated by aidc_workload_tenant and aidc_workload_gpu_type instead. Offsets are
 * uint32_t to keep job specs small, so the pool stops at 4 GiB (reported as out of memory). */
uint32_t aidc_workload_intern(aidc_workload *w, const char *s)
{
    assert(w && s);
    size_t len = strlen(s) + 1;
    size_t off = w->strings_len;
    if (len > (size_t)UINT32_MAX - off) return UINT32_MAX;
    if (grow((void **)&w->strings, &w->strings_cap, off + len, 1, MIN_STRINGS) != 0)
        return UINT32_MAX;
    memcpy(w->strings + off, s, len);
    w->strings_len = off + len;
    return (uint32_t)off;
}

/* Shared by tenants and GPU types. A linear scan: both sets are small (tens to a few
 * thousand names) and readers that see a name on every row keep their own hash in front. */
static int32_t name_index(aidc_workload *w, uint32_t **names, size_t *n, const char *name)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp(w->strings + (*names)[i], name) == 0) return (int32_t)i;
    if (*n >= (size_t)INT32_MAX) return -1;
    /* Capacity is not stored in the struct, so it is implied: the next power of two at or
     * above the count, never below MIN_NAMES. Growing when the count reaches it is exact. */
    size_t cap = MIN_NAMES;
    while (cap < *n)
        cap *= 2;
    if (*n == cap || *names == NULL) {
        size_t new_cap = *names == NULL ? MIN_NAMES : cap * 2;
        uint32_t *q = realloc(*names, new_cap * sizeof *q);
        if (!q) return -1;
        *names = q;
    }
    uint32_t off = aidc_workload_intern(w, name);
    if (off == UINT32_MAX) return -1;
    (*names)[*n] = off;
    return (int32_t)(*n)++;
}

int32_t aidc_workload_tenant(aidc_workload *w, const char *name)
{
    assert(w && name);
    return name_index(w, &w->tenants, &w->n_tenants, name);
}

int32_t aidc_workload_gpu_type(aidc_workload *w, const char *name)
{
    assert(w && name);
    return name_index(w, &w->gpu_types, &w->n_gpu_types, name);
}

/* ---- sorting ----------------------------------------------------------------------------
 * Merge sort, because it is stable: jobs that share a submit time must keep trace order,
 * or two runs of the same scenario could queue them differently. Ties always take the
 * left (earlier) element first. */

static void insertion_sort(aidc_job_spec *a, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        if (a[i - 1].submit_ns <= a[i].submit_ns) continue;
        aidc_job_spec x = a[i];
        size_t j = i;
        while (j > 0 && a[j - 1].submit_ns > x.submit_ns) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = x;
    }
}

/* Sorts a[0..n) using tmp[0..n) as scratch. */
static void merge_sort(aidc_job_spec *a, aidc_job_spec *tmp, size_t n)
{
    if (n <= INSERTION_RUN) {
        insertion_sort(a, n);
        return;
    }
    size_t mid = n / 2;
    merge_sort(a, tmp, mid);
    merge_sort(a + mid, tmp, n - mid);
    if (a[mid - 1].submit_ns <= a[mid].submit_ns) return; /* halves already in order */
    memcpy(tmp, a, mid * sizeof *a);
    size_t i = 0, j = mid, k = 0;
    while (i < mid && j < n)
        a[k++] = a[j].submit_ns < tmp[i].submit_ns ? a[j++] : tmp[i++];
    while (i < mid)
        a[k++] = tmp[i++];
    /* Whatever is left of the right half is already in place. */
}

void aidc_workload_sort(aidc_workload *w)
{
    assert(w);
    size_t n = w->n;
    size_t i = 1;
    while (i < n && w->jobs[i - 1].submit_ns <= w->jobs[i].submit_ns)
        i++;
    if (i >= n) return; /* traces are usually in order already: no allocation then */
    /* Only the left half is ever copied out, so half the array is enough scratch. */
    aidc_job_spec *tmp = malloc((n / 2 + 1) * sizeof *tmp);
    if (!tmp) {
        /* The function cannot fail, so without memory it falls back to a sort that needs
         * none: slow (quadratic) but still stable and correct. */
        insertion_sort(w->jobs, n);
        return;
    }
    merge_sort(w->jobs, tmp, n);
    free(tmp);
}

/* ---- kinds ---------------------------------------------------------------------------- */

static const char *const kind_names[AIDC_KIND_COUNT] = {
    [AIDC_KIND_TRAINING] = "training",
    [AIDC_KIND_FINETUNE] = "finetune",
    [AIDC_KIND_INFERENCE] = "inference",
    [AIDC_KIND_BATCH] = "batch",
};

const char *aidc_job_kind_name(aidc_job_kind k)
{
    assert(k >= 0 && k < AIDC_KIND_COUNT);
    return kind_names[k];
}

int aidc_job_kind_parse(const char *s)
{
    assert(s);
    for (int k = 0; k < AIDC_KIND_COUNT; k++)
        if (strcmp(s, kind_names[k]) == 0) return k;
    /* The spelling many schedulers and papers use for the same thing. */
    if (strcmp(s, "fine-tuning") == 0) return AIDC_KIND_FINETUNE;
    return -1;
}
