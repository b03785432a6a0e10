/* auth.c - API keys stored as SHA-256 hashes.
 * SPDX-License-Identifier: MIT
 */
#include "auth.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <stdio.h>
#include <string.h>

static const char *const auth_role_names[] = {"OWNER", "ADMIN", "MEMBER"};

int auth_role_parse(const char *text, enum auth_role *role)
{
    for (int i = 0; i < 3; i++) {
        if (strcmp(text, auth_role_names[i]) == 0) {
            *role = (enum auth_role)i;
            return 0;
        }
    }
    return -1;
}

const char *auth_role_name(enum auth_role role)
{
    return auth_role_names[role];
}

int auth_key_create(struct db *db, uint64_t workspace_id, uint64_t user_id, char *key_out)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char random[20];
    unsigned char hash[SHA256_DIGEST_LENGTH];
    struct db_params params;
    int result;

    if (RAND_bytes(random, sizeof(random)) != 1) {
        snprintf(db->error, sizeof(db->error), "no random bytes for a key");
        return -1;
    }
    memcpy(key_out, "rpd_", 4);
    for (size_t i = 0; i < sizeof(random); i++) {
        key_out[4 + 2 * i] = hex[random[i] >> 4];
        key_out[5 + 2 * i] = hex[random[i] & 15];
    }
    key_out[AUTH_KEY_LENGTH] = '\0';
    SHA256((const unsigned char *)key_out, AUTH_KEY_LENGTH, hash);

    db_params_init(&params);
    db_params_add_u64(&params, workspace_id);
    db_params_add_u64(&params, user_id);
    db_params_add_text(&params, key_out, AUTH_PREFIX_LENGTH);
    db_params_add_text(&params, (const char *)hash, sizeof(hash));
    result = db_run(db,
                    "INSERT INTO api_keys (workspace_id, user_id, key_prefix, key_hash) "
                    "VALUES (?, ?, ?, ?)",
                    &params, NULL, NULL);
    db_params_free(&params);
    return result;
}

static int auth_database_error(struct db *db, struct api_error *err)
{
    if (db_check(db) != 0)
        return api_error_set(err, 503, NULL, "database unavailable; retry shortly");
    return api_error_set(err, 500, NULL, "internal error while checking the API key");
}

int auth_check(struct db *db, const char *key, struct auth_identity *who, struct api_error *err)
{
    unsigned char hash[SHA256_DIGEST_LENGTH];
    unsigned char stored[SHA256_DIGEST_LENGTH];
    unsigned long stored_length = 0;
    char role_text[16] = "";
    unsigned long role_length = 0;
    MYSQL_BIND out[4];
    struct db_params params;
    MYSQL_STMT *stmt = NULL;
    int result = -1;

    if (key == NULL || key[0] == '\0')
        return api_error_set(err, 401, NULL, "missing X-Api-Key header; send an API key created "
                                          "with 'reportctl apikey create'");
    if (strlen(key) != AUTH_KEY_LENGTH)
        return api_error_set(err, 401, NULL, "invalid API key");
    SHA256((const unsigned char *)key, AUTH_KEY_LENGTH, hash);

    db_params_init(&params);
    db_params_add_text(&params, key, AUTH_PREFIX_LENGTH);
    stmt = db_prepare(db,
                      "SELECT k.key_hash, k.workspace_id, k.user_id, m.role FROM api_keys k "
                      "JOIN memberships m ON m.workspace_id = k.workspace_id "
                      "AND m.user_id = k.user_id AND m.status = 'ACTIVE' "
                      "JOIN users u ON u.id = k.user_id AND u.status = 'ACTIVE' "
                      "WHERE k.key_prefix = ?",
                      &params);
    if (stmt == NULL) {
        auth_database_error(db, err);
        goto out;
    }

    memset(out, 0, sizeof(out));
    out[0].buffer_type = MYSQL_TYPE_BLOB;
    out[0].buffer = stored;
    out[0].buffer_length = sizeof(stored);
    out[0].length = &stored_length;
    out[1].buffer_type = MYSQL_TYPE_LONGLONG;
    out[1].buffer = &who->workspace_id;
    out[1].is_unsigned = 1;
    out[2].buffer_type = MYSQL_TYPE_LONGLONG;
    out[2].buffer = &who->user_id;
    out[2].is_unsigned = 1;
    out[3].buffer_type = MYSQL_TYPE_STRING;
    out[3].buffer = role_text;
    out[3].buffer_length = sizeof(role_text) - 1;
    out[3].length = &role_length;
    if (mysql_stmt_execute(stmt) != 0 || mysql_stmt_bind_result(stmt, out) != 0) {
        snprintf(db->error, sizeof(db->error), "api key lookup: %s", mysql_stmt_error(stmt));
        auth_database_error(db, err);
        goto out;
    }

    int fetched = mysql_stmt_fetch(stmt);
    if (fetched == 1) {
        snprintf(db->error, sizeof(db->error), "api key fetch: %s", mysql_stmt_error(stmt));
        auth_database_error(db, err);
        goto out;
    }
    if (fetched == MYSQL_NO_DATA || stored_length != sizeof(stored) ||
        CRYPTO_memcmp(stored, hash, sizeof(hash)) != 0) {
        api_error_set(err, 401, NULL, "invalid API key");
        goto out;
    }
    role_text[role_length < sizeof(role_text) ? role_length : sizeof(role_text) - 1] = '\0';
    if (auth_role_parse(role_text, &who->role) != 0) {
        api_error_set(err, 401, NULL, "invalid API key");
        goto out;
    }
    result = 0;
out:
    if (stmt != NULL)
        mysql_stmt_close(stmt);
    db_params_free(&params);
    return result;
}
