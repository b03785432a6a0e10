/* report_day_totals.c - totals and page offsets of a detailed report from the per-day totals.
 * SPDX-License-Identifier: MIT
 */
#include "report_day_totals.h"

#include <string.h>

#include "civil.h"
#include "report_query.h"

#define DAY_SECONDS 86400

/* A request range cut at UTC midnights. [whole_start, whole_end) are whole days, possibly none,
 * and the edges [r->start, whole_start) and [whole_end, r->end] contain the rest. */
struct day_split {
    int64_t whole_start;
    int64_t whole_end;
    bool have_days;
};

/* The UTC midnight at or before utc. */
static int64_t floor_day(int64_t utc)
{
    return civil_floor_div(utc, DAY_SECONDS) * DAY_SECONDS;
}

static struct day_split split_range(const struct report_request *r)
{
    struct day_split s;
    int64_t first = floor_day(r->start);

    s.whole_start = first == r->start ? first : first + DAY_SECONDS;
    s.whole_end = floor_day(r->end + 1); /* r->end is inclusive */
    s.have_days = s.whole_start < s.whole_end;
    if (!s.have_days) {
        s.whole_start = r->end + 1;
        s.whole_end = r->end + 1;
    }
    return s;
}

static bool id_filter_on(const struct id_filter *f)
{
    return f->count > 0 || f->none;
}

bool report_day_totals_usable(const struct report_request *r)
{
    if (r->rounding && r->rounding_minutes > 0)
        return false;
    if (id_filter_on(&r->users) && (r->users.count == 0 || r->users.status != FILTER_STATUS_ALL))
        return false;
    return !id_filter_on(&r->user_groups) && !id_filter_on(&r->clients) &&
           !id_filter_on(&r->projects) && !id_filter_on(&r->tasks) && !id_filter_on(&r->tags) &&
           r->billable == BILLABLE_ANY && r->description == NULL && !r->without_description &&
           r->approval == APPROVAL_ALL && r->invoicing == INVOICING_ALL;
}

/* Appends "FROM <table> WHERE ..." for the whole days of s and r's user restrictions. The
 * per-day table serves requests without one; the per-user table the rest. */
static int append_days_from(const struct report_request *r, const struct day_split *s,
                            struct report_sql *sql, struct db_params *params)
{
    bool per_user = r->member_user_id != 0 || id_filter_on(&r->users);

    /* Binds the last whole day, not the end: after 9999-12-31 a DATETIME does not exist. */
    report_sql_appendf(sql, " FROM %s WHERE workspace_id = ? AND day BETWEEN DATE(?) AND DATE(?)",
                       per_user ? "entry_totals_by_user_day" : "entry_totals_by_day");
    if (db_params_add_u64(params, r->workspace_id) != 0 ||
        db_params_add_datetime(params, s->whole_start) != 0 ||
        db_params_add_datetime(params, s->whole_end - DAY_SECONDS) != 0)
        return -1;
    if (r->member_user_id != 0) {
        report_sql_append(sql, " AND user_id = ?");
        if (db_params_add_u64(params, r->member_user_id) != 0)
            return -1;
    }
    if (id_filter_on(&r->users)) {
        report_sql_append(sql, r->users.contains == FILTER_DOES_NOT_CONTAIN
                                   ? " AND user_id NOT IN ("
                                   : " AND user_id IN (");
        for (size_t i = 0; i < r->users.count; i++) {
            report_sql_append(sql, i ? ",?" : "?");
            if (db_params_add_u64(params, r->users.ids[i]) != 0)
                return -1;
        }
        report_sql_append(sql, ")");
    }
    return sql->failed ? -1 : 0;
}

/* Reads the sums of the whole days into t. */
static int sum_days(struct db *db, const struct report_request *r, const struct day_split *s,
                    struct report_totals *t, struct api_error *err)
{
    struct report_sql sql;
    struct db_params params;
    int result = -1;

    report_sql_init(&sql);
    db_params_init(&params);
    report_sql_append(&sql, "SELECT COALESCE(SUM(entries), 0), COALESCE(SUM(seconds), 0), "
                            "COALESCE(SUM(billable_seconds), 0), COALESCE(SUM(earned), 0), "
                            "COALESCE(SUM(cost), 0)");
    if (append_days_from(r, s, &sql, &params) != 0) {
        api_error_set(err, 500, NULL, "out of memory while building the totals query");
        goto out;
    }
    result = report_detailed_totals_fetch(db, sql.text, &params, t, err);
out:
    report_sql_free(&sql);
    db_params_free(&params);
    return result;
}

/* Sums the entries of r that start in [from, to], reading the entries themselves. */
static int sum_edge(struct db *db, const struct report_request *r, int64_t from, int64_t to,
                    struct report_totals *t, struct api_error *err)
{
    struct report_request edge = *r; /* shares r's filters, which neither side frees */

    memset(t, 0, sizeof(*t));
    if (from > to)
        return 0;
    edge.start = from;
    edge.end = to;
    return report_detailed_totals_scan(db, &edge, t, err);
}

