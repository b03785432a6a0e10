/* fuzz_request_json.c - libFuzzer target: any bytes as the JSON body of all three report
 * kinds, for an OWNER and a MEMBER key; every result must keep report_request_parse_json's
 * contract (fuzz_common.h).
 * SPDX-License-Identifier: MIT
 */
#include <stddef.h>
#include <stdint.h>

#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum report_kind kinds[] = {REPORT_DETAILED, REPORT_SUMMARY, REPORT_WEEKLY};

    /* The HTTP layer caps bodies at 1 MiB; larger inputs only slow the search down. */
    if (size > (1u << 20))
        return 0;
    for (int member = 0; member < 2; member++) {
        struct report_context ctx;
        fuzz_context_fill(&ctx, member);
        for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
            struct report_request r;
            struct api_error err = {0};
            int parsed = report_request_parse_json(&r, kinds[k], (const char *)data, size, &ctx,
                                                   &err);
            fuzz_check_result(parsed, &r, &ctx, &err);
            report_request_free(&r);
        }
    }
    return 0;
}
