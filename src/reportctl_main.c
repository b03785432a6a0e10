/* reportctl_main.c - the admin command line: schema, workspaces, keys, data in and out.
 * SPDX-License-Identifier: MIT
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"
#include "day_totals.h"
#include "auth.h"
#include "config.h"
#include "db.h"
#include "generate.h"
#include "import_main.h"
#include "jobs_main.h"
#include "log.h"
#include "migrate.h"
#include "restore.h"
#include "tz.h"
#include "workspace.h"
#include "workspace_archive.h"

#ifndef REPORTD_SQL_DIR
#define REPORTD_SQL_DIR "sql"
#endif

enum { EXIT_OK = 0, EXIT_INPUT = 1, EXIT_USAGE = 2, EXIT_DATABASE = 3 };

static void reportctl_usage(FILE *out)
{
    fprintf(out,
            "usage: reportctl [--config FILE] COMMAND [OPTIONS]\n\n"
            "Commands:\n"
            "  migrate [--sql-dir DIR]            apply the schema migrations\n"
            "  workspace create --name NAME [--time-zone ZONE] [--currency CODE]\n"
            "                   [--week-start DAY] [--rounding-minutes N] [--rounding-mode M]\n"
            "  apikey create --workspace ID|NAME --user EMAIL [--name NAME]\n"
            "                [--role OWNER|ADMIN|MEMBER]  print a new API key once\n"
            "  import [--workspace NAME] [--format auto|clockify|toggl|kimai]\n"
            "         [--timezone ZONE] [--date-format FORMAT] FILE...\n"
            "  generate --workspace NAME --entries N --users U --projects P --seed S\n"
            "           --from DATE --to DATE\n"
            "  export --workspace W --report detailed|summary|weekly --format csv|xlsx\n"
            "         --from DATE --to DATE --output FILE\n"
            "  archive --workspace W --output FILE.zip   the whole workspace, restorable\n"
            "  restore [--workspace NEW] [--replace] FILE.zip\n"
            "  jobs list|add|remove|run-due [--workspace W]   scheduled export jobs\n"
            "  totals [--workspace ID|NAME]       recompute the per-day totals (all workspaces\n"
            "                                     without --workspace) after entries were\n"
            "                                     changed in SQL by hand\n\n"
            "The config file defaults to reportd.conf in the current folder; REPORTD_*\n"
            "environment variables override it (see reportd --help).\n");
}

/* Returns the value after option name at argv[*i], advancing *i; NULL when argv[*i] is not
 * that option. Exits with a usage error when the value is missing. */
static const char *reportctl_option(int argc, char **argv, int *i, const char *name)
{
    if (strcmp(argv[*i], name) != 0)
        return NULL;
    if (*i + 1 >= argc) {
        fprintf(stderr, "reportctl: %s needs a value\n", name);
        exit(EXIT_USAGE);
    }
    (*i)++;
    return argv[*i];
}

static int reportctl_unknown(const char *arg)
{
    fprintf(stderr, "reportctl: unknown option '%s' (see reportctl --help)\n", arg);
    return EXIT_USAGE;
}

static int reportctl_migrate(struct db *db, int argc, char **argv)
{
    const char *sql_dir = getenv("REPORTD_SQL_DIR") ? getenv("REPORTD_SQL_DIR") : REPORTD_SQL_DIR;
    const char *value;

    for (int i = 1; i < argc; i++) {
        if ((value = reportctl_option(argc, argv, &i, "--sql-dir")) != NULL)
            sql_dir = value;
        else
            return reportctl_unknown(argv[i]);
    }
    return migrate_run(db, sql_dir) == 0 ? EXIT_OK : EXIT_DATABASE;
}

