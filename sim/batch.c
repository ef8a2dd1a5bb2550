/* batch — local worker processes and Open MPI ranks; see batch.h. */
#include "sim/batch.h"

#include "sim/progress.h"

#include <assert.h>
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifdef AIDC_HAVE_MPI
#include <mpi.h>
#include <pthread.h>
#endif

#include "sim/runner.h"

#define MSG_LEN 4096

struct aidc_pool {
    int jobs;
    bool progress;
    bool mpi;
    int rank, size;
    size_t ran, resumed;
    char desc[64];
#ifdef AIDC_HAVE_MPI
    bool *idle;          /* per rank: waiting for work */
    bool *seen;          /* per rank: said hello */
    pthread_t thread;    /* rank 0's own worker */
    pthread_mutex_t mu;
    pthread_cond_t cv;
    aidc_batch_run *local_run; /* assigned to the thread, NULL when none */
    bool local_done, quit;
#endif
};

/* ---- shared helpers ---------------------------------------------------- */

/* The whole file as a string, or NULL. */
static char *read_text(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 8192, len = 0;
    char *buf = malloc(cap);
    while (buf) {
        len += fread(buf + len, 1, cap - 1 - len, f);
        if (len < cap - 1) break;
        char *more = realloc(buf, cap * 2);
        if (!more) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = more;
        cap *= 2;
    }
    bool bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        free(buf);
        return NULL;
    }
    buf[len] = '\0';
    return buf;
}

static void summary_path(const aidc_batch_run *r, char *buf, size_t n)
{
    snprintf(buf, n, "%s/summary.json", r->out_dir);
}

/* Records a finished run: status, message, and summary.json read back. */
static void finish_run(aidc_batch_run *r, int status, const char *msg)
{
    r->status = status;
    if (status == 0) {
        char path[4300];
        summary_path(r, path, sizeof path);
        r->summary = read_text(path);
        if (!r->summary) {
            r->status = 3;
            r->error = malloc(MSG_LEN);
            if (r->error)
                snprintf(r->error, MSG_LEN, "%s: the run finished but cannot be read back: %s", path,
                         strerror(errno));
        }
    } else {
        r->error = strdup(msg && msg[0] ? msg : "failed without a message");
    }
}

/* In-process run; used by MPI ranks (fork under MPI is best avoided). */
static void run_here(aidc_batch_run *r)
{
    char *err = calloc(1, MSG_LEN);
    aidc_run_request req = {.scenario = r->scenario, .overrides = r->overrides, .seed = r->seed, .out_dir = r->out_dir};
    int rc = err ? aidc_run_scenario(&req, NULL, 0, err, MSG_LEN) : 3;
    finish_run(r, rc, err ? err : "out of memory");
    free(err);
}

void aidc_batch_run_clear(aidc_batch_run *r)
{
    free(r->error);
    free(r->summary);
    r->error = r->summary = NULL;
    r->status = -1;
    r->resumed = false;
}

/* ---- progress ---------------------------------------------------------- */

typedef aidc_progress progress;

static void progress_draw(progress *p, bool force) { aidc_progress_update(p, p->done, force); }

static void report_failure(progress *p, const aidc_batch_run *r, bool quiet)
{
    if (quiet) return;
    aidc_progress_clear(p);
    fprintf(stderr, "aidcsim: run %s failed (exit %d): %s\n", r->out_dir, r->status, r->error);
    progress_draw(p, true);
}

/* ---- local worker processes --------------------------------------------- */

typedef struct slot {
    pid_t pid;
    int fd;
    size_t run;
    size_t len;
    char msg[MSG_LEN];
} slot;

/* A forked worker: runs one scenario and leaves by _exit. It first drops the parent's
 * bookkeeping it holds copies of (other workers' pipes, the slot and poll arrays), so a
 * memory checker following the fork sees no leak of the parent's. */
static void child_main(const aidc_batch_run *r, int fd, slot *slots, int n_slots, struct pollfd *pfd)
{
    for (int i = 0; i < n_slots; i++)
        if (slots[i].pid > 0) close(slots[i].fd);
    free(slots);
    free(pfd);
    char err[MSG_LEN] = "";
    aidc_run_request req = {.scenario = r->scenario, .overrides = r->overrides, .seed = r->seed, .out_dir = r->out_dir};
    int rc = aidc_run_scenario(&req, NULL, 0, err, sizeof err);
    if (rc) {
        size_t len = strlen(err), off = 0;
        while (off < len) {
            ssize_t w = write(fd, err + off, len - off);
            if (w <= 0) break;
            off += (size_t)w;
        }
    }
    _exit(rc);
}

