/* workspace.h - a workspace's settings as reports need them.
 * SPDX-License-Identifier: MIT
 */
#ifndef REPORTD_WORKSPACE_H
#define REPORTD_WORKSPACE_H

#include <stdint.h>

#include "db.h"
#include "tz.h"

enum rounding_mode { ROUNDING_NEAREST, ROUNDING_UP, ROUNDING_DOWN };

struct workspace {
    uint64_t id;
    char name[256];
    char currency[4];
    char time_zone[TZ_NAME_MAX + 1];
    int week_start;              /* 0 = Monday .. 6 = Sunday */
    enum rounding_mode rounding_mode;
    int rounding_minutes;        /* 0 = no rounding */
};

/* Loads workspace id. Returns 1 when found, 0 when not, -1 on a database error. */
int workspace_load(struct db *db, uint64_t id, struct workspace *ws);

/* Finds a workspace by name. Returns 1 when found, 0 when not, -1 on a database error. */
int workspace_find(struct db *db, const char *name, uint64_t *id);

/* Parses MONDAY..SUNDAY into 0..6; returns -1 otherwise. */
int workspace_weekday_parse(const char *text);
const char *workspace_weekday_name(int weekday);

#endif
