/* report_query.h - the SQL shared by the detailed, summary and weekly reports: a growable SQL
 * text, the WHERE clause of a request and the duration and money expressions of an entry.
 * SPDX-License-Identifier: MIT
 *
 * Request values never become SQL text: the builder appends fixed fragments and '?'
 * placeholders and adds the values to a struct db_params in placeholder order. The only numbers
 * written into the text are the workspace's rounding minutes, which come from the database.
 */
#ifndef REPORTD_REPORT_QUERY_H
#define REPORTD_REPORT_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "report_request.h"

/* A growable NUL-terminated SQL text. After an allocation failure every append returns -1 and
 * failed stays set, so a caller may check once at the end. */
struct report_sql {
    char *text;
    size_t len;
    size_t cap;
    bool failed;
};

void report_sql_init(struct report_sql *sql);
void report_sql_free(struct report_sql *sql);

/* Appends a fixed fragment. Returns 0 or -1 when memory runs out. */
int report_sql_append(struct report_sql *sql, const char *fragment);

/* Appends formatted text; for fixed fragments and integers only, never request text. */
int report_sql_appendf(struct report_sql *sql, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* Appends " AND <condition>" for every restriction of r on the alias `e` (time_entries):
 * workspace, start range, finished entries only (running timers are left out), the MEMBER
 * restriction and every filter. The text starts with "e.workspace_id = ?", so a caller writes
 * "... WHERE " and then calls this. Adds the bound values to params in order. Returns 0, or -1
 * when memory runs out. */
int report_query_where(const struct report_request *r, struct report_sql *sql,
                       struct db_params *params);

/* Appends an SQL expression for an entry's duration in seconds (end minus start), rounded by
 * the workspace rule when r->rounding is set. Uses the alias `e`. Returns 0 or -1. */
int report_query_duration_expr(const struct report_request *r, struct report_sql *sql);

/* Append SQL expressions for an entry's earned, cost and profit cents, consistent with
 * report_money_* below: earned = billable ? duration x hourly_rate / 3600 : 0, cost = duration x
 * cost_rate / 3600, each rounded half away from zero to the cent; an imported earned_amount or
 * cost_amount replaces the product when it is not NULL and r->rounding is off. Profit = earned
 * minus cost. Each returns 0 or -1. */
int report_query_earned_expr(const struct report_request *r, struct report_sql *sql);
int report_query_cost_expr(const struct report_request *r, struct report_sql *sql);
int report_query_profit_expr(const struct report_request *r, struct report_sql *sql);

/* The C side of the same rules, for code that computes per entry in C. */

/* Rounds seconds by r's rule when r->rounding is set and the rule has minutes; else returns
 * seconds unchanged. Integer division truncates toward zero, like SQL's DIV. */
int64_t report_round_duration(const struct report_request *r, int64_t seconds);

/* seconds x rate_per_hour / 3600 rounded half away from zero, in cents. */
int64_t report_money(int64_t seconds, int64_t rate_per_hour);

/* Earned and cost cents of one entry. earned_amount/cost_amount are the stored overrides and
 * have_* say whether they are NULL; duration is already rounded when rounding is on. */
int64_t report_money_earned(const struct report_request *r, bool billable, int64_t duration,
                            int64_t hourly_rate, bool have_earned_amount, int64_t earned_amount);
int64_t report_money_cost(const struct report_request *r, int64_t duration, int64_t cost_rate,
                          bool have_cost_amount, int64_t cost_amount);

#endif