static int start_local(aidc_pool *p, aidc_batch_run *runs, size_t i, slot *slots,
                       struct pollfd *pfd, progress *pg, bool quiet)
{
    int s = 0;
    while (slots[s].pid > 0) s++;
    assert(s < p->jobs);
    int fds[2];
    if (pipe(fds) != 0) {
        runs[i].status = 3;
        runs[i].error = malloc(MSG_LEN);
        if (runs[i].error) snprintf(runs[i].error, MSG_LEN, "cannot create a pipe: %s", strerror(errno));
        report_failure(pg, &runs[i], quiet);
        return -1;
    }
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        runs[i].status = 3;
        runs[i].error = malloc(MSG_LEN);
        if (runs[i].error) snprintf(runs[i].error, MSG_LEN, "cannot start a worker: %s", strerror(errno));
        report_failure(pg, &runs[i], quiet);
        return -1;
    }
    if (pid == 0) {
        close(fds[0]);
        child_main(&runs[i], fds[1], slots, p->jobs, pfd);
    }
    close(fds[1]);
    slots[s].pid = pid;
    slots[s].fd = fds[0];
    slots[s].run = i;
    slots[s].len = 0;
    slots[s].msg[0] = '\0';
    return 0;
}

/* The worker in slot s closed its pipe: collect its exit status. */
static void reap_local(slot *s, aidc_batch_run *runs, progress *pg, bool quiet, size_t *failed)
{
    close(s->fd);
    int st = 0;
    while (waitpid(s->pid, &st, 0) < 0 && errno == EINTR) {}
    aidc_batch_run *r = &runs[s->run];
    s->msg[s->len] = '\0';
    if (WIFEXITED(st)) {
        finish_run(r, WEXITSTATUS(st), s->msg);
    } else {
        char msg[MSG_LEN];
        int sig = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
        snprintf(msg, sizeof msg, "the worker process died from signal %d (%s)%s%s", sig, strsignal(sig),
                 s->len ? ": " : "", s->msg);
        finish_run(r, 3, msg);
    }
    if (r->status) {
        ++*failed;
        report_failure(pg, r, quiet);
    }
    s->pid = 0;
}

static size_t run_local(aidc_pool *p, aidc_batch_run *runs, size_t n, progress *pg, bool quiet)
{
    slot *slots = calloc((size_t)p->jobs, sizeof *slots);
    struct pollfd *pfd = calloc((size_t)p->jobs, sizeof *pfd);
    size_t failed = 0, next = 0;
    int active = 0;
    if (!slots || !pfd) {
        free(slots);
        free(pfd);
        for (size_t i = 0; i < n; i++)
            if (runs[i].status < 0) {
                finish_run(&runs[i], 3, "out of memory");
                failed++;
            }
        return failed;
    }
    for (;;) {
        while (active < p->jobs && next < n) {
            size_t i = next++;
            if (runs[i].status >= 0) continue;
            p->ran++;
            if (start_local(p, runs, i, slots, pfd, pg, quiet) == 0) active++;
            else {
                failed++;
                pg->done++;
            }
        }
        if (active == 0) break;
        int np = 0;
        int map[256];
        for (int s = 0; s < p->jobs && np < 256; s++)
            if (slots[s].pid > 0) {
                pfd[np].fd = slots[s].fd;
                pfd[np].events = POLLIN;
                pfd[np].revents = 0;
                map[np++] = s;
            }
        int rc = poll(pfd, (nfds_t)np, pg->on ? 250 : -1);
        if (rc < 0 && errno != EINTR) break;
        for (int k = 0; rc > 0 && k < np; k++) {
            if (!pfd[k].revents) continue;
            slot *s = &slots[map[k]];
            char buf[1024];
            ssize_t got = read(s->fd, buf, sizeof buf);
            if (got > 0) {
                size_t take = (size_t)got;
                if (take > sizeof s->msg - 1 - s->len) take = sizeof s->msg - 1 - s->len;
                memcpy(s->msg + s->len, buf, take);
                s->len += take;
                continue;
            }
            if (got < 0 && errno == EINTR) continue;
            reap_local(s, runs, pg, quiet, &failed);
            active--;
            pg->done++;
        }
        progress_draw(pg, false);
    }
    free(slots);
    free(pfd);
    return failed;
}

