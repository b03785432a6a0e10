/* fuzz_request_query.c - libFuzzer target: any bytes as the query string of a GET link, for
 * every report kind and export type. Every result must keep report_request_parse_query's
 * contract (fuzz_common.h).
 * SPDX-License-Identifier: MIT
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum report_kind kinds[] = {REPORT_DETAILED, REPORT_SUMMARY, REPORT_WEEKLY};
    static const enum export_type types[] = {EXPORT_JSON, EXPORT_CSV, EXPORT_XLSX};

    /* Past REPORT_QUERY_MAX the parser only returns 414, so a little more covers that branch. */
    if (size > REPORT_QUERY_MAX + 16)
        return 0;
    /* FastCGI parameters are C strings, so the query reaches the parser cut at its first NUL. */
    char *query = malloc(size + 1);
    if (query == NULL)
        return 0;
    memcpy(query, data, size);
    query[size] = '\0';

    struct report_context ctx;
    fuzz_context_fill(&ctx, size > 0 && (data[0] & 1));
    for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
        for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++) {
            struct report_request r;
            struct api_error err = {0};
            int parsed = report_request_parse_query(&r, kinds[k], types[t], query, &ctx, &err);
            fuzz_check_result(parsed, &r, &ctx, &err);
            if (parsed == 0 && r.export_type != types[t])
                abort();
            report_request_free(&r);
        }
    }
    free(query);
    return 0;
}
