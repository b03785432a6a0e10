/* generate.c - `reportctl generate`: parses the options, finds or creates the workspace and
 * runs the load in one transaction. The model is in generate_model.c, the entries in
 * generate_stream.c, descriptions in generate_text.c and the load in generate_load.c.
 * SPDX-License-Identifier: MIT
 */
#include "generate.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "day_totals.h"
#include "generate_load.h"
#include "log.h"

#define GEN_USERS_MAX 100000
#define GEN_PROJECTS_MAX 100000
#define GEN_ENTRIES_MAX UINT64_C(1000000000)
#define GEN_RANGE_DAYS_MAX 7305 /* 20 years */
/* Most entries for which the generator lets InnoDB load an empty time_entries by sorting (see
 * gen_first_ids). On a 2-CPU virtual machine with MariaDB 10.11.19 that made 1,000,000 entries
 * 10-15% faster, but 10,000,000 slower than row by row (152 s against 125 s). The sort merges
 * its runs in more passes as the load grows, and MariaDB's statistics thread spins on a whole
 * core until the load ends. NOTE: the crossover between 1 and 10 million is not measured. */
#define GEN_SORTED_LOAD_ENTRIES_MAX UINT64_C(2000000)

/* ---- options ---- */

static int gen_parse_u64(const char *text, uint64_t max, uint64_t *value)
{
    char *end = NULL;

    if (text == NULL || text[0] < '0' || text[0] > '9')
        return -1;
    errno = 0;
    unsigned long long parsed = strtoull(text, &end, 10);
    if (errno != 0 || *end != '\0' || parsed > max)
        return -1;
    *value = parsed;
    return 0;
}

static int gen_parse_date(const char *text, int64_t *days)
{
    int year, month, day;
    char tail;

    if (text == NULL || strlen(text) != 10)
        return -1;
    if (sscanf(text, "%4d-%2d-%2d%c", &year, &month, &day, &tail) != 3)
        return -1;
    if (!civil_date_valid(year, month, day) || year < 1971 || year > 2100)
        return -1;
    *days = civil_days_from_date(year, month, day);
    return 0;
}

int gen_options_parse(int argc, char **argv, struct gen_options *opts, char *err, size_t err_size)
{
    uint64_t number = 0;

    memset(opts, 0, sizeof(*opts));
    opts->entries = 10000;
    opts->users = 10;
    opts->projects = 20;
    opts->seed = 1;
    opts->from_day = civil_days_from_date(2025, 1, 1);
    opts->to_day = civil_days_from_date(2025, 12, 31);
    snprintf(opts->time_zone, sizeof(opts->time_zone), "UTC");

    for (int i = 1; i < argc; i++) {
        const char *name = argv[i];
        if (strcmp(name, "--append") == 0) {
            opts->append = true;
            continue;
        }
        const char *value = i + 1 < argc ? argv[i + 1] : NULL;
        if (value == NULL) {
            snprintf(err, err_size, "%s: missing value (see reportctl generate --help)", name);
            return -1;
        }
        i++;
        if (strcmp(name, "--workspace") == 0) {
            if (value[0] == '\0' || strlen(value) >= sizeof(opts->workspace)) {
                snprintf(err, err_size, "--workspace: expected 1 to %zu bytes",
                         sizeof(opts->workspace) - 1);
                return -1;
            }
            snprintf(opts->workspace, sizeof(opts->workspace), "%s", value);
        } else if (strcmp(name, "--entries") == 0) {
            if (gen_parse_u64(value, GEN_ENTRIES_MAX, &opts->entries) != 0) {
                snprintf(err, err_size, "--entries: invalid count '%s' (0 to %" PRIu64 ")",
                         value, GEN_ENTRIES_MAX);
                return -1;
            }
        } else if (strcmp(name, "--users") == 0) {
            if (gen_parse_u64(value, GEN_USERS_MAX, &number) != 0 || number == 0) {
                snprintf(err, err_size, "--users: invalid count '%s' (1 to %d)", value,
                         GEN_USERS_MAX);
                return -1;
            }
            opts->users = (int)number;
        } else if (strcmp(name, "--projects") == 0) {
            if (gen_parse_u64(value, GEN_PROJECTS_MAX, &number) != 0) {
                snprintf(err, err_size, "--projects: invalid count '%s' (0 to %d)", value,
                         GEN_PROJECTS_MAX);
                return -1;
            }
            opts->projects = (int)number;
        } else if (strcmp(name, "--seed") == 0) {
            if (gen_parse_u64(value, UINT64_MAX, &opts->seed) != 0) {
                snprintf(err, err_size, "--seed: invalid number '%s'", value);
                return -1;
            }
        } else if (strcmp(name, "--from") == 0 || strcmp(name, "--to") == 0) {
            int64_t *day = name[2] == 'f' ? &opts->from_day : &opts->to_day;
            if (gen_parse_date(value, day) != 0) {
                snprintf(err, err_size, "%s: invalid date '%s' (YYYY-MM-DD, 1971 to 2100)", name,
                         value);
                return -1;
            }
        } else if (strcmp(name, "--time-zone") == 0) {
            if (!tz_valid(value)) {
                snprintf(err, err_size, "--time-zone: unknown zone '%s' (an IANA name such as "
                         "Europe/Berlin)", value);
                return -1;
            }
            snprintf(opts->time_zone, sizeof(opts->time_zone), "%s", value);
        } else {
            snprintf(err, err_size, "unknown option '%s' (see reportctl generate --help)", name);
            return -1;
        }
    }

    if (opts->workspace[0] == '\0') {
        snprintf(err, err_size, "--workspace is required");
        return -1;
    }
    if (opts->to_day < opts->from_day) {
        snprintf(err, err_size, "--to is before --from");
        return -1;
    }
    if (opts->to_day - opts->from_day + 1 > GEN_RANGE_DAYS_MAX) {
        snprintf(err, err_size, "--from to --to spans more than %d days", GEN_RANGE_DAYS_MAX);
        return -1;
    }
    return 0;
}