static void add_totals(struct report_totals *sum, const struct report_totals *part)
{
    sum->entries += part->entries;
    sum->total_time += part->total_time;
    sum->billable_time += part->billable_time;
    sum->earned += part->earned;
    sum->cost += part->cost;
}

int report_day_totals_sum(struct db *db, const struct report_request *r, struct report_totals *t,
                          struct api_error *err)
{
    struct day_split s = split_range(r);
    struct report_totals part;

    memset(t, 0, sizeof(*t));
    if (sum_edge(db, r, r->start, s.whole_start - 1, &part, err) != 0)
        return -1;
    add_totals(t, &part);
    if (s.have_days) {
        if (sum_days(db, r, &s, &part, err) != 0)
            return -1;
        add_totals(t, &part);
    }
    if (sum_edge(db, r, s.whole_end, r->end, &part, err) != 0)
        return -1;
    add_totals(t, &part);
    t->profit = t->earned - t->cost;
    return 0;
}

/* ---- seeking a deep page ---- */

/* Walks the whole days in r's order and subtracts each day's entries from *skip until the day
 * that contains the entry at *skip. Sets *day to that day's UTC midnight and *found. When no
 * day contains it, *found stays false and *skip is what is left for the far edge. */
static int walk_days(struct db *db, const struct report_request *r, const struct day_split *s,
                     int64_t *skip, int64_t *day, bool *found, struct api_error *err)
{
    struct report_sql sql;
    struct db_params params;
    MYSQL_STMT *stmt = NULL;
    MYSQL_BIND binds[2];
    MYSQL_TIME day_value;
    int64_t entries = 0;
    int result = -1;

    *found = false;
    report_sql_init(&sql);
    db_params_init(&params);
    report_sql_append(&sql, "SELECT day, SUM(entries)");
    if (append_days_from(r, s, &sql, &params) != 0 ||
        report_sql_appendf(&sql, " GROUP BY day ORDER BY day %s",
                           r->sort_order == SORT_ASCENDING ? "ASC" : "DESC") != 0) {
        api_error_set(err, 500, NULL, "out of memory while building the page query");
        goto out;
    }

    memset(binds, 0, sizeof(binds));
    binds[0].buffer_type = MYSQL_TYPE_DATE;
    binds[0].buffer = &day_value;
    binds[1].buffer_type = MYSQL_TYPE_LONGLONG;
    binds[1].buffer = &entries;
    stmt = db_prepare(db, sql.text, &params);
    if (stmt == NULL || mysql_stmt_execute(stmt) != 0 || mysql_stmt_bind_result(stmt, binds) != 0) {
        report_detailed_db_error(db, stmt, "reading the day totals", err);
        goto out;
    }
    int fetched;
    while ((fetched = mysql_stmt_fetch(stmt)) == 0) {
        if (*found)
            continue; /* drains the rest so the connection is free again */
        if (*skip < entries) {
            *day = db_time_to_utc(&day_value);
            *found = true;
        } else {
            *skip -= entries;
        }
    }
    if (fetched != MYSQL_NO_DATA) {
        report_detailed_db_error(db, stmt, "reading the day totals", err);
        goto out;
    }
    result = 0;
out:
    if (stmt != NULL)
        mysql_stmt_close(stmt);
    report_sql_free(&sql);
    db_params_free(&params);
    return result;
}

int report_day_totals_seek(struct db *db, const struct report_request *r, int64_t offset,
                           int64_t *start, int64_t *end, int64_t *skip, struct api_error *err)
{
    struct day_split s = split_range(r);
    bool ascending = r->sort_order == SORT_ASCENDING;
    struct report_totals near;
    int64_t day = 0;
    bool found = false;

    *start = r->start;
    *end = r->end;
    *skip = offset;

    /* The edge read first in r's order; a page that starts there needs no narrowing. */
    if (ascending ? sum_edge(db, r, r->start, s.whole_start - 1, &near, err)
                  : sum_edge(db, r, s.whole_end, r->end, &near, err))
        return -1;
    if ((uint64_t)*skip < near.entries)
        return 0;
    *skip -= (int64_t)near.entries;

    if (s.have_days && walk_days(db, r, &s, skip, &day, &found, err) != 0)
        return -1;
    if (found) {
        if (ascending)
            *start = day;
        else
            *end = day + DAY_SECONDS - 1;
        return 0;
    }

    /* The page starts in the far edge, or after the last entry. An empty far edge may start
     * after 9999-12-31 or end before 1000-01-01, which no DATETIME can bind, so a page after
     * the last entry gets a range that selects nothing. */
    bool far_empty = ascending ? s.whole_end > r->end : s.whole_start <= r->start;
    if (far_empty) {
        *start = 1;
        *end = 0;
        *skip = 0;
    } else if (ascending) {
        *start = s.whole_end;
    } else {
        *end = s.whole_start - 1;
    }
    return 0;
}