/* ---- MPI ---------------------------------------------------------------- */

#ifdef AIDC_HAVE_MPI
enum { TAG_RESULT = 1, TAG_TASK = 2, TAG_STOP = 3 };

static void nap(void)
{
    struct timespec ts = {0, 1000000}; /* 1 ms: ranks waiting for work do not spin a core */
    nanosleep(&ts, NULL);
}

/* A growing byte buffer for messages. */
typedef struct buf {
    char *p;
    size_t len, cap;
} buf;

static void buf_put(buf *b, const void *data, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n) cap *= 2;
        char *q = realloc(b->p, cap);
        if (!q) abort(); /* a message of a few kB: out of memory here is not recoverable */
        b->p = q;
        b->cap = cap;
    }
    memcpy(b->p + b->len, data, n);
    b->len += n;
}

static void buf_str(buf *b, const char *s) { buf_put(b, s ? s : "", strlen(s ? s : "") + 1); }

/* Task: int32 ticket, int64 seed, int32 n overrides, scenario, out_dir, overrides. */
static void send_task(const aidc_batch_run *r, int32_t ticket, int dest)
{
    buf b = {0};
    int32_t n = 0;
    while (r->overrides && r->overrides[n]) n++;
    buf_put(&b, &ticket, sizeof ticket);
    buf_put(&b, &r->seed, sizeof r->seed);
    buf_put(&b, &n, sizeof n);
    buf_str(&b, r->scenario);
    buf_str(&b, r->out_dir);
    for (int32_t i = 0; i < n; i++) buf_str(&b, r->overrides[i]);
    MPI_Send(b.p, (int)b.len, MPI_BYTE, dest, TAG_TASK, MPI_COMM_WORLD);
    free(b.p);
}

/* Result: int32 ticket (-1: hello), int32 status, error, summary. */
static void send_result(int32_t ticket, const aidc_batch_run *r)
{
    buf b = {0};
    int32_t st = r ? r->status : 0;
    buf_put(&b, &ticket, sizeof ticket);
    buf_put(&b, &st, sizeof st);
    buf_str(&b, r ? r->error : "");
    buf_str(&b, r ? r->summary : "");
    MPI_Send(b.p, (int)b.len, MPI_BYTE, 0, TAG_RESULT, MPI_COMM_WORLD);
    free(b.p);
}

