/* fuzz_common.c - the fixed context and the result checks of the report request fuzz targets.
 * SPDX-License-Identifier: MIT
 */
#include "fuzz_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Prints why the result is wrong and aborts, which libFuzzer reports as a crash. */
static void fuzz_fail(const char *what, const struct api_error *err)
{
    fprintf(stderr, "contract broken: %s (status %d, field \"%s\", message \"%s\")\n", what,
            err->status, err->field, err->message);
    abort();
}

void fuzz_context_fill(struct report_context *ctx, int member)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->workspace_id = 3;
    snprintf(ctx->time_zone, sizeof(ctx->time_zone), "%s", "Europe/Berlin");
    snprintf(ctx->currency, sizeof(ctx->currency), "%s", "EUR");
    ctx->week_start = 0;
    ctx->rounding_mode = REPORT_ROUNDING_NEAREST;
    ctx->rounding_minutes = 15;
    ctx->user_id = 7;
    ctx->role = member ? REPORT_ROLE_MEMBER : REPORT_ROLE_OWNER;
    ctx->page_size_max = 1000;
    ctx->ids_max = 1000;
    ctx->range_max_days = 0;
}

static void fuzz_check_filter(const struct id_filter *filter, const struct report_context *ctx,
                              const struct api_error *err)
{
    if (filter->count > (size_t)ctx->ids_max)
        fuzz_fail("a filter holds more ids than ids_max", err);
    if (filter->count > 0 && filter->ids == NULL)
        fuzz_fail("a filter counts ids but has no array", err);
    for (size_t i = 0; i < filter->count; i++) {
        if (filter->ids[i] == 0)
            fuzz_fail("a filter holds the id 0", err);
        if (i > 0 && filter->ids[i - 1] >= filter->ids[i])
            fuzz_fail("filter ids are not sorted and unique", err);
    }
}

void fuzz_check_result(int parsed, const struct report_request *r,
                       const struct report_context *ctx, const struct api_error *err)
{
    if (parsed != 0) {
        if (parsed != -1)
            fuzz_fail("the parser returned neither 0 nor -1", err);
        if (err->status < 400 || (err->status > 499 && err->status != 500))
            fuzz_fail("a rejected request has no 4xx status", err);
        if (err->status == 500 && strstr(err->message, "out of memory") == NULL)
            fuzz_fail("a rejected request got a 500 that is not out of memory", err);
        if (err->message[0] == '\0')
            fuzz_fail("a rejected request has an empty message", err);
        return;
    }
    if (r->start > r->end)
        fuzz_fail("an accepted range ends before it starts", err);
    if (r->detailed.page < 1 || r->detailed.page_size < 1 ||
        r->detailed.page_size > ctx->page_size_max)
        fuzz_fail("page or page size out of range", err);
    if (r->summary.group_count < 1 || r->summary.group_count > REPORT_GROUPS_MAX)
        fuzz_fail("summary group count out of range", err);
    if (r->description != NULL &&
        (r->description[0] == '\0' || strlen(r->description) > REPORT_DESCRIPTION_MAX))
        fuzz_fail("description empty or over its limit", err);
    if (r->workspace_id != ctx->workspace_id)
        fuzz_fail("the workspace id was not copied from the context", err);
    if (ctx->role == REPORT_ROLE_MEMBER && r->member_user_id != ctx->user_id)
        fuzz_fail("a MEMBER request lost its user restriction", err);
    if (ctx->role != REPORT_ROLE_MEMBER && r->member_user_id != 0)
        fuzz_fail("an OWNER request got a user restriction", err);
    if (!tz_valid(r->time_zone))
        fuzz_fail("an accepted request names an invalid time zone", err);

    const struct id_filter *filters[] = {&r->users, &r->user_groups, &r->clients,
                                         &r->projects, &r->tasks, &r->tags};
    for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
        fuzz_check_filter(filters[i], ctx, err);
        if (filters[i] != &r->tags && filters[i]->contains == FILTER_CONTAINS_ONLY)
            fuzz_fail("CONTAINS_ONLY accepted outside tags", err);
    }
}
