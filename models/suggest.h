/* suggest — "did you mean" for misspelt names: the closest candidate by edit
 * distance (optimal string alignment, case-insensitive), when close enough. */
#ifndef AIDC_MODELS_SUGGEST_H
#define AIDC_MODELS_SUGGEST_H

#include <stddef.h>

/* Edit distance between a and b (insertions, deletions, substitutions and
 * adjacent transpositions), ignoring ASCII case; 255 for longer strings. */
int aidc_edit_distance(const char *a, const char *b);

/* The candidate closest to word, within min(2, max(1, strlen(candidate)/3))
 * edits, or NULL. candidates is NULL-terminated. */
const char *aidc_suggest(const char *word, const char *const *candidates);

#endif