static char *recv_bytes(int source, int tag, MPI_Status *st, int *len)
{
    MPI_Probe(source, tag, MPI_COMM_WORLD, st);
    MPI_Get_count(st, MPI_BYTE, len);
    char *data = malloc((size_t)*len + 1);
    if (!data) abort();
    MPI_Recv(data, *len, MPI_BYTE, st->MPI_SOURCE, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    data[*len] = '\0';
    return data;
}

/* A serving rank: ask for work, run it, send the result back, until STOP. */
static int serve(void)
{
    send_result(-1, NULL);
    for (;;) {
        int flag = 0;
        MPI_Status st;
        while (MPI_Iprobe(0, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &st), !flag) nap();
        int len;
        char *msg = recv_bytes(0, st.MPI_TAG, &st, &len);
        if (st.MPI_TAG == TAG_STOP) {
            free(msg);
            break;
        }
        int32_t ticket, n;
        int64_t seed;
        const char *q = msg;
        memcpy(&ticket, q, sizeof ticket);
        q += sizeof ticket;
        memcpy(&seed, q, sizeof seed);
        q += sizeof seed;
        memcpy(&n, q, sizeof n);
        q += sizeof n;
        const char *scenario = q;
        q += strlen(q) + 1;
        const char *out_dir = q;
        q += strlen(q) + 1;
        const char **ov = calloc((size_t)n + 1, sizeof *ov);
        if (!ov) abort();
        for (int32_t i = 0; i < n; i++) {
            ov[i] = q;
            q += strlen(q) + 1;
        }
        aidc_batch_run r = {scenario, ov, seed, out_dir, -1, false, NULL, NULL};
        run_here(&r);
        send_result(ticket, &r);
        aidc_batch_run_clear(&r);
        free(ov);
        free(msg);
    }
    MPI_Finalize();
    return 0;
}

static void *local_thread(void *arg)
{
    aidc_pool *p = arg;
    pthread_mutex_lock(&p->mu);
    for (;;) {
        while (!p->quit && (!p->local_run || p->local_done)) pthread_cond_wait(&p->cv, &p->mu);
        if (p->quit) break;
        aidc_batch_run *r = p->local_run;
        pthread_mutex_unlock(&p->mu);
        run_here(r);
        pthread_mutex_lock(&p->mu);
        p->local_done = true;
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Takes one result message if there is one; returns 1 when it took one. */
static int take_result(aidc_pool *p, aidc_batch_run *runs, size_t n, int *assigned, progress *pg,
                       bool quiet, size_t *failed, size_t *completed)
{
    int flag = 0;
    MPI_Status st;
    MPI_Iprobe(MPI_ANY_SOURCE, TAG_RESULT, MPI_COMM_WORLD, &flag, &st);
    if (!flag) return 0;
    int len;
    char *msg = recv_bytes(st.MPI_SOURCE, TAG_RESULT, &st, &len);
    int src = st.MPI_SOURCE;
    int32_t ticket, status;
    memcpy(&ticket, msg, sizeof ticket);
    memcpy(&status, msg + sizeof ticket, sizeof status);
    const char *error = msg + 2 * sizeof(int32_t);
    const char *summary = error + strlen(error) + 1;
    p->seen[src] = true;
    p->idle[src] = true;
    if (ticket >= 0) {
        assert(runs && (size_t)ticket < n && assigned[src] == ticket);
        aidc_batch_run *r = &runs[ticket];
        r->status = status;
        if (status == 0) r->summary = strdup(summary);
        else r->error = strdup(error);
        if (status) {
            ++*failed;
            report_failure(pg, r, quiet);
        }
        assigned[src] = -1;
        ++*completed;
        pg->done++;
    }
    free(msg);
    return 1;
}

static size_t run_mpi(aidc_pool *p, aidc_batch_run *runs, size_t n, size_t to_run, progress *pg,
                      bool quiet)
{
    int *assigned = malloc(sizeof(int) * (size_t)p->size);
    if (!assigned) abort();
    for (int i = 0; i < p->size; i++) assigned[i] = -1;
    size_t next = 0, completed = 0, failed = 0;
    bool local_busy = false;
    while (completed < to_run) {
        bool busy = false;
        for (int rank = 1; rank < p->size; rank++) {
            if (!p->idle[rank]) continue;
            while (next < n && runs[next].status >= 0) next++;
            if (next >= n) break;
            assigned[rank] = (int)next;
            p->idle[rank] = false;
            p->ran++;
            send_task(&runs[next], (int32_t)next, rank);
            next++;
            busy = true;
        }
        pthread_mutex_lock(&p->mu);
        if (local_busy && p->local_done) {
            aidc_batch_run *r = p->local_run;
            p->local_run = NULL;
            p->local_done = false;
            local_busy = false;
            completed++;
            pg->done++;
            if (r->status) {
                failed++;
                report_failure(pg, r, quiet);
            }
            busy = true;
        }
        if (!local_busy) {
            while (next < n && runs[next].status >= 0) next++;
            if (next < n) {
                p->local_run = &runs[next++];
                p->local_done = false;
                local_busy = true;
                p->ran++;
                pthread_cond_signal(&p->cv);
                busy = true;
            }
        }
        pthread_mutex_unlock(&p->mu);
        while (take_result(p, runs, n, assigned, pg, quiet, &failed, &completed)) busy = true;
        progress_draw(pg, false);
        if (!busy) nap();
    }
    free(assigned);
    return failed;
}
#endif /* AIDC_HAVE_MPI */

/* ---- the pool ----------------------------------------------------------- */

static int env_int(const char *name)
{
    const char *v = getenv(name);
    return v && *v ? atoi(v) : 0;
}

int aidc_pool_open(aidc_pool **out, const aidc_pool_opts *o, int *worker_exit, char *err,
                   size_t errlen)
{
    *out = NULL;
    *worker_exit = 0;
    int world = env_int("OMPI_COMM_WORLD_SIZE");
    if (world == 0) world = env_int("PMI_SIZE");
#ifndef AIDC_HAVE_MPI
    if (world > 1) {
        snprintf(err, errlen,
                 "started by mpirun with %d ranks, but this aidcsim was built without MPI: every rank "
                 "would run every run. Install libopenmpi-dev and rebuild (make MPI=1), or run "
                 "without mpirun and use -j N",
                 world);
        return -1;
    }
#endif
    aidc_pool *p = calloc(1, sizeof *p);
    if (!p) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    p->progress = o->progress;
    p->jobs = o->jobs > 0 ? o->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
    if (p->jobs < 1) p->jobs = 1;
    if (p->jobs > 256) p->jobs = 256;
    p->size = 1;
#ifdef AIDC_HAVE_MPI
    if (world > 1) {
        int provided;
        MPI_Init_thread(NULL, NULL, MPI_THREAD_FUNNELED, &provided);
        MPI_Comm_rank(MPI_COMM_WORLD, &p->rank);
        MPI_Comm_size(MPI_COMM_WORLD, &p->size);
        if (provided < MPI_THREAD_FUNNELED) {
            snprintf(err, errlen, "this MPI library cannot run rank 0's worker thread (thread level %d)",
                     provided);
            MPI_Abort(MPI_COMM_WORLD, 3);
        }
        if (p->rank != 0) {
            *worker_exit = serve();
            free(p);
            return 1;
        }
        p->mpi = true;
        p->idle = calloc((size_t)p->size, sizeof *p->idle);
        p->seen = calloc((size_t)p->size, sizeof *p->seen);
        if (!p->idle || !p->seen) abort();
        pthread_mutex_init(&p->mu, NULL);
        pthread_cond_init(&p->cv, NULL);
        if (pthread_create(&p->thread, NULL, local_thread, p) != 0) {
            snprintf(err, errlen, "cannot start rank 0's worker thread");
            MPI_Abort(MPI_COMM_WORLD, 3);
        }
        snprintf(p->desc, sizeof p->desc, "%d MPI ranks", p->size);
    }
#endif
    if (!p->mpi)
        snprintf(p->desc, sizeof p->desc, "%d local process%s", p->jobs, p->jobs == 1 ? "" : "es");
    *out = p;
    return 0;
}

const char *aidc_pool_describe(const aidc_pool *p) { return p->desc; }

size_t aidc_pool_run(aidc_pool *p, aidc_batch_run *runs, size_t n, const char *title, bool quiet)
{
    p->ran = p->resumed = 0;
    size_t to_run = 0;
    for (size_t i = 0; i < n; i++) {
        if (runs[i].status >= 0) continue;
        char path[4300];
        summary_path(&runs[i], path, sizeof path);
        struct stat st;
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            runs[i].summary = read_text(path);
            if (runs[i].summary) {
                runs[i].status = 0;
                runs[i].resumed = true;
                p->resumed++;
                continue;
            }
        }
        to_run++;
    }
    progress pg;
    aidc_progress_begin(&pg, title, "runs", (double)to_run, p->progress && !quiet);
    if (to_run == 0) return 0;
    progress_draw(&pg, true);
    size_t failed;
#ifdef AIDC_HAVE_MPI
    if (p->mpi) failed = run_mpi(p, runs, n, to_run, &pg, quiet);
    else
#endif
        failed = run_local(p, runs, n, &pg, quiet);
    aidc_progress_clear(&pg);
    return failed;
}

void aidc_pool_counts(const aidc_pool *p, size_t *ran, size_t *resumed)
{
    *ran = p->ran;
    *resumed = p->resumed;
}

void aidc_pool_close(aidc_pool *p)
{
    if (!p) return;
#ifdef AIDC_HAVE_MPI
    if (p->mpi) {
        pthread_mutex_lock(&p->mu);
        p->quit = true;
        pthread_cond_signal(&p->cv);
        pthread_mutex_unlock(&p->mu);
        pthread_join(p->thread, NULL);
        /* every rank says hello once; wait for those still to come, then stop all */
        for (int rank = 1; rank < p->size; rank++) {
            while (!p->seen[rank]) {
                size_t none = 0;
                progress pg = {0};
                if (!take_result(p, NULL, 0, NULL, &pg, true, &none, &none)) nap();
            }
            MPI_Send(NULL, 0, MPI_BYTE, rank, TAG_STOP, MPI_COMM_WORLD);
        }
        pthread_mutex_destroy(&p->mu);
        pthread_cond_destroy(&p->cv);
        free(p->idle);
        free(p->seen);
        MPI_Finalize();
    }
#endif
    free(p);
}
