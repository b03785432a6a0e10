/* report_request.h - a validated report request (detailed, summary or weekly) from a JSON body
 * or the query string of a GET link, and the workspace context it is checked against.
 * SPDX-License-Identifier: MIT
 */
#ifndef REPORTD_REPORT_REQUEST_H
#define REPORTD_REPORT_REQUEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "api_error.h"
#include "db.h"
#include "format.h"
#include "report_row.h"
#include "tz.h"

enum report_kind { REPORT_DETAILED, REPORT_SUMMARY, REPORT_WEEKLY };

enum export_type { EXPORT_JSON, EXPORT_CSV, EXPORT_XLSX };

enum report_role { REPORT_ROLE_OWNER, REPORT_ROLE_ADMIN, REPORT_ROLE_MEMBER };

/* Named apart from workspace.h's enum so that both headers fit in one file; same order. */
enum report_rounding { REPORT_ROUNDING_NEAREST, REPORT_ROUNDING_UP, REPORT_ROUNDING_DOWN };

/* The caller and the workspace, filled by the HTTP layer from the authenticated key and the
 * workspace row. The parser copies what the report needs into struct report_request. */
struct report_context {
    uint64_t workspace_id;
    char time_zone[TZ_NAME_MAX + 1]; /* the workspace's IANA zone; "" means UTC */
    char currency[4];                /* ISO 4217 code, e.g. "EUR" */
    int week_start;                  /* 0 = Monday .. 6 = Sunday */
    enum report_rounding rounding_mode;
    int rounding_minutes;            /* 0 turns rounding off even when a request asks for it */
    uint64_t user_id;                /* the key's user */
    enum report_role role;
    int page_size_max;               /* 1000 by default */
    int ids_max;                     /* ids in one filter; 1000 by default */
    int range_max_days;              /* 0 = unlimited */
};

enum filter_contains { FILTER_CONTAINS, FILTER_DOES_NOT_CONTAIN, FILTER_CONTAINS_ONLY };

enum filter_status {
    FILTER_STATUS_ALL,
    FILTER_STATUS_ACTIVE,
    FILTER_STATUS_ARCHIVED,
    FILTER_STATUS_INACTIVE,
    FILTER_STATUS_DONE,
};

/* A filter on one dimension. It applies only when ids is not empty or none is set (an empty id
 * list means no filter). The ids are sorted and free of duplicates. CONTAINS_ONLY is accepted
 * for tags only. status narrows which of the listed ids count (ACTIVE/ARCHIVED for projects,
 * clients and tags, ACTIVE/INACTIVE for users, ACTIVE/DONE for tasks). */
struct id_filter {
    uint64_t *ids;
    size_t count;
    bool none; /* "NONE" or null was listed: entries without one match */
    enum filter_contains contains;
    enum filter_status status;
};

enum billable_filter { BILLABLE_ANY, BILLABLE_YES, BILLABLE_NO };

enum approval_filter { APPROVAL_ALL, APPROVAL_APPROVED, APPROVAL_UNAPPROVED };

enum invoicing_filter { INVOICING_ALL, INVOICING_INVOICED, INVOICING_UNINVOICED };

enum sort_order { SORT_ASCENDING, SORT_DESCENDING };

enum detailed_sort { DETAILED_SORT_DATE, DETAILED_SORT_USER, DETAILED_SORT_DURATION,
                     DETAILED_SORT_DESCRIPTION, DETAILED_SORT_ID };

enum summary_group {
    SUMMARY_GROUP_PROJECT,
    SUMMARY_GROUP_CLIENT,
    SUMMARY_GROUP_USER,
    SUMMARY_GROUP_USER_GROUP,
    SUMMARY_GROUP_TASK,
    SUMMARY_GROUP_TAG,
    SUMMARY_GROUP_DATE,
    SUMMARY_GROUP_WEEK,
    SUMMARY_GROUP_MONTH,
    SUMMARY_GROUP_TIMEENTRY,
};

enum summary_sort { SUMMARY_SORT_GROUP, SUMMARY_SORT_DURATION, SUMMARY_SORT_AMOUNT };

enum weekly_group { WEEKLY_GROUP_USER, WEEKLY_GROUP_PROJECT };