/* ---- the command ---- */

static void gen_usage(FILE *out)
{
    fprintf(out,
            "usage: reportctl generate --workspace NAME [--entries N] [--users U] [--projects P]\n"
            "           [--seed S] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--time-zone ZONE]\n"
            "           [--append]\n"
            "Generates deterministic time-tracking data (the same seed gives the same data) into\n"
            "the workspace NAME, creating it when missing.\n"
            "  --entries N       time entries (default 10000, at most %" PRIu64 ")\n"
            "  --users U         users, each with an own time zone (default 10, at most %d)\n"
            "  --projects P      projects, with clients and tasks (default 20, at most %d)\n"
            "  --seed S          random seed (default 1)\n"
            "  --from, --to      first and last day of the entries, in each user's zone\n"
            "                    (default 2025-01-01 to 2025-12-31)\n"
            "  --time-zone ZONE  IANA zone of a new workspace (default UTC)\n"
            "  --append          also generate into a workspace that already has entries\n",
            GEN_ENTRIES_MAX, GEN_USERS_MAX, GEN_PROJECTS_MAX);
}

/* Reads the first free id of each table into first (the workspace id only for a new
 * workspace). Other sessions may insert while the generator runs: MAX(id) ... FOR UPDATE locks
 * the end of each table until the commit, and starting above the AUTO_INCREMENT counter keeps
 * clear of ids that a concurrent insert was already given but has not written yet.
 * With sorted_load, an empty time_entries is read without FOR UPDATE: InnoDB (MariaDB 10.6 and
 * later) loads into an empty table by sorting each index once, but only when the transaction
 * holds no row lock on it. That load takes an exclusive table lock at its first row, which then
 * keeps other writers out until the commit. A writer that inserts in between makes the load
 * fail on a duplicate id and roll back, rather than interleave. */
static int gen_first_ids(struct db *db, struct gen_ids *first, bool new_workspace,
                         bool sorted_load)
{
    struct {
        const char *table;
        uint64_t *id;
    } tables[] = {
        {"workspaces", &first->workspace}, {"users", &first->user},
        {"user_groups", &first->group},    {"clients", &first->client},
        {"projects", &first->project},     {"tasks", &first->task},
        {"tags", &first->tag},             {"time_entries", &first->entry},
    };
    char sql[256];

    for (size_t i = new_workspace ? 0 : 1; i < sizeof(tables) / sizeof(tables[0]); i++) {
        uint64_t max_id = 0;
        uint64_t counter = 0;
        struct db_params params;

        const char *lock = " FOR UPDATE";
        if (tables[i].id == &first->entry && sorted_load) {
            uint64_t any_entry = 0;
            if (db_fetch_u64(db, "SELECT EXISTS (SELECT 1 FROM time_entries)", NULL,
                             &any_entry) < 0)
                return -1;
            if (any_entry == 0)
                lock = "";
        }
        snprintf(sql, sizeof(sql), "SELECT COALESCE(MAX(id), 0) FROM %s%s", tables[i].table,
                 lock);
        if (db_fetch_u64(db, sql, NULL, &max_id) < 0)
            return -1;
        db_params_init(&params);
        db_params_add_text(&params, tables[i].table, strlen(tables[i].table));
        int found = db_fetch_u64(db,
                                 "SELECT COALESCE(AUTO_INCREMENT, 0) FROM information_schema.TABLES "
                                 "WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
                                 &params, &counter);
        db_params_free(&params);
        if (found < 0)
            return -1;
        *tables[i].id = (max_id + 1 > counter ? max_id + 1 : counter) + 1000;
    }
    return 0;
}

