/* suggest — closest-name lookup for error messages; see suggest.h. */
#include "models/suggest.h"

#include <ctype.h>
#include <string.h>

#define CAP 255

int aidc_edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > CAP || lb > CAP) return CAP;
    int row[CAP + 1];
    for (size_t j = 0; j <= lb; j++) row[j] = (int)j;
    for (size_t i = 1; i <= la; i++) {
        int diag = row[0];
        row[0] = (int)i;
        for (size_t j = 1; j <= lb; j++) {
            int up = row[j];
            int cost = tolower((unsigned char)a[i - 1]) != tolower((unsigned char)b[j - 1]);
            int best = diag + cost;
            if (row[j] + 1 < best) best = row[j] + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb] > CAP ? CAP : row[lb];
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
