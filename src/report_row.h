/* report_row.h - one time entry of a report, resolved and ready for any writer.
 * SPDX-License-Identifier: MIT
 */
#ifndef REPORTD_REPORT_ROW_H
#define REPORTD_REPORT_ROW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tz.h"

/* Which money columns a report shows. */
enum amount_kind { AMOUNT_EARNED, AMOUNT_COST, AMOUNT_PROFIT, AMOUNT_HIDE };

/* A row borrows every string from the report's dimension tables and fetch buffers: it is
 * valid only during the callback that receives it. Ids are 0 where the entry has none. */
struct report_row {
    uint64_t id;
    const char *description;
    size_t description_len;
    uint64_t user_id;
    const char *user_name;
    const char *user_email;      /* "" when unknown */
    const char *group_names;     /* user's groups joined with ", " ("" when none) */
    uint64_t project_id;
    const char *project_name;    /* "" when none */
    const char *project_color;
    uint64_t client_id;
    const char *client_name;
    uint64_t task_id;
    const char *task_name;
    size_t tag_count;
    const uint64_t *tag_ids;
    const char *const *tag_names;
    const char *tags_joined;     /* tag names joined with ", " */
    bool billable;
    bool running;                /* no end yet; only archives contain such rows */
    int64_t start;               /* UTC seconds */
    int64_t end;                 /* UTC seconds; equals start while running */
    struct tz_local start_local; /* in the report's zone */
    struct tz_local end_local;
    int64_t duration;            /* seconds, after rounding when the report asks for it */
    int64_t hourly_rate;         /* cents per hour */
    int64_t cost_rate;
    int64_t earned;              /* cents */
    int64_t cost;
    int64_t profit;
    bool approved;
    bool invoiced;
};

#endif