static int reportctl_workspace_create(struct db *db, int argc, char **argv)
{
    struct admin_workspace_options options = {NULL, "UTC", "USD", "MONDAY", "NEAREST", 15};
    const char *value;
    uint64_t id = 0;

    for (int i = 2; i < argc; i++) {
        if ((value = reportctl_option(argc, argv, &i, "--name")) != NULL)
            options.name = value;
        else if ((value = reportctl_option(argc, argv, &i, "--time-zone")) != NULL)
            options.time_zone = value;
        else if ((value = reportctl_option(argc, argv, &i, "--currency")) != NULL)
            options.currency = value;
        else if ((value = reportctl_option(argc, argv, &i, "--week-start")) != NULL)
            options.week_start = value;
        else if ((value = reportctl_option(argc, argv, &i, "--rounding-mode")) != NULL)
            options.rounding_mode = value;
        else if ((value = reportctl_option(argc, argv, &i, "--rounding-minutes")) != NULL)
            options.rounding_minutes = (int)strtol(value, NULL, 10);
        else
            return reportctl_unknown(argv[i]);
    }

    if (options.name == NULL || options.name[0] == '\0') {
        fprintf(stderr, "reportctl: workspace create needs --name\n");
        return EXIT_USAGE;
    }
    if (!tz_valid(options.time_zone)) {
        fprintf(stderr, "reportctl: unknown time zone '%s'; use an IANA name such as "
                        "Europe/Berlin\n", options.time_zone);
        return EXIT_USAGE;
    }
    if (workspace_weekday_parse(options.week_start) < 0) {
        fprintf(stderr, "reportctl: --week-start must be MONDAY .. SUNDAY\n");
        return EXIT_USAGE;
    }
    if (strlen(options.currency) != 3) {
        fprintf(stderr, "reportctl: --currency must be a three-letter code such as EUR\n");
        return EXIT_USAGE;
    }
    if (strcmp(options.rounding_mode, "NEAREST") != 0 && strcmp(options.rounding_mode, "UP") != 0 &&
        strcmp(options.rounding_mode, "DOWN") != 0) {
        fprintf(stderr, "reportctl: --rounding-mode must be NEAREST, UP or DOWN\n");
        return EXIT_USAGE;
    }
    if (options.rounding_minutes < 0 || options.rounding_minutes > 1440) {
        fprintf(stderr, "reportctl: --rounding-minutes must be 0 to 1440\n");
        return EXIT_USAGE;
    }

    int created = admin_workspace_create(db, &options, &id);
    if (created < 0) {
        fprintf(stderr, "reportctl: %s\n", db->error);
        return EXIT_DATABASE;
    }
    printf("%llu\n", (unsigned long long)id);
    if (created == 1)
        fprintf(stderr, "reportctl: workspace '%s' already exists\n", options.name);
    return EXIT_OK;
}

static int reportctl_apikey_create(struct db *db, int argc, char **argv)
{
    const char *workspace = NULL, *email = NULL, *name = NULL, *role_text = "OWNER";
    const char *value;
    enum auth_role role;
    uint64_t workspace_id = 0, user_id = 0;
    char key[AUTH_KEY_LENGTH + 1];

    for (int i = 2; i < argc; i++) {
        if ((value = reportctl_option(argc, argv, &i, "--workspace")) != NULL)
            workspace = value;
        else if ((value = reportctl_option(argc, argv, &i, "--user")) != NULL)
            email = value;
        else if ((value = reportctl_option(argc, argv, &i, "--name")) != NULL)
            name = value;
        else if ((value = reportctl_option(argc, argv, &i, "--role")) != NULL)
            role_text = value;
        else
            return reportctl_unknown(argv[i]);
    }
    if (workspace == NULL || email == NULL) {
        fprintf(stderr, "reportctl: apikey create needs --workspace and --user\n");
        return EXIT_USAGE;
    }
    if (auth_role_parse(role_text, &role) != 0) {
        fprintf(stderr, "reportctl: --role must be OWNER, ADMIN or MEMBER\n");
        return EXIT_USAGE;
    }

    int found = admin_workspace_resolve(db, workspace, &workspace_id);
    if (found == 0) {
        fprintf(stderr, "reportctl: workspace '%s' not found; create it with "
                        "'reportctl workspace create --name NAME'\n", workspace);
        return EXIT_INPUT;
    }
    if (found < 0 || admin_user_ensure(db, email, name ? name : email, &user_id) != 0 ||
        admin_membership_set(db, workspace_id, user_id, role) != 0 ||
        auth_key_create(db, workspace_id, user_id, key) != 0) {
        fprintf(stderr, "reportctl: %s\n", db->error);
        return EXIT_DATABASE;
    }
    printf("%s\n", key);
    return EXIT_OK;
}

