/* Azure LLM inference traces to request streams; see azure.h. */
#include "tools/traces/azure.h"

#include "tools/traces/table.h"

enum { Z_TIME, Z_PROMPT, Z_OUTPUT, N_Z };

static const aidc_tr_col cols[N_Z] = {
    [Z_TIME] = {"TIMESTAMP", true},
    [Z_PROMPT] = {"ContextTokens", true},
    [Z_OUTPUT] = {"GeneratedTokens", true},
};

static int row(aidc_tr_conv *c, void *ctx, const aidc_tr_row *r)
{
    (void)ctx;
    aidc_tr_request q;
    if (aidc_tr_get_datetime(c, r, Z_TIME, &q.arrival_ns) != 0 ||
        aidc_tr_get_int(c, r, Z_PROMPT, 0, INT64_C(1000000000), &q.prompt_tokens) != 0 ||
        aidc_tr_get_int(c, r, Z_OUTPUT, 0, INT64_C(1000000000), &q.output_tokens) != 0)
        return -1;
    return aidc_tr_add_request(c, &q);
}

int aidc_tr_azure(aidc_tr_conv *c, const char *path)
{
    return aidc_tr_table_read(c, path, cols, N_Z, AIDC_TR_HEADER, false, true, row, NULL);
}