/* Finds the workspace named in opts. Returns 1 and fills existing when found, 0 when not,
 * -1 on a database error; *has_entries tells whether it already has time entries. */
static int gen_find_workspace(struct db *db, const struct gen_options *opts,
                              struct gen_workspace *existing, bool *has_entries)
{
    struct db_params params;
    uint64_t value = 0;
    int found;

    memset(existing, 0, sizeof(*existing));
    *has_entries = false;
    db_params_init(&params);
    found = db_params_add_text(&params, opts->workspace, strlen(opts->workspace)) != 0
                ? -1
                : db_fetch_u64(db, "SELECT id FROM workspaces WHERE name = ? FOR UPDATE", &params,
                               &existing->id);
    db_params_free(&params);
    if (found <= 0)
        return found;

    const char *queries[] = {
        "SELECT hourly_rate FROM workspaces WHERE id = ?",
        "SELECT cost_rate FROM workspaces WHERE id = ?",
        "SELECT EXISTS (SELECT 1 FROM time_entries WHERE workspace_id = ?)",
    };
    for (int q = 0; q < 3; q++) {
        db_params_init(&params);
        int fetched = db_params_add_u64(&params, existing->id) != 0
                          ? -1
                          : db_fetch_u64(db, queries[q], &params, &value);
        db_params_free(&params);
        if (fetched <= 0)
            return -1;
        if (q == 0)
            existing->hourly_rate = (int64_t)value;
        else if (q == 1)
            existing->cost_rate = (int64_t)value;
        else
            *has_entries = value != 0;
    }
    return 1;
}

static int gen_insert_workspace(struct db *db, const struct gen_workspace *ws, const char *name)
{
    struct db_params params;
    int result = -1;

    db_params_init(&params);
    if (db_params_add_u64(&params, ws->id) != 0 ||
        db_params_add_text(&params, name, strlen(name)) != 0 ||
        db_params_add_text(&params, ws->currency, strlen(ws->currency)) != 0 ||
        db_params_add_text(&params, ws->time_zone, strlen(ws->time_zone)) != 0 ||
        db_params_add_text(&params, ws->week_start, strlen(ws->week_start)) != 0 ||
        db_params_add_i64(&params, ws->hourly_rate) != 0 ||
        db_params_add_i64(&params, ws->cost_rate) != 0) {
        snprintf(db->error, sizeof(db->error), "out of memory");
        goto out;
    }
    result = db_run(db,
                    "INSERT INTO workspaces (id, name, currency, time_zone, week_start, "
                    "rounding_mode, rounding_minutes, hourly_rate, cost_rate) "
                    "VALUES (?, ?, ?, ?, ?, 'NEAREST', 15, ?, ?)",
                    &params, NULL, NULL);
out:
    db_params_free(&params);
    return result;
}

/* Everything inside the transaction. Returns 0, 2 when the workspace is refused, 3 on a
 * database error (message in db->error). */
static int gen_run(struct db *db, const struct gen_options *opts, struct gen_model **model_out,
                   struct gen_load_result *load)
{
    struct gen_workspace existing;
    struct gen_ids first = {0};
    bool has_entries = false;

    int found = gen_find_workspace(db, opts, &existing, &has_entries);
    if (found < 0)
        return 3;
    if (found == 1 && has_entries && !opts->append) {
        snprintf(db->error, sizeof(db->error),
                 "workspace \"%s\" already has time entries; pass --append to add more",
                 opts->workspace);
        return 2;
    }
    if (gen_first_ids(db, &first, found == 0, opts->entries <= GEN_SORTED_LOAD_ENTRIES_MAX) != 0)
        return 3;
    if (found == 1)
        first.workspace = existing.id;

