/* admin.h - workspace, user and membership management for reportctl.
 * SPDX-License-Identifier: MIT
 */
#ifndef REPORTD_ADMIN_H
#define REPORTD_ADMIN_H

#include <stdint.h>

#include "auth.h"
#include "db.h"

struct admin_workspace_options {
    const char *name;
    const char *time_zone;       /* IANA name */
    const char *currency;        /* ISO 4217 code */
    const char *week_start;      /* MONDAY..SUNDAY */
    const char *rounding_mode;   /* NEAREST, UP, DOWN */
    int rounding_minutes;
};

/* Creates a workspace. Returns 0 with its id, 1 when the name is taken (id of the existing
 * one), -1 on a database error. */
int admin_workspace_create(struct db *db, const struct admin_workspace_options *options,
                           uint64_t *id);

/* Finds a user by email, creating it with name when missing. Returns 0 or -1. */
int admin_user_ensure(struct db *db, const char *email, const char *name, uint64_t *user_id);

/* Makes user_id a member of workspace_id with role; an existing membership gets the role.
 * Returns 0 or -1. */
int admin_membership_set(struct db *db, uint64_t workspace_id, uint64_t user_id,
                         enum auth_role role);

/* Resolves a workspace given by id or name. Returns 1 found, 0 not, -1 error. */
int admin_workspace_resolve(struct db *db, const char *id_or_name, uint64_t *id);

#endif
