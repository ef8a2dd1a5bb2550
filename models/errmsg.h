/* errmsg — the one way models report bad input: a printf-style message
 * into the caller's buffer (err may be NULL when errlen is 0). */
#ifndef AIDC_MODELS_ERRMSG_H
#define AIDC_MODELS_ERRMSG_H

#include <stddef.h>

/* Writes the message into err (always NUL-terminated); returns -1. */
int aidc_errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
