/* suggest — closest-name lookup for error messages; see suggest.h. */
#include "models/suggest.h"

#include <assert.h>
#include <ctype.h>
#include <string.h>

#define CAP 255

static int same(char x, char y) { return tolower((unsigned char)x) == tolower((unsigned char)y); }

int aidc_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > CAP || lb > CAP) return CAP;
    /* three rows: the previous two and the current (for transpositions) */
    static_assert(CAP < 256, "rows are sized by CAP");
    int rows[3][CAP + 1];
    int *prev2 = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= lb; j++) prev[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int best = prev[j - 1] + !same(a[i - 1], b[j - 1]);
            if (prev[j] + 1 < best) best = prev[j] + 1;
            if (cur[j - 1] + 1 < best) best = cur[j - 1] + 1;
            if (i > 1 && j > 1 && same(a[i - 1], b[j - 2]) && same(a[i - 2], b[j - 1]) &&
                prev2[j - 2] + 1 < best)
                best = prev2[j - 2] + 1; /* "tpd" -> "tdp" is one slip, not two */
            cur[j] = best;
        }
        int *t = prev2;
        prev2 = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb];
}

const char *aidc_suggest(const char *word, const char *const *candidates)
{
    const char *best = NULL;
    int best_d = CAP;
    for (size_t i = 0; candidates[i]; i++) {
        /* within 2 edits, but fewer for short names: every two-letter word is
         * within 2 of "id", and suggesting it would only confuse */
        int limit = (int)strlen(candidates[i]) / 3;
        limit = limit < 1 ? 1 : limit > 2 ? 2 : limit;
        int d = aidc_edit_distance(word, candidates[i]);
        if (d <= limit && d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    return best;
}
