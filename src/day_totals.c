/* day_totals.c - recomputes the per-day entry totals of a workspace from its entries.
 * SPDX-License-Identifier: MIT
 *
 * The sums use the expressions of report_query.c with rounding off, so the totals a report
 * reads from these tables equal the ones it would compute from the entries.
 */
#include "day_totals.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "report_query.h"

/* The widest DATETIME range, for a rebuild of every day. */
#define DAY_TOTALS_FIRST (-30610224000LL) /* 1000-01-01 00:00:00 UTC */
#define DAY_TOTALS_LAST 253402300799LL    /* 9999-12-31 23:59:59 UTC */

/* Appends the SELECT of the per-user rows: workspace, user, day, entries, seconds, billable
 * seconds, earned and cost cents, for the days bound as the 2nd and 3rd parameters. */
static void append_user_day_select(struct report_sql *sql)
{
    struct report_request plain;

    memset(&plain, 0, sizeof(plain));
    report_sql_append(sql, "SELECT e.workspace_id, e.user_id, DATE(e.start_at), COUNT(*), SUM(");
    report_query_duration_expr(&plain, sql);
    report_sql_append(sql, "), SUM(CASE WHEN e.billable = 1 THEN ");
    report_query_duration_expr(&plain, sql);
    report_sql_append(sql, " ELSE 0 END), SUM(");
    report_query_earned_expr(&plain, sql);
    report_sql_append(sql, "), SUM(");
    report_query_cost_expr(&plain, sql);
    report_sql_append(sql, ") FROM time_entries e WHERE e.workspace_id = ? "
                           "AND e.start_at BETWEEN DATE(?) AND TIMESTAMP(DATE(?), '23:59:59') "
                           "AND e.end_at IS NOT NULL GROUP BY e.user_id, DATE(e.start_at)");
}

/* Runs sql with the parameters (workspace, from, to). */
static int run_for_days(struct db *db, const char *sql, uint64_t workspace_id, int64_t from_utc,
                        int64_t to_utc)
{
    struct db_params params;
    int result = -1;

    db_params_init(&params);
    if (db_params_add_u64(&params, workspace_id) != 0 ||
        db_params_add_datetime(&params, from_utc) != 0 ||
        db_params_add_datetime(&params, to_utc) != 0) {
        snprintf(db->error, sizeof(db->error), "out of memory");
        goto out;
    }
    result = db_run(db, sql, &params, NULL, NULL);
out:
    db_params_free(&params);
    return result;
}

static int lock_workspace(struct db *db, uint64_t workspace_id)
{
    struct db_params params;
    uint64_t id;

    db_params_init(&params);
    int found =
        db_params_add_u64(&params, workspace_id) == 0
            ? db_fetch_u64(db, "SELECT id FROM workspaces WHERE id = ? FOR UPDATE", &params, &id)
            : -1;
    db_params_free(&params);
    if (found == 0)
        snprintf(db->error, sizeof(db->error), "workspace %llu does not exist",
                 (unsigned long long)workspace_id);
    return found == 1 ? 0 : -1;
}

int day_totals_refresh(struct db *db, uint64_t workspace_id, int64_t from_utc, int64_t to_utc)
{
    struct report_sql insert_users;
    int result = -1;

    report_sql_init(&insert_users);
    report_sql_append(&insert_users, "INSERT INTO entry_totals_by_user_day (workspace_id, "
                                     "user_id, day, entries, seconds, billable_seconds, earned, "
                                     "cost) ");
    append_user_day_select(&insert_users);
    if (insert_users.failed) {
        snprintf(db->error, sizeof(db->error), "out of memory");
        goto out;
    }

    if (lock_workspace(db, workspace_id) != 0)
        goto out;
    if (run_for_days(db,
                     "DELETE FROM entry_totals_by_user_day WHERE workspace_id = ? "
                     "AND day BETWEEN DATE(?) AND DATE(?)",
                     workspace_id, from_utc, to_utc) != 0 ||
        run_for_days(db, insert_users.text, workspace_id, from_utc, to_utc) != 0)
        goto out;

    /* The day rows add up the user rows just written. */
    if (run_for_days(db,
                     "DELETE FROM entry_totals_by_day WHERE workspace_id = ? "
                     "AND day BETWEEN DATE(?) AND DATE(?)",
                     workspace_id, from_utc, to_utc) != 0 ||
        run_for_days(db,
                     "INSERT INTO entry_totals_by_day (workspace_id, day, entries, seconds, "
                     "billable_seconds, earned, cost) SELECT workspace_id, day, SUM(entries), "
                     "SUM(seconds), SUM(billable_seconds), SUM(earned), SUM(cost) "
                     "FROM entry_totals_by_user_day WHERE workspace_id = ? "
                     "AND day BETWEEN DATE(?) AND DATE(?) GROUP BY day",
                     workspace_id, from_utc, to_utc) != 0)
        goto out;
    result = 0;
out:
    report_sql_free(&insert_users);
    return result;
}

int day_totals_rebuild(struct db *db, uint64_t workspace_id)
{
    return day_totals_refresh(db, workspace_id, DAY_TOTALS_FIRST, DAY_TOTALS_LAST);
}
