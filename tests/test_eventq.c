/* Event queue: ordering, ties and handles against a simple reference model
 * (an unsorted array searched linearly) under random operations. */
#include <CUnit/CUnit.h>
#include <stdlib.h>

#include "sim/eventq.h"

typedef struct ref_ev {
    int64_t t;
    uint32_t prio;
    uint64_t seq;
    uint64_t arg;
    aidc_event_handle h;
    int live;
} ref_ev;

static uint64_t rng_state = 88172645463325252ull;
static uint64_t next_rand(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}

/* index of the reference event that must come out next */
static int ref_min(const ref_ev *r, int n)
{
    int best = -1;
    for (int i = 0; i < n; i++) {
        if (!r[i].live) continue;
        if (best < 0 || r[i].t < r[best].t || (r[i].t == r[best].t && r[i].prio < r[best].prio) ||
            (r[i].t == r[best].t && r[i].prio == r[best].prio && r[i].seq < r[best].seq))
            best = i;
    }
    return best;
}

static void test_random_against_reference(void)
{
    enum { OPS = 60000, MAXEV = 70000 };
    ref_ev *r = calloc(MAXEV, sizeof *r);
    aidc_eventq q;
    CU_ASSERT_FATAL(aidc_eventq_init(&q, 4) == 0);
    int n = 0, live = 0;
    uint64_t seq = 0;
    int64_t now = 0;
    int mismatches = 0;
    for (int op = 0; op < OPS; op++) {
        unsigned kind = (unsigned)(next_rand() % 10);
        if (kind < 5 && n < MAXEV) {
            /* few distinct times, so ties on time and priority are common */
            int64_t t = now + (int64_t)(next_rand() % 50);
            uint32_t prio = (uint32_t)(next_rand() % 3);
            r[n] = (ref_ev){t, prio, seq++, (uint64_t)n, 0, 1};
            r[n].h = aidc_eventq_push(&q, t, prio, 7, (uint64_t)n);
            n++;
            live++;
        } else if (kind < 8 && live > 0) {
            aidc_event ev;
            int want = ref_min(r, n);
            int64_t peek = aidc_eventq_peek_time(&q);
            if (peek != r[want].t) mismatches++;
            CU_ASSERT_FATAL(aidc_eventq_pop(&q, &ev));
            if ((uint64_t)want != ev.arg || ev.time_ns != r[want].t || ev.type != 7) mismatches++;
            r[ev.arg].live = 0;
            live--;
            now = ev.time_ns;
        } else if (kind == 8 && live > 0) {
            int k = (int)(next_rand() % (uint64_t)n);
            if (r[k].live) {
                CU_ASSERT(aidc_eventq_pending(&q, r[k].h));
                aidc_eventq_cancel(&q, r[k].h);
                CU_ASSERT(!aidc_eventq_pending(&q, r[k].h));
                r[k].live = 0;
                live--;
            }
        } else if (live > 0) {
            int k = (int)(next_rand() % (uint64_t)n);
            if (r[k].live) {
                int64_t t = now + (int64_t)(next_rand() % 50);
                aidc_eventq_reschedule(&q, r[k].h, t);
                r[k].t = t;
                r[k].seq = seq++;
            }
        }
        CU_ASSERT_EQUAL(aidc_eventq_size(&q), (size_t)live);
    }
    /* drain */
    aidc_event ev;
    while (aidc_eventq_pop(&q, &ev)) {
        int want = ref_min(r, n);
        if ((uint64_t)want != ev.arg) mismatches++;
        r[ev.arg].live = 0;
    }
    CU_ASSERT_EQUAL(mismatches, 0);
    CU_ASSERT_EQUAL(ref_min(r, n), -1);
    aidc_eventq_fini(&q);
    free(r);
}

static void test_ties_follow_priority_then_sequence(void)
{
    aidc_eventq q;
    aidc_eventq_init(&q, 0);
    aidc_eventq_push(&q, 100, 2, 0, 1);
    aidc_eventq_push(&q, 100, 0, 0, 2);
    aidc_eventq_push(&q, 100, 2, 0, 3);
    aidc_eventq_push(&q, 100, 0, 0, 4);
    aidc_eventq_push(&q, 99, 9, 0, 5);
    uint64_t want[] = {5, 2, 4, 1, 3};
    aidc_event ev;
    for (int i = 0; i < 5; i++) {
        CU_ASSERT_FATAL(aidc_eventq_pop(&q, &ev));
        CU_ASSERT_EQUAL(ev.arg, want[i]);
    }
    CU_ASSERT(!aidc_eventq_pop(&q, &ev));
    CU_ASSERT_EQUAL(aidc_eventq_peek_time(&q), INT64_MAX);
    aidc_eventq_fini(&q);
}

static void test_reschedule_gets_new_sequence_and_handles_go_stale(void)
{
    aidc_eventq q;
    aidc_eventq_init(&q, 0);
    aidc_event_handle a = aidc_eventq_push(&q, 10, 0, 1, 1);
    aidc_eventq_push(&q, 20, 0, 1, 2);
    aidc_eventq_reschedule(&q, a, 20); /* now behind event 2 at the same time */
    aidc_event ev;
    aidc_eventq_pop(&q, &ev);
    CU_ASSERT_EQUAL(ev.arg, 2);
    aidc_eventq_pop(&q, &ev);
    CU_ASSERT_EQUAL(ev.arg, 1);
    CU_ASSERT_EQUAL(ev.handle, a);
    CU_ASSERT(!aidc_eventq_pending(&q, a));
    /* the slot is reused, the old handle stays stale */
    aidc_event_handle b = aidc_eventq_push(&q, 30, 0, 1, 3);
    CU_ASSERT(aidc_eventq_pending(&q, b));
    CU_ASSERT(!aidc_eventq_pending(&q, a));
    CU_ASSERT(!aidc_eventq_pending(&q, 0));
    aidc_eventq_fini(&q);
}

int test_eventq_register(void)
{
    CU_pSuite s = CU_add_suite("eventq", NULL, NULL);
    if (!s) return -1;
    if (!CU_add_test(s, "random operations match a reference", test_random_against_reference) ||
        !CU_add_test(s, "ties: priority, then sequence", test_ties_follow_priority_then_sequence) ||
        !CU_add_test(s, "reschedule and stale handles",
                     test_reschedule_gets_new_sequence_and_handles_go_stale))
        return -1;
    return 0;
}