/* Rebuilds one workspace's day totals, or every workspace's, each in its own transaction. */
static int reportctl_totals(struct db *db, int argc, char **argv)
{
    const char *workspace = NULL;
    const char *value;
    uint64_t id = 0;
    int result = EXIT_DATABASE;

    for (int i = 1; i < argc; i++) {
        if ((value = reportctl_option(argc, argv, &i, "--workspace")) != NULL)
            workspace = value;
        else
            return reportctl_unknown(argv[i]);
    }
    if (workspace != NULL) {
        int found = admin_workspace_resolve(db, workspace, &id);
        if (found == 0) {
            fprintf(stderr, "reportctl: workspace '%s' not found; give its id or exact name\n",
                    workspace);
            return EXIT_INPUT;
        }
        if (found < 0)
            goto out;
    }

    for (;;) {
        struct db_params params;
        uint64_t next = id;
        db_params_init(&params);
        int found = workspace != NULL ? 1
                    : db_params_add_u64(&params, id) != 0
                        ? -1
                        : db_fetch_u64(db, "SELECT MIN(id) FROM workspaces WHERE id > ? "
                                           "HAVING MIN(id) IS NOT NULL",
                                       &params, &next);
        db_params_free(&params);
        if (found < 0)
            goto out;
        if (found == 0)
            break;
        if (db_exec(db, "START TRANSACTION") != 0 || day_totals_rebuild(db, next) != 0 ||
            db_exec(db, "COMMIT") != 0) {
            db_exec(db, "ROLLBACK");
            goto out;
        }
        printf("workspace %llu: day totals rebuilt\n", (unsigned long long)next);
        id = next;
        if (workspace != NULL)
            break;
    }
    result = EXIT_OK;
out:
    if (result != EXIT_OK)
        fprintf(stderr, "reportctl: %s\n", db->error);
    return result;
}

static int reportctl_dispatch(struct db *db, int argc, char **argv)
{
    const char *command = argv[0];
    const char *sub = argc > 1 ? argv[1] : "";

    if (strcmp(command, "jobs") == 0)
        return jobs_main(db, db->cfg, argc, argv);
    if (strcmp(command, "export") == 0)
        return export_main(db, db->cfg, argc, argv);
    if (strcmp(command, "archive") == 0)
        return archive_main(db, db->cfg, argc, argv);
    if (strcmp(command, "restore") == 0)
        return restore_main(db, db->cfg, argc, argv);
    if (strcmp(command, "migrate") == 0)
        return reportctl_migrate(db, argc, argv);
    if (strcmp(command, "workspace") == 0 && strcmp(sub, "create") == 0)
        return reportctl_workspace_create(db, argc, argv);
    if (strcmp(command, "apikey") == 0 && strcmp(sub, "create") == 0)
        return reportctl_apikey_create(db, argc, argv);
    if (strcmp(command, "import") == 0)
        return import_main(db, argc, argv);
    if (strcmp(command, "generate") == 0)
        return generate_main(db, argc, argv);
    if (strcmp(command, "totals") == 0)
        return reportctl_totals(db, argc, argv);

    if (strcmp(command, "workspace") == 0 || strcmp(command, "apikey") == 0) {
        fprintf(stderr, "reportctl: %s needs a subcommand: create\n", command);
        return EXIT_USAGE;
    }
    fprintf(stderr, "reportctl: unknown command '%s'\n", command);
    reportctl_usage(stderr);
    return EXIT_USAGE;
}

int main(int argc, char **argv)
{
    const char *config_path = "reportd.conf";
    int must_exist = 0;
    struct config cfg;
    struct db db;
    char err[512];
    int first = 1;

    while (first < argc && argv[first][0] == '-') {
        if (strcmp(argv[first], "--config") == 0 && first + 1 < argc) {
            config_path = argv[first + 1];
            must_exist = 1;
            first += 2;
        } else if (strcmp(argv[first], "--help") == 0 || strcmp(argv[first], "-h") == 0) {
            reportctl_usage(stdout);
            return EXIT_OK;
        } else {
            return reportctl_unknown(argv[first]);
        }
    }
    if (first >= argc) {
        reportctl_usage(stderr);
        return EXIT_USAGE;
    }

    if (config_load(&cfg, config_path, must_exist, err, sizeof(err)) != 0) {
        fprintf(stderr, "reportctl: %s\n", err);
        return EXIT_USAGE;
    }
    /* A command line tool prints warnings and errors only, unless REPORTD_LOG_LEVEL asks for
     * more (debug shows, for example, the generator's time per statement). */
    enum log_level level = LOG_WARN;
    if (getenv("REPORTD_LOG_LEVEL") != NULL && log_level_parse(cfg.log_level, &level) != 0) {
        fprintf(stderr, "reportctl: log_level must be debug, info, warn or error\n");
        return EXIT_USAGE;
    }
    log_set_level(level);
    db_init(&db, &cfg);
    /* The generator bulk-loads with LOAD DATA LOCAL from memory; reportctl talks only to the
     * database its own config names. */
    db.local_infile = true;
    if (db_connect(&db) != 0) {
        fprintf(stderr, "reportctl: %s\n", db.error);
        return EXIT_DATABASE;
    }
    int status = reportctl_dispatch(&db, argc - first, argv + first);
    db_close(&db);
    return status;
}
