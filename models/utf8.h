/* utf8 — is this text well-formed UTF-8?
 *
 * Inputs (scenario JSON, trace CSV) are UTF-8 text; names read from them end up in summary.json
 * and jobs.csv, so a malformed byte sequence must be refused where it is read, with its place,
 * rather than copied into outputs that other tools then fail to parse. "Well-formed" follows
 * RFC 3629: no overlong forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF. */
#ifndef AIDC_MODELS_UTF8_H
#define AIDC_MODELS_UTF8_H

#include <stddef.h>

/* Offset of the first byte of the first malformed sequence in s[0..n), or n when all of it is
 * well-formed. A sequence cut short by the end of the buffer is malformed. */
size_t aidc_utf8_check(const char *s, size_t n);

#endif
