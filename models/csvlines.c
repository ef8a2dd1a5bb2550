/* Line-by-line CSV reading; see csvlines.h. */
#include "models/csvlines.h"
#include "models/utf8.h"

#include <csv.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

enum { READ_CHUNK = 1 << 16 }; /* first buffer size; it doubles only for longer lines */

typedef struct feeder {
    aidc_csvlines *cl;
    aidc_csvlines_fail_fn *fail;
} feeder;

static int failf(feeder *fd, uint32_t line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int failf(feeder *fd, uint32_t line, const char *fmt, ...)
{
    if (!fd->cl->failed) {
        char msg[512];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        fd->fail(fd->cl->data, line, msg);
        fd->cl->failed = true;
    }
    return -1;
}

static void on_field(void *s, size_t len, void *data)
{
    aidc_csvlines *cl = data;
    cl->on_field(s, len, cl->data);
}

static void on_record(int c, void *data)
{
    aidc_csvlines *cl = data;
    cl->row_ends++;
    cl->on_record(c, cl->data);
}

/* Feeds one physical line (with its '\n', except maybe the last line of the file). */
static int feed_line(feeder *fd, struct csv_parser *p, const char *s, size_t n)
{
    aidc_csvlines *cl = fd->cl;
    if (cl->at_record_start) {
        size_t i = 0;
        while (i < n && (s[i] == ' ' || s[i] == '\t'))
            i++;
        bool blank = i == n || s[i] == '\n' || (s[i] == '\r' && (i + 1 == n || s[i + 1] == '\n'));
        if (blank || (cl->hash_comments && s[i] == '#')) return 0;
        cl->row_line = cl->line;
    }
    /* Checked per line rather than per field: one memchr per line is far cheaper. */
    const char *nul = memchr(s, '\0', n);
    if (nul)
        return failf(fd, cl->line, "a NUL byte at byte %zu of the line; is this a text file?",
                     (size_t)(nul - s) + 1);
    if (cl->check_utf8) {
        size_t bad = aidc_utf8_check(s, n);
        if (bad < n)
            return failf(fd, cl->line,
                         "invalid UTF-8 (byte 0x%02X) at byte %zu of the line; save the file as UTF-8",
                         (unsigned)(unsigned char)s[bad], bad + 1);
    }
    cl->row_ends = 0;
    size_t done = csv_parse(p, s, n, on_field, on_record, cl);
    if (cl->failed) return -1;
    if (done != n) {
        int e = csv_error(p);
        if (e == CSV_EPARSE)
            return failf(fd, cl->line,
                         "bad quoting at byte %zu of the line: a field holding '\"' must be "
                         "quoted whole, with each '\"' inside it doubled, like \"a \"\"b\"\"\"",
                         done + 1);
        if (e == CSV_ENOMEM) return failf(fd, cl->line, "out of memory");
        return failf(fd, cl->line, "%s", csv_strerror(e));
    }
    if (cl->row_ends > 1)
        return failf(fd, cl->line,
                     "a carriage return ends a record in the middle of the line; "
                     "use LF or CRLF line endings");
    cl->at_record_start = cl->row_ends > 0;
    return 0;
}

/* Reads the file in chunks and feeds it line by line. A line cut by the end of a chunk is
 * moved to the front of the buffer and completed by the next read. */
static int read_lines(feeder *fd, FILE *f, struct csv_parser *p)
{
    aidc_csvlines *cl = fd->cl;
    size_t cap = READ_CHUNK, len = 0, pos = 0;
    char *buf = malloc(cap);
    if (!buf) return failf(fd, 0, "out of memory");
    int rc = 0;
    bool first = true;
    for (;;) {
        memmove(buf, buf + pos, len - pos);
        len -= pos;
        pos = 0;
        if (len == cap) { /* one line fills the buffer */
            char *b = cap <= SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
            if (!b) {
                rc = failf(fd, cl->line, "out of memory (line longer than %zu bytes)", cap);
                break;
            }
            buf = b;
            cap *= 2;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        if (got == 0 && ferror(f)) {
            rc = failf(fd, 0, "read error: %s", strerror(errno ? errno : EIO));
            break;
        }
        cl->bytes += got;
        len += got;
        if (first) {
            first = false; /* fread fills the buffer, so a BOM is whole in the first read */
            if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) pos = 3;
        }
        char *nl;
        while (rc == 0 && (nl = memchr(buf + pos, '\n', len - pos)) != NULL) {
            size_t n = (size_t)(nl - (buf + pos)) + 1;
            rc = feed_line(fd, p, buf + pos, n);
            pos += n;
            if (rc == 0 && cl->line == UINT32_MAX)
                rc = failf(fd, cl->line, "too many lines (the limit is %" PRIu32 ")", UINT32_MAX);
            cl->line++;
        }
        if (rc != 0) break;
        if (got == 0) { /* end of file: what is left is a last line without '\n' */
            if (pos < len) rc = feed_line(fd, p, buf + pos, len - pos);
            break;
        }
    }
    free(buf);
    return rc;
}

int aidc_csvlines_read(aidc_csvlines *cl, FILE *f, void (*field_fn)(void *, size_t, void *),
                       void (*record_fn)(int, void *), aidc_csvlines_fail_fn *fail, void *data)
{
    cl->line = 1;
    cl->row_line = 1;
    cl->failed = false;
    cl->bytes = 0;
    cl->row_ends = 0;
    cl->at_record_start = true;
    cl->on_field = field_fn;
    cl->on_record = record_fn;
    cl->data = data;
    feeder fd = {cl, fail};
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
        return failf(&fd, 0, "out of memory");
    int rc = read_lines(&fd, f, &p);
    /* csv_fini submits a last record that has no newline, and finds an open quote. */
    if (rc == 0 && csv_fini(&p, on_field, on_record, cl) != 0)
        rc = failf(&fd, cl->row_line,
                   "unterminated quoted field: a '\"' in the record that starts on this line "
                   "is never closed");
    csv_free(&p);
    return rc == 0 && cl->failed ? -1 : rc;
}
