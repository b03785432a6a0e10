/* auth.h - API keys: creation, hashing and the lookup that authenticates a request.
 * SPDX-License-Identifier: MIT
 */
#ifndef REPORTD_AUTH_H
#define REPORTD_AUTH_H

#include <stddef.h>
#include <stdint.h>

#include "api_error.h"
#include "db.h"

enum auth_role { AUTH_ROLE_OWNER, AUTH_ROLE_ADMIN, AUTH_ROLE_MEMBER };

/* Who a valid key belongs to. */
struct auth_identity {
    uint64_t workspace_id;
    uint64_t user_id;
    enum auth_role role;
};

#define AUTH_KEY_LENGTH 44   /* "rpd_" and 40 hex digits */
#define AUTH_PREFIX_LENGTH 12

/* Parses "OWNER", "ADMIN" or "MEMBER"; returns -1 otherwise. */
int auth_role_parse(const char *text, enum auth_role *role);
const char *auth_role_name(enum auth_role role);

/* Creates a key for user_id in workspace_id, stores only its hash and writes the key (to be
 * shown once) into key_out (at least AUTH_KEY_LENGTH + 1 bytes). Returns 0 or -1 (db->error). */
int auth_key_create(struct db *db, uint64_t workspace_id, uint64_t user_id, char *key_out);

/* Authenticates key: fills who on success and returns 0. Returns -1 with 401 in err for a
 * missing or unknown key (or a user no longer member or active), and with 503 or 500 when the
 * database fails. The hash comparison takes constant time. */
int auth_check(struct db *db, const char *key, struct auth_identity *who, struct api_error *err);

#endif
