/* jsonloc — see jsonloc.h. Every scanner below takes a pointer into a NUL-terminated text and
 * returns the pointer just past what it consumed, or NULL when the text is not JSON there.
 * Each one looks at a byte only after checking that the byte before it was not NUL, which is
 * what keeps arbitrary (truncated, binary) input from reading past the end. */
#include "sim/jsonloc.h"

#include <assert.h>
#include <stdint.h>
#include <string.h>

/* Skipping a value keeps one bit per open bracket; this bounds that bit stack. */
#define MAX_DEPTH 10000

static size_t bom_len(const char *text)
{
    const unsigned char *u = (const unsigned char *)text;
    return (u[0] == 0xEF && u[1] == 0xBB && u[2] == 0xBF) ? 3 : 0;
}

/* cJSON treats every byte from 1 to 32 as whitespace, not just the four JSON allows; a file it
 * accepted must be walkable here too. */
static const char *skip_ws(const char *p)
{
    while (*p != '\0' && (unsigned char)*p <= ' ')
        p++;
    return p;
}

/* p is at the opening quote. Like cJSON, control bytes inside strings are tolerated. */
static const char *skip_string(const char *p)
{
    assert(*p == '"');
    for (p++; *p != '"'; p++) {
        if (*p == '\0') return NULL;
        if (*p == '\\' && *++p == '\0') return NULL;
    }
    return p + 1;
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Numbers as cJSON reads them (it hands the run to strtod), which is looser than JSON: "01",
 * "1." and "-.5" pass. A bare exponent ("1e") ends the number before the 'e', which the caller
 * then rejects as garbage, as cJSON does. */
static const char *skip_number(const char *p)
{
    if (*p == '-') p++;
    bool any_digit = is_digit(*p);
    while (is_digit(*p))
        p++;
    if (*p == '.') {
        any_digit |= is_digit(*++p);
        while (is_digit(*p))
            p++;
    }
    if (!any_digit) return NULL;
    if (*p == 'e' || *p == 'E') {
        const char *e = p++;
        if (*p == '+' || *p == '-') p++;
        if (!is_digit(*p)) return e;
        while (is_digit(*p))
            p++;
    }
    return p;
}

/* Strings, numbers and literals; strncmp stops at the NUL, so short texts are safe. */
static const char *skip_scalar(const char *p)
{
    if (*p == '"') return skip_string(p);
    if (*p == '-' || is_digit(*p)) return skip_number(p);
    if (strncmp(p, "true", 4) == 0 || strncmp(p, "null", 4) == 0) return p + 4;
    if (strncmp(p, "false", 5) == 0) return p + 5;
    return NULL;
}

/* Consumes `"key" :` and the whitespace after it, leaving p at the member's value. */
static const char *skip_member_key(const char *p)
{
    if (*p != '"') return NULL;
    p = skip_string(p);
    if (p == NULL) return NULL;
    p = skip_ws(p);
    if (*p != ':') return NULL;
    return skip_ws(p + 1);
}

/* Skips one complete value starting at p (no leading whitespace) without recursion: a bit
 * per open bracket records whether it is an object, so closers and member keys are checked. */
static const char *skip_value(const char *p)
{
    unsigned char is_obj[MAX_DEPTH / 8 + 1];
    int depth = 0;

    for (;;) {
        /* p is where a value must start. */
        if (*p == '{' || *p == '[') {
            if (depth >= MAX_DEPTH) return NULL;
            bool obj = *p == '{';
            if (obj)
                is_obj[depth / 8] |= (unsigned char)(1u << (depth % 8));
            else
                is_obj[depth / 8] &= (unsigned char)~(1u << (depth % 8));
            depth++;
            p = skip_ws(p + 1);
            if (*p != (obj ? '}' : ']')) {
                if (obj && (p = skip_member_key(p)) == NULL) return NULL;
                continue;
            }
            p++; /* an empty container is a complete value: pop it, then try the closers */
            depth--;
        } else {
            p = skip_scalar(p);
            if (p == NULL) return NULL;
        }

        /* A value just ended: close containers until one continues with a comma. */
        for (;;) {
            if (depth == 0) return p;
            bool obj = (is_obj[(depth - 1) / 8] >> ((depth - 1) % 8)) & 1u;
            p = skip_ws(p);
            if (*p == ',') {
                p = skip_ws(p + 1);
                if (obj && (p = skip_member_key(p)) == NULL) return NULL;
                break;
            }
            if (*p != (obj ? '}' : ']')) return NULL;
            p++;
            depth--;
        }
    }
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Reads the 4 hex digits after "\u" at p; -1 if any is missing (a NUL is not a hex digit, so
 * the && chain never reads past it). */
static long read_hex4(const char *p)
{
    long v = 0;
    for (int i = 0; i < 4; i++) {
        int h = hex_value(p[i]);
        if (h < 0) return -1;
        v = v * 16 + h;
    }
    return v;
}

/* Decodes the escape at *pp (at the backslash) into out as UTF-8, the way cJSON stores it, and
 * advances *pp past it. Returns the byte count, 0 for an escape cJSON would reject. */
static size_t decode_escape(const char **pp, unsigned char out[4])
{
    const char *p = *pp + 1;
    static const char from[] = "\"\\/bfnrt";
    static const char to[] = "\"\\/\b\f\n\r\t";
    const char *hit = *p != '\0' ? strchr(from, *p) : NULL;
    if (hit != NULL) {
        out[0] = (unsigned char)to[hit - from];
        *pp = p + 1;
        return 1;
    }
    if (*p != 'u') return 0;

    long cp = read_hex4(p + 1);
    if (cp < 0 || (cp >= 0xDC00 && cp <= 0xDFFF)) return 0;
    p += 5;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (p[0] != '\\' || p[1] != 'u') return 0;
        long lo = read_hex4(p + 2);
        if (lo < 0xDC00 || lo > 0xDFFF) return 0;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        p += 6;
    }
    *pp = p;
    if (cp < 0x80) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (unsigned char)(0xC0 | (cp >> 6));
        out[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (unsigned char)(0xE0 | (cp >> 12));
        out[1] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (unsigned char)(0xF0 | (cp >> 18));
    out[1] = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Compares the JSON string at quote (already known to be terminated) with name[0..len), after
 * decoding escapes, so a key written "gp\u0075s" is found as "gpus" just as cJSON sees it. */
static bool key_equals(const char *quote, const char *name, size_t len)
{
    const char *p = quote + 1;
    size_t i = 0;
    while (*p != '"') {
        unsigned char bytes[4];
        size_t n = 1;
        if (*p == '\\') {
            n = decode_escape(&p, bytes);
            if (n == 0) return false;
        } else {
            bytes[0] = (unsigned char)*p++;
        }
        if (n > len - i || memcmp(name + i, bytes, n) != 0) return false;
        i += n;
    }
    return i == len;
}

/* p is at an object's value; moves it to the value of the first member named name[0..len) and
 * sets *key to that member's opening quote. */
static const char *find_member(const char *p, const char *name, size_t len, const char **key)
{
    if (*p != '{') return NULL;
    p = skip_ws(p + 1);
    for (;;) {
        if (*p != '"') return NULL; /* also an empty object or a trailing comma */
        const char *quote = p;
        p = skip_member_key(p);
        if (p == NULL) return NULL;
        /* First match wins, because cJSON's lookups return the first duplicate. */
        if (key_equals(quote, name, len)) {
            *key = quote;
            return p;
        }
        p = skip_value(p);
        if (p == NULL) return NULL;
        p = skip_ws(p);
        if (*p != ',') return NULL; /* '}' means absent; anything else is broken text */
        p = skip_ws(p + 1);
    }
}

/* p is at an array's value; moves it to element `index`. */
static const char *find_element(const char *p, size_t index)
{
    if (*p != '[') return NULL;
    p = skip_ws(p + 1);
    if (*p == ']') return NULL;
    for (size_t i = 0; i < index; i++) {
        p = skip_value(p);
        if (p == NULL) return NULL;
        p = skip_ws(p);
        if (*p != ',') return NULL;
        p = skip_ws(p + 1);
    }
    return p;
}

bool aidc_jsonloc_find(const char *text, const char *path, bool want_key, aidc_text_pos *out)
{
    assert(text != NULL && path != NULL && out != NULL);
    const char *p = skip_ws(text + bom_len(text));
    const char *key = NULL;
    const char *seg = path;

    while (*seg != '\0') {
        key = NULL;
        if (seg[0] == '[' && seg[1] == '"') {
            /* ["a.b"]: a key that holds '.' or '[' (compare's metric paths) */
            const char *name = seg + 2;
            size_t len = strcspn(name, "\"");
            if (name[len] != '"' || name[len + 1] != ']') return false;
            p = find_member(p, name, len, &key);
            seg = name + len + 2;
        } else if (*seg == '[') {
            size_t index = 0;
            seg++;
            if (!is_digit(*seg)) return false;
            for (; is_digit(*seg); seg++) {
                size_t d = (size_t)(*seg - '0');
                if (index > (SIZE_MAX - d) / 10) return false;
                index = index * 10 + d;
            }
            if (*seg++ != ']') return false;
            p = find_element(p, index);
        } else {
            /* A key follows the start of the path or a '.'; never a ']' directly. */
            if (seg != path) {
                if (seg[-1] == ']' && *seg != '.') return false;
                if (*seg == '.') seg++;
            }
            size_t len = strcspn(seg, ".[");
            if (len == 0) return false;
            p = find_member(p, seg, len, &key);
            seg += len;
        }
        if (p == NULL) return false;
    }

    /* The element is only located, not validated: a truncated or broken value still has a
     * useful start, but a member or element with no value at all ("a": }) has none. */
    if (*p == '\0' || strchr("{[\"-0123456789tfn", *p) == NULL) return false;
    const char *at = (want_key && key != NULL) ? key : p;
    *out = aidc_jsonloc_offset(text, (size_t)(at - text));
    return true;
}

aidc_text_pos aidc_jsonloc_offset(const char *text, size_t offset)
{
    assert(text != NULL);
    aidc_text_pos pos = {1, 1};
    /* Editors hide the BOM, so columns on line 1 start after it. */
    size_t i = bom_len(text);
    for (; i < offset && text[i] != '\0'; i++) {
        if (text[i] == '\n') {
            pos.line++;
            pos.col = 1;
        } else {
            pos.col++;
        }
    }
    return pos;
}

char *aidc_jsonloc_line(const char *text, int line, char *buf, size_t n)
{
    assert(text != NULL && buf != NULL && n > 0);
    buf[0] = '\0';
    if (line < 1) return buf;
    const char *p = text + bom_len(text);
    for (int l = 1; l < line; l++) {
        p = strchr(p, '\n');
        if (p == NULL) return buf;
        p++;
    }
    size_t len = strcspn(p, "\n");
    if (len > 0 && p[len - 1] == '\r') len--; /* a CR would send the cursor home */
    if (len > n - 1) len = n - 1;
    memcpy(buf, p, len);
    buf[len] = '\0';
    return buf;
}
