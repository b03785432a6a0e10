/* workspace.c - workspace settings.
 * SPDX-License-Identifier: MIT
 */
#include "workspace.h"

#include <stdio.h>
#include <string.h>

static const char *const workspace_weekdays[] = {"MONDAY", "TUESDAY",  "WEDNESDAY", "THURSDAY",
                                                 "FRIDAY", "SATURDAY", "SUNDAY"};

int workspace_weekday_parse(const char *text)
{
    for (int i = 0; i < 7; i++) {
        if (strcmp(text, workspace_weekdays[i]) == 0)
            return i;
    }
    return -1;
}

const char *workspace_weekday_name(int weekday)
{
    return weekday >= 0 && weekday < 7 ? workspace_weekdays[weekday] : "MONDAY";
}

static void workspace_copy(char *out, size_t size, const char *text, unsigned long len)
{
    size_t n = len < size - 1 ? len : size - 1;
    memcpy(out, text, n);
    out[n] = '\0';
}

int workspace_load(struct db *db, uint64_t id, struct workspace *ws)
{
    char name[256], currency[8], zone[TZ_NAME_MAX + 1], week[16], mode[16];
    unsigned long lengths[5] = {0};
    long long minutes = 0;
    MYSQL_BIND out[6];
    struct db_params params;
    MYSQL_STMT *stmt = NULL;
    int result = -1;

    db_params_init(&params);
    db_params_add_u64(&params, id);
    stmt = db_prepare(db,
                      "SELECT name, currency, time_zone, week_start, rounding_mode, "
                      "rounding_minutes FROM workspaces WHERE id = ?",
                      &params);
    if (stmt == NULL)
        goto out;

    memset(out, 0, sizeof(out));
    char *buffers[5] = {name, currency, zone, week, mode};
    size_t sizes[5] = {sizeof(name), sizeof(currency), sizeof(zone), sizeof(week), sizeof(mode)};
    for (int i = 0; i < 5; i++) {
        out[i].buffer_type = MYSQL_TYPE_STRING;
        out[i].buffer = buffers[i];
        out[i].buffer_length = sizes[i];
        out[i].length = &lengths[i];
    }
    out[5].buffer_type = MYSQL_TYPE_LONGLONG;
    out[5].buffer = &minutes;

    if (mysql_stmt_execute(stmt) != 0 || mysql_stmt_bind_result(stmt, out) != 0) {
        snprintf(db->error, sizeof(db->error), "workspace: %s", mysql_stmt_error(stmt));
        goto out;
    }
    int fetched = mysql_stmt_fetch(stmt);
    if (fetched == MYSQL_NO_DATA) {
        result = 0;
        goto out;
    }
    if (fetched == 1) {
        snprintf(db->error, sizeof(db->error), "workspace: %s", mysql_stmt_error(stmt));
        goto out;
    }

    memset(ws, 0, sizeof(*ws));
    ws->id = id;
    workspace_copy(ws->name, sizeof(ws->name), name, lengths[0]);
    workspace_copy(ws->currency, sizeof(ws->currency), currency, lengths[1]);
    workspace_copy(ws->time_zone, sizeof(ws->time_zone), zone, lengths[2]);
    week[lengths[3] < sizeof(week) ? lengths[3] : sizeof(week) - 1] = '\0';
    mode[lengths[4] < sizeof(mode) ? lengths[4] : sizeof(mode) - 1] = '\0';
    ws->week_start = workspace_weekday_parse(week);
    if (ws->week_start < 0)
        ws->week_start = 0;
    ws->rounding_mode = strcmp(mode, "UP") == 0     ? ROUNDING_UP
                        : strcmp(mode, "DOWN") == 0 ? ROUNDING_DOWN
                                                    : ROUNDING_NEAREST;
    ws->rounding_minutes = (int)minutes;
    if (!tz_valid(ws->time_zone))
        snprintf(ws->time_zone, sizeof(ws->time_zone), "UTC");
    result = 1;
out:
    if (stmt != NULL)
        mysql_stmt_close(stmt);
    db_params_free(&params);
    return result;
}

int workspace_find(struct db *db, const char *name, uint64_t *id)
{
    struct db_params params;
    int result;

    db_params_init(&params);
    db_params_add_text(&params, name, strlen(name));
    result = db_fetch_u64(db, "SELECT id FROM workspaces WHERE name = ?", &params, id);
    db_params_free(&params);
    return result;
}
