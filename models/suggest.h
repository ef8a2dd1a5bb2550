/* suggest — "did you mean" for misspelt names: the closest candidate by edit
 * distance (Levenshtein, case-insensitive), when it is close enough to help. */
#ifndef AIDC_MODELS_SUGGEST_H
#define AIDC_MODELS_SUGGEST_H

#include <stddef.h>

/* Edit distance between a and b, ignoring ASCII case; capped at 255. */
int aidc_edit_distance(const char *a, const char *b);

/* The candidate closest to word, within min(2, max(1, strlen(candidate)/3))
 * edits, or NULL. candidates is NULL-terminated. */
const char *aidc_suggest(const char *word, const char *const *candidates);

#endif