    *model_out = gen_model_new(opts, &first, found == 1 ? &existing : NULL);
    if (*model_out == NULL) {
        snprintf(db->error, sizeof(db->error), "building the model: out of memory");
        return 3;
    }
    const struct gen_model *model = *model_out;
    if (found == 0 && gen_insert_workspace(db, &model->workspace, opts->workspace) != 0)
        return 3;
    if (gen_load_model(db, model) != 0)
        return 3;
    return gen_load_stream(db, model, !has_entries, load) == 0 ? 0 : 3;
}

int generate_main(struct db *db, int argc, char **argv)
{
    struct gen_options opts;
    struct gen_model *model = NULL;
    struct gen_load_result load;
    char err[512];
    int result = 3;
    bool in_transaction = false;

    memset(&load, 0, sizeof(load));
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            gen_usage(stdout);
            return 0;
        }
    }
    if (gen_options_parse(argc, argv, &opts, err, sizeof(err)) != 0) {
        fprintf(stderr, "reportctl generate: %s\n", err);
        gen_usage(stderr);
        return 2;
    }
    for (int zone = 0; zone < gen_zone_count; zone++) {
        if (!tz_valid(gen_zones[zone])) {
            fprintf(stderr, "reportctl generate: time zone %s is missing from "
                    "/usr/share/zoneinfo; install tzdata\n", gen_zones[zone]);
            return 2;
        }
    }

    double started = gen_now();
    if (db_connect(db) != 0)
        goto out;
    /* The generator numbers every row itself from MAX(id) + 1 and points only at rows it
     * inserts in this transaction or at the workspace it found, so foreign keys hold by
     * construction; and gen_load rejects any duplicate key the server reports as a warning.
     * Without the per-row checks InnoDB skips a parent lookup per foreign key and may buffer
     * secondary index changes, which is much of the load time. Both settings are session-only
     * and restored below. */
    if (db_exec(db, "SET SESSION foreign_key_checks = 0, unique_checks = 0") != 0 ||
        db_exec(db, "START TRANSACTION") != 0)
        goto out;
    in_transaction = true;

    result = gen_run(db, &opts, &model, &load);
    if (result != 0)
        goto out;
    /* A workspace that had entries gets its totals from SQL, over every day the new entries may
     * touch. They start on local days from_day..to_day, and zones reach 14 hours either side of
     * UTC. */
    if (!load.totals_loaded) {
        double totals_started = gen_now();
        if (day_totals_refresh(db, model->workspace.id, (opts.from_day - 1) * 86400,
                               (opts.to_day + 2) * 86400 - 1) != 0) {
            result = 3;
            goto out;
        }
        log_debug("generate: refreshed the day totals in SQL in %.3f s",
                  gen_now() - totals_started);
    }
    if (db_exec(db, "COMMIT") != 0) {
        result = 3;
        goto out;
    }
    in_transaction = false;

    double seconds = gen_now() - started;
    printf("generated into workspace \"%s\" (id %" PRIu64 "%s): %d users, %d groups, %d clients, "
           "%d projects, %d tasks, %d tags\n",
           opts.workspace, model->workspace.id, model->workspace.existed ? "" : ", created",
           model->user_count, model->group_count, model->client_count, model->project_count,
           model->task_count, model->tag_count);
    printf("%" PRIu64 " entries (%" PRIu64 " running, %" PRIu64 " tag links), ids %" PRIu64
           " to %" PRIu64 ", seed %" PRIu64 "\n",
           load.entries, load.running, load.tag_links, model->first.entry,
           model->first.entry + load.entries - 1, opts.seed);
    printf("%.2f s, %.0f entries/s\n", seconds,
           seconds > 0 ? (double)load.entries / seconds : 0.0);
    result = 0;

out:
    if (result != 0)
        fprintf(stderr, "reportctl generate: %s\n", db->error);
    if (in_transaction && db->conn != NULL && db_exec(db, "ROLLBACK") != 0)
        fprintf(stderr, "reportctl generate: rollback failed: %s\n", db->error);
    if (db->conn != NULL && db_exec(db, "SET SESSION foreign_key_checks = 1, unique_checks = 1") != 0)
        fprintf(stderr, "reportctl generate: restoring the session settings failed: %s\n",
                db->error);
    gen_model_free(model);
    return result;
}
