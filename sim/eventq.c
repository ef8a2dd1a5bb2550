/* eventq — 4-ary heap with handles; see eventq.h for the design. */
#include "sim/eventq.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define SLOT_BITS 24u
#define SEQ_BITS 36u
#define SLOT_MASK ((1u << SLOT_BITS) - 1u)
#define SEQ_LIMIT (UINT64_C(1) << SEQ_BITS)
#define NO_SLOT UINT32_MAX
/* The heap array is offset so that the 4 children of any node (4k+1..4k+4)
 * sit in one 64-byte line: element k is stored at base[k + PAD]. */
#define PAD AIDC_EVENTQ_PAD

static inline bool before(aidc_heap_entry a, aidc_heap_entry b)
{
    return a.time_ns < b.time_ns || (a.time_ns == b.time_ns && a.key < b.key);
}

static inline uint32_t slot_of(aidc_heap_entry e) { return (uint32_t)(e.key & SLOT_MASK); }

static inline aidc_heap_entry *heap_base(const aidc_eventq *q) { return q->heap; }

static inline aidc_event_handle make_handle(uint32_t slot, uint32_t gen)
{
    return ((uint64_t)gen << 32) | (uint64_t)(slot + 1u);
}

static int grow_heap(aidc_eventq *q)
{
    size_t cap = q->cap ? q->cap * 2 : 64;
    size_t bytes = (cap + PAD) * sizeof(aidc_heap_entry);
    bytes = (bytes + 63u) & ~(size_t)63u;
    aidc_heap_entry *mem = aligned_alloc(64, bytes);
    if (!mem) return -1;
    if (q->heap) {
        memcpy(mem, q->heap, (q->n + PAD) * sizeof(aidc_heap_entry));
        free(q->heap);
    }
    q->heap = mem;
    q->cap = cap;
    return 0;
}

static int grow_slots(aidc_eventq *q)
{
    uint32_t old = q->slot_cap;
    uint64_t want = old ? (uint64_t)old * 2 : 64;
    if (want > (uint64_t)SLOT_MASK + 1u) want = (uint64_t)SLOT_MASK + 1u;
    assert(want > old && "eventq: more than 2^24 events pending");
    uint32_t cap = (uint32_t)want;
    uint32_t *pos = realloc(q->pos, cap * sizeof *pos);
    if (!pos) return -1;
    q->pos = pos;
    aidc_event_payload *pl = realloc(q->payload, cap * sizeof *pl);
    if (!pl) return -1;
    q->payload = pl;
    /* Thread the new slots onto the free list in ascending order. */
    for (uint32_t s = old; s < cap; s++) {
        q->pos[s] = (s + 1 < cap) ? s + 1 : q->free_head;
        q->payload[s].gen = 1;
    }
    q->free_head = old;
    q->slot_cap = cap;
    return 0;
}

int aidc_eventq_init(aidc_eventq *q, size_t initial_capacity)
{
    memset(q, 0, sizeof *q);
    q->free_head = NO_SLOT;
    while (q->cap < initial_capacity)
        if (grow_heap(q)) return -1;
    if (!q->cap && grow_heap(q)) return -1;
    return 0;
}

void aidc_eventq_fini(aidc_eventq *q)
{
    free(q->heap);
    free(q->pos);
    free(q->payload);
    memset(q, 0, sizeof *q);
}

static void sift_up(aidc_eventq *q, size_t i, aidc_heap_entry e)
{
    aidc_heap_entry *h = heap_base(q) + PAD;
    while (i > 0) {
        size_t parent = (i - 1) >> 2;
        if (!before(e, h[parent])) break;
        h[i] = h[parent];
        q->pos[slot_of(h[i])] = (uint32_t)i;
        i = parent;
    }
    h[i] = e;
    q->pos[slot_of(e)] = (uint32_t)i;
}

/* Places e at hole i, moving it down as needed (used by cancel/reschedule). */
static void sift_down(aidc_eventq *q, size_t i, aidc_heap_entry e)
{
    aidc_heap_entry *h = heap_base(q) + PAD;
    size_t n = q->n;
    for (;;) {
        size_t c = 4 * i + 1;
        if (c >= n) break;
        size_t best = c;
        size_t end = c + 4 < n ? c + 4 : n;
        for (size_t k = c + 1; k < end; k++)
            if (before(h[k], h[best])) best = k;
        if (!before(h[best], e)) break;
        h[i] = h[best];
        q->pos[slot_of(h[i])] = (uint32_t)i;
        i = best;
    }
    h[i] = e;
    q->pos[slot_of(e)] = (uint32_t)i;
}

/* Index (0..3) of the earliest of four siblings, comparing full keys. */
static size_t earliest4_exact(const aidc_heap_entry *c)
{
    size_t best = 0;
    for (size_t k = 1; k < 4; k++)
        if (before(c[k], c[best])) best = k;
    return best;
}

/* Pop's hole goes all the way down along the earliest children, then the last
 * element rises from there: it came from the bottom, so it rarely rises far,
 * and this saves comparing against it at every level. Children are compared
 * on time with conditional moves; equal times (rare) take the exact path. */
