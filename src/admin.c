/* admin.c - workspace, user and membership management.
 * SPDX-License-Identifier: MIT
 */
#include "admin.h"

#include <stdlib.h>
#include <string.h>

#include "workspace.h"

int admin_workspace_create(struct db *db, const struct admin_workspace_options *options,
                           uint64_t *id)
{
    struct db_params params;
    int result;

    int found = workspace_find(db, options->name, id);
    if (found != 0)
        return found;

    db_params_init(&params);
    db_params_add_text(&params, options->name, strlen(options->name));
    db_params_add_text(&params, options->currency, strlen(options->currency));
    db_params_add_text(&params, options->time_zone, strlen(options->time_zone));
    db_params_add_text(&params, options->week_start, strlen(options->week_start));
    db_params_add_text(&params, options->rounding_mode, strlen(options->rounding_mode));
    db_params_add_i64(&params, options->rounding_minutes);
    result = db_run(db,
                    "INSERT INTO workspaces (name, currency, time_zone, week_start, "
                    "rounding_mode, rounding_minutes) VALUES (?, ?, ?, ?, ?, ?)",
                    &params, NULL, id);
    db_params_free(&params);
    return result;
}

int admin_user_ensure(struct db *db, const char *email, const char *name, uint64_t *user_id)
{
    struct db_params params;
    int result;

    db_params_init(&params);
    db_params_add_text(&params, email, strlen(email));
    int found = db_fetch_u64(db, "SELECT id FROM users WHERE email = ?", &params, user_id);
    if (found != 0) {
        db_params_free(&params);
        return found < 0 ? -1 : 0;
    }
    db_params_add_text(&params, name, strlen(name));
    result = db_run(db, "INSERT INTO users (email, name) VALUES (?, ?)", &params, NULL, user_id);
    db_params_free(&params);
    return result;
}

int admin_membership_set(struct db *db, uint64_t workspace_id, uint64_t user_id,
                         enum auth_role role)
{
    struct db_params params;
    const char *role_name = auth_role_name(role);
    int result;

    db_params_init(&params);
    db_params_add_u64(&params, workspace_id);
    db_params_add_u64(&params, user_id);
    db_params_add_text(&params, role_name, strlen(role_name));
    result = db_run(db,
                    "INSERT INTO memberships (workspace_id, user_id, role) VALUES (?, ?, ?) "
                    "ON DUPLICATE KEY UPDATE role = VALUES(role), updated_at = NOW()",
                    &params, NULL, NULL);
    db_params_free(&params);
    return result;
}

int admin_workspace_resolve(struct db *db, const char *id_or_name, uint64_t *id)
{
    char *end = NULL;
    unsigned long long number = strtoull(id_or_name, &end, 10);

    if (end != id_or_name && *end == '\0' && number > 0) {
        struct workspace ws;
        int found = workspace_load(db, number, &ws);
        if (found != 0) {
            *id = number;
            return found;
        }
    }
    return workspace_find(db, id_or_name, id);
}
