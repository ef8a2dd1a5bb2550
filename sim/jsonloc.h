/* jsonloc — source positions for JSON elements, for error messages.
 *
 * Scenario files are parsed with cJSON, which keeps no source positions, yet an input error
 * must name file:line:column. This module rescans the raw text on its own and finds where the
 * element at a key path ("workload.synthetic.gpus.values[2]") starts. Trade-off: a second scan
 * costs O(size of text) per lookup and must mirror cJSON's rules (UTF-8 BOM skipped, every byte
 * from 1 to 32 counted as whitespace, the FIRST of duplicate keys wins), but it is only run on
 * the error path and keeps cJSON unpatched. The scanner is iterative: nesting deeper than 10000
 * levels inside a skipped value makes a lookup fail instead of overflowing the stack.
 *
 * Units: lines and columns are 1-based; a column counts bytes (not UTF-8 characters) from the
 * start of the line; a leading BOM is not counted. Only '\n' ends a line, so a "\r\n" ends it
 * once. Nothing here allocates; the caller owns every buffer.
 */
#ifndef AIDC_SIM_JSONLOC_H
#define AIDC_SIM_JSONLOC_H

#include <stdbool.h>
#include <stddef.h>

typedef struct aidc_text_pos {
    int line; /* 1-based */
    int col;  /* 1-based, in bytes */
} aidc_text_pos;

/* Line and column of byte offset `offset` in NUL-terminated `text`; an offset past the end is
 * clamped to strlen(text), and one inside a leading BOM maps to 1:1. */
aidc_text_pos aidc_jsonloc_offset(const char *text, size_t offset);

/* Finds the element at `path` in the JSON `text` and fills *out. Path syntax: "" is the root,
 * "a.b" walks object keys (matched exactly, after decoding escapes in the text), "a[2]" and
 * "[0].a" index arrays; a key containing '.' or '[' is named as a["b.c"] (such a key
 * cannot contain '"'), and is matched like any other key. With want_key and a path
 * ending in a key, *out is that key's opening quote; otherwise the first byte of the value.
 * Returns false, leaving *out untouched, when the path is malformed, the element does not exist
 * or the text is too broken to walk to it; reads nothing past the terminating NUL. */
bool aidc_jsonloc_find(const char *text, const char *path, bool want_key, aidc_text_pos *out);

/* Copies line `line` (1-based) of `text` into caller-owned `buf` of `n` > 0 bytes, without its
 * "\n" or "\r\n" and truncated to n-1 bytes, always NUL-terminated; a line that does not exist
 * yields "". Returns buf, so the call can sit inside a printf argument list. */
char *aidc_jsonloc_line(const char *text, int line, char *buf, size_t n);

#endif