static void fill_root_hole(aidc_eventq *q, aidc_heap_entry last)
{
    aidc_heap_entry *h = heap_base(q) + PAD;
    uint32_t *pos = q->pos;
    size_t n = q->n, i = 0, c;
    while ((c = 4 * i + 1) + 3 < n) {
        const aidc_heap_entry *ch = h + c;
        /* The next level's line is one of the four lines holding the children
         * of ch[0..3]: fetch all four now, so that load overlaps this level's
         * comparisons instead of following them. */
        if (4 * c + 4 < n) {
            const char *next = (const char *)(h + 4 * c + 1);
            __builtin_prefetch(next);
            __builtin_prefetch(next + 64);
            __builtin_prefetch(next + 128);
            __builtin_prefetch(next + 192);
        }
        int64_t t0 = ch[0].time_ns, t1 = ch[1].time_ns;
        int64_t t2 = ch[2].time_ns, t3 = ch[3].time_ns;
        /* selections by mask, not ?:, which the compiler may turn back into
         * a branch that mispredicts half the time */
        size_t a = (size_t)(t1 < t0);
        int64_t ta = t1 < t0 ? t1 : t0;
        size_t b = 2 + (size_t)(t3 < t2);
        int64_t tb = t3 < t2 ? t3 : t2;
        size_t m = (size_t)0 - (size_t)(tb < ta);
        size_t best = (a & ~m) | (b & m);
        if (__builtin_expect((t0 == t1) | (t2 == t3) | (ta == tb), 0)) best = earliest4_exact(ch);
        h[i] = ch[best];
        pos[slot_of(h[i])] = (uint32_t)i;
        i = c + best;
    }
    if (c < n) {
        size_t best = c;
        for (size_t k = c + 1; k < n; k++)
            if (before(h[k], h[best])) best = k;
        h[i] = h[best];
        pos[slot_of(h[i])] = (uint32_t)i;
        i = best;
    }
    sift_up(q, i, last);
}

aidc_event_handle aidc_eventq_push(aidc_eventq *q, int64_t time_ns, uint32_t priority,
                                   uint32_t type, uint64_t arg)
{
    assert(priority < AIDC_EVENTQ_PRIORITIES);
    assert(time_ns >= 0);
    assert(q->next_seq < SEQ_LIMIT && "eventq: sequence space exhausted");
    if (q->free_head == NO_SLOT && grow_slots(q)) abort();
    if (q->n == q->cap && grow_heap(q)) abort();
    uint32_t slot = q->free_head;
    q->free_head = q->pos[slot];
    q->payload[slot].type = type;
    q->payload[slot].arg = arg;
    aidc_heap_entry e = {time_ns, ((uint64_t)priority << 60) | (q->next_seq++ << SLOT_BITS) | slot};
    sift_up(q, q->n++, e);
    return make_handle(slot, q->payload[slot].gen);
}

static void release_slot(aidc_eventq *q, uint32_t slot)
{
    q->payload[slot].gen++;
    q->pos[slot] = q->free_head;
    q->free_head = slot;
}

bool aidc_eventq_pop(aidc_eventq *q, aidc_event *out)
{
    if (q->n == 0) return false;
    aidc_heap_entry *h = heap_base(q) + PAD;
    aidc_heap_entry top = h[0];
    uint32_t slot = slot_of(top);
    out->time_ns = top.time_ns;
    out->priority = (uint32_t)(top.key >> 60);
    const aidc_event_payload *pl = &q->payload[slot];
    out->type = pl->type;
    out->arg = pl->arg;
    out->handle = make_handle(slot, pl->gen);
    release_slot(q, slot);
    q->n--;
    if (q->n > 0) {
        fill_root_hole(q, h[q->n]);
        /* The next pop reads the new root's payload, at a random slot: start
         * that cache miss now, so it overlaps the caller's handler. */
        uint32_t next = slot_of(h[0]);
        __builtin_prefetch(&q->payload[next]);
        __builtin_prefetch(&q->pos[next], 1);
    }
    return true;
}

static uint32_t checked_slot(const aidc_eventq *q, aidc_event_handle h)
{
    uint32_t slot = (uint32_t)(h & 0xffffffffu) - 1u;
    assert(h != 0 && slot < q->slot_cap && q->payload[slot].gen == (uint32_t)(h >> 32) &&
           "eventq: stale or invalid handle");
    return slot;
}

bool aidc_eventq_pending(const aidc_eventq *q, aidc_event_handle h)
{
    uint32_t slot = (uint32_t)(h & 0xffffffffu) - 1u;
    return h != 0 && slot < q->slot_cap && q->payload[slot].gen == (uint32_t)(h >> 32);
}

/* Puts entry e into position i, moving it up or down as the order requires. */
static void restore(aidc_eventq *q, size_t i, aidc_heap_entry e)
{
    aidc_heap_entry *h = heap_base(q) + PAD;
    if (i > 0 && before(e, h[(i - 1) >> 2]))
        sift_up(q, i, e);
    else
        sift_down(q, i, e);
}

void aidc_eventq_cancel(aidc_eventq *q, aidc_event_handle handle)
{
    uint32_t slot = checked_slot(q, handle);
    size_t i = q->pos[slot];
    aidc_heap_entry *h = heap_base(q) + PAD;
    release_slot(q, slot);
    q->n--;
    if (i < q->n) restore(q, i, h[q->n]);
}

void aidc_eventq_reschedule(aidc_eventq *q, aidc_event_handle handle, int64_t time_ns)
{
    uint32_t slot = checked_slot(q, handle);
    assert(time_ns >= 0);
    assert(q->next_seq < SEQ_LIMIT && "eventq: sequence space exhausted");
    size_t i = q->pos[slot];
    aidc_heap_entry *h = heap_base(q) + PAD;
    uint64_t prio = h[i].key >> 60;
    aidc_heap_entry e = {time_ns, (prio << 60) | (q->next_seq++ << SLOT_BITS) | slot};
    restore(q, i, e);
}