enum weekly_subgroup { WEEKLY_SUBGROUP_TIME, WEEKLY_SUBGROUP_EARNED, WEEKLY_SUBGROUP_COST,
                       WEEKLY_SUBGROUP_PROFIT };

#define REPORT_GROUPS_MAX 3
#define REPORT_DESCRIPTION_MAX 3000 /* bytes of the description filter */
#define REPORT_QUERY_MAX 65536      /* bytes of a GET query string */

struct report_request {
    enum report_kind kind;
    enum export_type export_type;

    /* Copied from struct report_context so that the request alone drives a report. */
    uint64_t workspace_id;
    char currency[4];
    enum report_rounding rounding_mode;
    int rounding_minutes;
    uint64_t member_user_id; /* non-zero for a MEMBER key: only this user's entries */

    /* UTC seconds, both inclusive; an entry belongs when its start lies inside. */
    int64_t start;
    int64_t end;
    char time_zone[TZ_NAME_MAX + 1];
    int week_start; /* 0 = Monday .. 6 = Sunday */

    struct id_filter users;
    struct id_filter user_groups;
    struct id_filter clients;
    struct id_filter projects;
    struct id_filter tasks;
    struct id_filter tags; /* contains may be CONTAINS_ONLY */

    enum billable_filter billable;
    char *description;        /* substring filter, NULL when absent or empty */
    bool without_description; /* keep only entries with an empty description */
    enum approval_filter approval;
    enum invoicing_filter invoicing;
    bool rounding; /* apply rounding_mode/rounding_minutes to each entry */
    enum amount_kind amounts;
    enum sort_order sort_order;

    struct {
        int page;      /* 1-based */
        int page_size; /* 1..page_size_max, default 50 */
        enum detailed_sort sort_column;
        bool totals; /* CALCULATE (default) or EXCLUDE */
    } detailed;

    struct {
        enum summary_group groups[REPORT_GROUPS_MAX];
        int group_count; /* 1..3 */
        enum summary_sort sort_column;
    } summary;

    struct {
        enum weekly_group group;
        enum weekly_subgroup subgroup;
    } weekly;

    struct format_options format;
};

/* Parses a JSON request body of len bytes for a report of kind, against ctx. Unknown fields are
 * ignored; a known field with a wrong type or value, missing dates, reversed dates, an unknown
 * time zone, too many ids or a range over ctx->range_max_days fail with status 400, err->field
 * set to the JSON path (e.g. "detailedFilter.pageSize", "users.ids[3]") and a message that says
 * how to fix it. On success returns 0 and r owns memory that report_request_free releases; on
 * failure returns -1 and r holds nothing to free (freeing it anyway is safe). */
int report_request_parse_json(struct report_request *r, enum report_kind kind, const char *body,
                              size_t len, const struct report_context *ctx,
                              struct api_error *err);

/* Parses the query string of a GET link (without the '?') for a report of kind exported as
 * type. Parameters: start, end (a bare date YYYY-MM-DD covers the whole day in tz), tz, users,
 * userGroups, projects, clients, tasks, tags (comma-separated ids, NONE allowed), billable,
 * description, groups, group, subgroup, sort, order, page, pageSize, rounding, amounts,
 * approvalState, invoicingState, dateFormat, timeFormat, durationFormat, csvDelimiter,
 * decimalSeparator, bom. Values are percent-decoded and '+' means a space. Errors name the
 * parameter in err->field. Same ownership rules as report_request_parse_json. */
int report_request_parse_query(struct report_request *r, enum report_kind kind,
                               enum export_type type, const char *query_string,
                               const struct report_context *ctx, struct api_error *err);

/* Releases what a parser allocated and zeroes r. Safe on a zeroed or already freed request. */
void report_request_free(struct report_request *r);

/* Checks that every id of every filter exists in r's workspace (one prepared statement per
 * filter kind). Returns 0; or -1 with a 400 naming the filter ("projects.ids") and the first
 * unknown id; or -1 with status 500/503 when the database fails. */
int report_request_check_ids(struct db *db, const struct report_request *r,
                             struct api_error *err);

/* Names used in messages and JSON output ("EARNED", "DATE" ...). */
const char *report_amount_name(enum amount_kind kind);

#endif
