/* azure — Azure LLM inference traces (github.com/Azure/AzurePublicDataset,
 * AzureLLMInferenceTrace_{code,conv}.csv; Patel et al., "Splitwise", ISCA'24): one request
 * per row, TIMESTAMP ("2023-11-16 18:17:03.9799600", no zone), ContextTokens (prompt),
 * GeneratedTokens (output).
 *
 * They become an inference request stream, aidcsim's input format for inference services:
 *
 *     # '#' lines: comments (the converter writes its report there)
 *     arrival_s,prompt_tokens,output_tokens
 *     0,4808,10
 *     0.052,3180,8
 *
 * arrival_s: seconds since the stream's first request (decimal, exact to the nanosecond,
 * rows in the source's order, which is by arrival); prompt_tokens: tokens to prefill;
 * output_tokens: tokens to decode. Both integers >= 0. */
#ifndef AIDC_TOOLS_TRACES_AZURE_H
#define AIDC_TOOLS_TRACES_AZURE_H

#include "tools/traces/common.h"

int aidc_tr_azure(aidc_tr_conv *c, const char *path);

#endif
