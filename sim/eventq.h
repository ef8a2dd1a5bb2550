/* eventq — the engine's pending-event set: an array-backed 4-ary min-heap.
 *
 * Events are ordered by (time, priority, sequence). The sequence number is
 * drawn from a counter at every push and reschedule, so two events with equal
 * time and priority always leave in the order they were (re)scheduled: no
 * result ever depends on heap layout.
 *
 * Trade-off: heap entries are 16 bytes (time + one packed key) so that the
 * four children of a node share one cache line; the payload (event type and
 * argument) and each event's heap position live apart, in arrays indexed by a
 * slot number that is packed into the key. The packing bounds the structure:
 * at most 2^24 (16.7M) events pending at once, at most 2^36 (68.7G) pushes per
 * queue, 16 priority levels. Exceeding either is a bug (assert), not input.
 *
 * Handles name a pending event for cancel and reschedule (O(log n)); a handle
 * carries its slot's generation, so a stale handle is detected.
 * Units: time in int64 nanoseconds since scenario start. */
#ifndef AIDC_SIM_EVENTQ_H
#define AIDC_SIM_EVENTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define AIDC_EVENTQ_PRIORITIES 16

typedef uint64_t aidc_event_handle; /* 0 is never a valid handle */

typedef struct aidc_event {
    int64_t time_ns;
    uint32_t type;
    uint32_t priority;
    uint64_t arg;
    aidc_event_handle handle; /* the handle it had while pending */
} aidc_event;

typedef struct aidc_heap_entry {
    int64_t time_ns;
    uint64_t key; /* priority:4 | sequence:36 | slot:24 */
} aidc_heap_entry;

typedef struct aidc_event_payload {
    uint64_t arg;
    uint32_t type;
    uint32_t gen; /* bumped when the slot is released: stale handles fail */
} aidc_event_payload;

typedef struct aidc_eventq {
    aidc_heap_entry *heap; /* heap[0..n), root at 0 */
    size_t n, cap;
    /* per slot: heap position (or free-list link), and the payload; apart,
     * because every heap move writes pos and only pop reads the payload */
    uint32_t *pos;
    aidc_event_payload *payload;
    uint32_t slot_cap;
    uint32_t free_head; /* UINT32_MAX when empty */
    uint64_t next_seq;
} aidc_eventq;

/* Initializes an empty queue in caller-owned storage; returns 0, or -1 when
 * out of memory. Pair with aidc_eventq_fini. */
int aidc_eventq_init(aidc_eventq *q, size_t initial_capacity);
void aidc_eventq_fini(aidc_eventq *q);

/* Schedules an event; returns its handle (never 0). Asserts priority < 16. */
aidc_event_handle aidc_eventq_push(aidc_eventq *q, int64_t time_ns, uint32_t priority,
                                   uint32_t type, uint64_t arg);

/* Removes the earliest event into *out; returns false when empty. */
bool aidc_eventq_pop(aidc_eventq *q, aidc_event *out);

/* The heap's root is stored at heap[AIDC_EVENTQ_PAD] (see eventq.c). */
#define AIDC_EVENTQ_PAD 3u

/* Earliest pending time, or INT64_MAX when empty. */
static inline int64_t aidc_eventq_peek_time(const aidc_eventq *q)
{
    return q->n ? q->heap[AIDC_EVENTQ_PAD].time_ns : INT64_MAX;
}

static inline size_t aidc_eventq_size(const aidc_eventq *q) { return q->n; }

/* True while h names a pending event. */
bool aidc_eventq_pending(const aidc_eventq *q, aidc_event_handle h);

/* Cancels a pending event. Asserts h is pending. */
void aidc_eventq_cancel(aidc_eventq *q, aidc_event_handle h);

/* Moves a pending event to a new time, with a fresh sequence number (as if
 * it had been cancelled and pushed again); the handle stays valid. */
void aidc_eventq_reschedule(aidc_eventq *q, aidc_event_handle h, int64_t time_ns);

#endif
