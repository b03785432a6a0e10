/* fuzz_common.h - what the report request fuzz targets share: a fixed workspace context (no
 * database) and the checks every parse result must pass.
 * SPDX-License-Identifier: MIT
 */
#ifndef REPORTD_FUZZ_COMMON_H
#define REPORTD_FUZZ_COMMON_H

#include "api_error.h"
#include "report_request.h"

/* Fills ctx with the constants of one workspace: zone Europe/Berlin, EUR, rounding to 15
 * minutes, the default limits (page size 1000, 1000 ids, unlimited range). member selects a
 * MEMBER key of user 7; otherwise the key is an OWNER's. */
void fuzz_context_fill(struct report_context *ctx, int member);

/* Aborts (so libFuzzer keeps the input) when a parse result breaks its contract: on success,
 * start <= end, page and page size in range, every id filter sorted, free of duplicates, of
 * positive ids and at most ctx->ids_max long, the MEMBER restriction copied; on failure, a 4xx
 * status (500 only for out of memory) and a non-empty message. parsed is the parser's return. */
void fuzz_check_result(int parsed, const struct report_request *r,
                       const struct report_context *ctx, const struct api_error *err);

#endif
