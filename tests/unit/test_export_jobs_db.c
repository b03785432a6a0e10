/* test_export_jobs_db.c - export jobs against a real MariaDB: racing claimers, stale claims
 * and retries, run-due writing files atomically and pruning, and a folder that vanished.
 * SPDX-License-Identifier: MIT
 *
 * Reads the server from REPORTD_CONFIG and skips (77) without it. Every job of this test is
 * scheduled in the year 2200 and claimed with a clock set to then and a workspace filter, so
 * schedulers and tests sharing the database neither take these runs nor lose theirs to it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "admin.h"
#include "civil.h"
#include "config.h"
#include "db.h"
#include "export_file.h"
#include "export_jobs.h"
#include "scheduler.h"

static int failures;

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);      \
            failures++;                                                                    \
        }                                                                                  \
    } while (0)

static struct config cfg;
static struct db db1, db2;
static uint64_t ws_id;
static char root[64];

static int64_t utc(int year, int month, int day, int hour, int minute, int second)
{
    return civil_days_from_date(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
}

static void must(int ok, const char *what, struct db *db)
{
    if (!ok) {
        fprintf(stderr, "setup failed: %s: %s\n", what, db ? db->error : strerror(errno));
        exit(1);
    }
}

static void sql(const char *statement)
{
    must(db_exec(&db1, statement) == 0, statement, &db1);
}

static uint64_t count(const char *query)
{
    uint64_t value = 0;
    must(db_fetch_u64(&db1, query, NULL, &value) >= 0, query, &db1);
    return value;
}

/* Creates a daily 06:00 UTC job of ws_id, first due at 2200-01-01 06:00. */
static uint64_t make_job(const char *name, const char *folder, int keep)
{
    char text[512];
    struct export_job job;
    struct api_error err;
    char message[512];

    snprintf(text, sizeof(text),
             "{\"name\":\"%s\",\"report\":\"DETAILED\",\"format\":\"CSV\",\"range\":"
             "\"PREVIOUS_DAY\",\"schedule\":{\"kind\":\"DAILY\",\"time\":\"06:00\",\"timeZone\":"
             "\"UTC\"},\"folder\":\"%s\",\"keep\":%d}",
             name, folder, keep);
    json_t *body = json_loads(text, 0, NULL);
    must(body != NULL && export_job_from_json(body, &job, &err) == 0, err.message, NULL);
    json_decref(body);
    must(export_job_open_folder(cfg.export_root, folder, true, NULL, message, sizeof(message)) ==
             0,
         message, NULL);
    job.workspace_id = ws_id;
    must(export_jobs_insert(&db1, &job, utc(2200, 1, 1, 5, 0, 0)) == 0, "insert job", &db1);
    CHECK(job.next_run_at == utc(2200, 1, 1, 6, 0, 0));
    uint64_t id = job.id;
    export_job_free(&job);
    return id;
}

static void setup(void)
{
    char err[512], name[96], email[128], statement[1024];
    struct admin_workspace_options options = {NULL, "UTC", "EUR", "MONDAY", "NEAREST", 0};
    uint64_t user_id = 0;

    const char *path = getenv("REPORTD_CONFIG");
    if (path == NULL || path[0] == '\0') {
        printf("SKIP: REPORTD_CONFIG is not set (no database to test against)\n");
        exit(77);
    }
    if (config_load(&cfg, path, 1, err, sizeof(err)) != 0) {
        fprintf(stderr, "%s\n", err);
        exit(1);
    }
    snprintf(root, sizeof(root), "/tmp/reportd-jobs-db.XXXXXX");
    must(mkdtemp(root) != NULL, "mkdtemp", NULL);
    snprintf(cfg.export_root, sizeof(cfg.export_root), "%s/exports", root);
    snprintf(cfg.temp_dir, sizeof(cfg.temp_dir), "%s", root);
    must(mkdir(cfg.export_root, 0755) == 0, "mkdir exports", NULL);

    db_init(&db1, &cfg);
    db_init(&db2, &cfg);
    must(db_connect(&db1) == 0, "connect", &db1);
    must(db_connect(&db2) == 0, "connect", &db2);

    snprintf(name, sizeof(name), "jobs-db-%d-%ld", (int)getpid(), (long)time(NULL));
    snprintf(email, sizeof(email), "owner-%s@example.com", name);
    options.name = name;
    must(admin_workspace_create(&db1, &options, &ws_id) == 0, "workspace", &db1);
    must(admin_user_ensure(&db1, email, "Owner", &user_id) == 0, "user", &db1);
    must(admin_membership_set(&db1, ws_id, user_id, AUTH_ROLE_OWNER) == 0, "member", &db1);
    /* Three entries on 2199-12-31 (the day before the first run) and one the day before. */
    snprintf(statement, sizeof(statement),
             "INSERT INTO time_entries (workspace_id, user_id, description, start_at, end_at, "
             "billable) VALUES (%llu, %llu, 'first', '2199-12-31 08:00:00', '2199-12-31 "
             "09:00:00', 1), (%llu, %llu, 'second', '2199-12-31 10:00:00', '2199-12-31 "
             "10:30:00', 0), (%llu, %llu, '=third', '2199-12-31 23:59:59', '2200-01-01 "
             "00:30:00', 1), (%llu, %llu, 'older', '2199-12-30 12:00:00', '2199-12-30 "
             "13:00:00', 1)",
             (unsigned long long)ws_id, (unsigned long long)user_id, (unsigned long long)ws_id,
             (unsigned long long)user_id, (unsigned long long)ws_id, (unsigned long long)user_id,
             (unsigned long long)ws_id, (unsigned long long)user_id);
    sql(statement);
}

static void teardown(void)
{
    char statement[256];

    snprintf(statement, sizeof(statement), "DELETE FROM workspaces WHERE id = %llu",
             (unsigned long long)ws_id);
    sql(statement);
    db_close(&db1);
    db_close(&db2);
    snprintf(statement, sizeof(statement), "rm -rf '%s'", root);
    CHECK(system(statement) == 0);
}

/* A locked job is skipped, not waited for; once free it is claimed exactly once. */
static uint64_t test_skip_locked(void)
{
    struct export_run run;
    struct db_params params;
    uint64_t locked = 0;
    uint64_t job = make_job("locked", "a", 3);
    int64_t now = utc(2200, 1, 1, 6, 0, 30);

    sql("START TRANSACTION");
    db_params_init(&params);
    db_params_add_u64(&params, job);
    must(db_fetch_u64(&db1, "SELECT id FROM export_jobs WHERE id = ? FOR UPDATE", &params,
                      &locked) == 1,
         "lock", &db1);
    db_params_free(&params);
    time_t before = time(NULL);
    CHECK(export_jobs_claim(&db2, "host-b:2", ws_id, now, &run) == 0);
    CHECK(time(NULL) - before < 5); /* skipped at once, not after a lock wait timeout */
    sql("ROLLBACK");

    CHECK(export_jobs_claim(&db2, "host-b:2", ws_id, now, &run) == 1);
    CHECK(run.job_id == job);
    CHECK(run.status == RUN_RUNNING);
    CHECK(run.attempt == 1);
    CHECK(run.scheduled_for == utc(2200, 1, 1, 6, 0, 0));
    CHECK(strcmp(run.claimed_by, "host-b:2") == 0);
    CHECK(export_jobs_claim(&db1, "host-a:1", ws_id, now, &run) == 0);
    return job;
}

/* A claimer that stopped heartbeating loses the run to another; failures back off and end
 * in FAILED after the last attempt. */
static void test_stale_and_retries(uint64_t job)
{
    struct export_run run, taken;
    struct export_run_outcome failed;
    int64_t claimed_at = utc(2200, 1, 1, 6, 0, 30);

    memset(&failed, 0, sizeof(failed));
    snprintf(failed.error, sizeof(failed.error), "simulated failure");
    CHECK(export_jobs_claim(&db1, "host-c:3", ws_id, claimed_at + 60, &run) == 0);
    CHECK(export_jobs_claim(&db1, "host-c:3", ws_id,
                            claimed_at + EXPORT_JOBS_STALE_SECONDS + 1, &taken) == 1);
    CHECK(taken.job_id == job);
    CHECK(taken.attempt == 2);
    CHECK(strcmp(taken.claimed_by, "host-c:3") == 0);
    CHECK(strstr(taken.error, "stopped heartbeating") != NULL);

    /* The old claimer learns it lost the run and cannot record an outcome. */
    run = taken;
    snprintf(run.claimed_by, sizeof(run.claimed_by), "host-b:2");
    CHECK(export_jobs_heartbeat(&db2, taken.id, "host-b:2", claimed_at + 200) == 0);
    CHECK(export_jobs_finish(&db2, &run, "host-b:2", claimed_at + 200, &failed) == -1);
    CHECK(export_jobs_heartbeat(&db1, taken.id, "host-c:3", claimed_at + 200) == 1);

    /* Attempt 2 fails: retry after 120 s. */
    int64_t t2 = claimed_at + 300;
    CHECK(export_jobs_finish(&db1, &taken, "host-c:3", t2, &failed) == 0);
    CHECK(export_jobs_claim(&db1, "host-c:3", ws_id, t2 + 60, &run) == 0);
    CHECK(export_jobs_claim(&db1, "host-c:3", ws_id, t2 + 121, &run) == 1);
    CHECK(run.id == taken.id);
    CHECK(run.attempt == 3);
    CHECK(strcmp(run.error, "simulated failure") == 0);
    /* The last attempt fails for good. */
    CHECK(export_jobs_finish(&db1, &run, "host-c:3", t2 + 130, &failed) == 0);
    CHECK(export_jobs_claim(&db1, "host-c:3", ws_id, t2 + 3600, &run) == 0);

    struct export_run *runs = NULL;
    size_t n = 0;
    CHECK(export_jobs_runs(&db1, job, 10, &runs, &n) == 0);
    CHECK(n == 1);
    if (n == 1) {
        CHECK(runs[0].status == RUN_FAILED);
        CHECK(runs[0].next_retry_at == 0);
    }
    free(runs);
    CHECK(export_jobs_delete(&db1, ws_id, job) == 1);
}

/* Two processes with their own connections race for 12 due jobs: each run exists once. */
static void test_race(void)
{
    enum { JOBS = 12 };
    char name[32], query[512];
    int64_t now = utc(2200, 1, 1, 7, 0, 0);
    pid_t children[2];
    int claimed_total = 0;

    for (int i = 0; i < JOBS; i++) {
        snprintf(name, sizeof(name), "race-%d", i);
        make_job(name, "race", 1);
    }
    for (int c = 0; c < 2; c++) {
        children[c] = fork();
        must(children[c] >= 0, "fork", NULL);
        if (children[c] == 0) {
            struct db own;
            struct export_run run;
            char claimer[32];
            int got = 0;
            snprintf(claimer, sizeof(claimer), "racer-%d:%d", c, (int)getpid());
            db_init(&own, &cfg);
            if (db_connect(&own) != 0)
                _exit(200);
            for (;;) {
                int claimed = export_jobs_claim(&own, claimer, ws_id, now, &run);
                if (claimed < 0)
                    _exit(201);
                if (claimed == 0)
                    break;
                got++;
            }
            db_close(&own);
            _exit(got);
        }
    }
    for (int c = 0; c < 2; c++) {
        int status = 0;
        waitpid(children[c], &status, 0);
        CHECK(WIFEXITED(status));
        CHECK(WEXITSTATUS(status) <= JOBS);
        if (WIFEXITED(status) && WEXITSTATUS(status) <= JOBS)
            claimed_total += WEXITSTATUS(status);
    }
    CHECK(claimed_total == JOBS);
    snprintf(query, sizeof(query),
             "SELECT COUNT(*) FROM export_runs r JOIN export_jobs j ON j.id = r.job_id WHERE "
             "j.workspace_id = %llu AND j.name LIKE 'race-%%'",
             (unsigned long long)ws_id);
    CHECK(count(query) == JOBS);
    snprintf(query, sizeof(query),
             "SELECT COUNT(DISTINCT r.job_id) FROM export_runs r JOIN export_jobs j ON j.id = "
             "r.job_id WHERE j.workspace_id = %llu AND j.name LIKE 'race-%%' AND r.status = "
             "'RUNNING'",
             (unsigned long long)ws_id);
    CHECK(count(query) == JOBS);
    snprintf(query, sizeof(query),
             "DELETE FROM export_jobs WHERE workspace_id = %llu AND name LIKE 'race-%%'",
             (unsigned long long)ws_id);
    sql(query);
}

/* Lists the plain files of dir into names (sorted), returns how many. */
static int list_files(const char *dir, char names[][256], int max)
{
    DIR *d = opendir(dir);
    struct dirent *entry;
    int n = 0;

    if (d == NULL)
        return -1;
    while ((entry = readdir(d)) != NULL) {
        if (strcmp(entry->d_name, ".") == 0 || strcmp(entry->d_name, "..") == 0)
            continue;
        if (n < max)
            snprintf(names[n], 256, "%s", entry->d_name);
        n++;
    }
    closedir(d);
    for (int i = 1; i < n && i < max; i++) {
        for (int k = i; k > 0 && strcmp(names[k - 1], names[k]) > 0; k--) {
            char swap[256];
            memcpy(swap, names[k], 256);
            memcpy(names[k], names[k - 1], 256);
            memcpy(names[k - 1], swap, 256);
        }
    }
    return n;
}

static void sha256_file(const char *path, char *hex, long *size)
{
    unsigned char digest[32], buffer[4096];
    unsigned int len = 0;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    FILE *file = fopen(path, "rb");
    size_t got;

    hex[0] = '\0';
    *size = 0;
    if (file == NULL || ctx == NULL)
        goto out;
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    while ((got = fread(buffer, 1, sizeof(buffer), file)) > 0) {
        EVP_DigestUpdate(ctx, buffer, got);
        *size += (long)got;
    }
    EVP_DigestFinal_ex(ctx, digest, &len);
    for (unsigned int i = 0; i < len; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
out:
    if (file != NULL)
        fclose(file);
    EVP_MD_CTX_free(ctx);
}

/* run-due writes each run's file under its final name only, records it, and keeps 2. */
static void test_run_due_and_prune(void)
{
    struct scheduler_pass pass;
    struct scheduler_tally tally;
    char names[8][256], dir[640], path[1024], hex[65];
    long size = 0;
    uint64_t job = make_job("kept", "keep/two", 2);

    snprintf(dir, sizeof(dir), "%s/keep/two", cfg.export_root);
    memset(&pass, 0, sizeof(pass));
    pass.claimer = "test-run-due:1";
    pass.workspace_id = ws_id;
    for (int day = 1; day <= 4; day++) {
        pass.now = utc(2200, 1, day, 6, 0, 10);
        CHECK(scheduler_run_due(&db1, &db2, &cfg, &pass, &tally) == 0);
        CHECK(tally.succeeded == 1);
        CHECK(tally.failed == 0);
        int n = list_files(dir, names, 8);
        CHECK(n == (day < 2 ? day : 2));
        for (int i = 0; i < n && i < 8; i++)
            CHECK(names[i][0] != '.'); /* no temporary file left behind */
    }

    struct export_run *runs = NULL;
    size_t n = 0;
    CHECK(export_jobs_runs(&db1, job, 10, &runs, &n) == 0);
    CHECK(n == 4);
    if (n == 4) {
        /* Newest first: the runs of 01-04 and 01-03 keep their files. */
        for (size_t i = 0; i < 4; i++)
            CHECK(runs[i].status == RUN_SUCCEEDED);
        CHECK(runs[3].rows == 3); /* 2199-12-31 had three entries */
        CHECK(runs[2].rows == 0);
        CHECK(strstr(runs[3].file_name, "reportd_detailed_2199-12-31_2199-12-31_job") ==
              runs[3].file_name);
        for (size_t i = 0; i < 4; i++) {
            snprintf(path, sizeof(path), "%s/%s", dir, runs[i].file_name);
            struct stat info;
            bool present = stat(path, &info) == 0;
            CHECK(present == (i < 2));
            if (present) {
                sha256_file(path, hex, &size);
                CHECK(strcmp(hex, runs[i].sha256) == 0);
                CHECK((uint64_t)size == runs[i].bytes);
            }
        }
        CHECK(runs[3].bytes > 100);
        CHECK(strlen(runs[3].sha256) == 64);
    }
    free(runs);
    CHECK(export_jobs_delete(&db1, ws_id, job) == 1);
}

/* A job whose folder was removed fails with a message naming the folder, and nothing is
 * created. */
static void test_vanished_folder(void)
{
    struct scheduler_pass pass;
    struct scheduler_tally tally;
    char dir[640], names[4][256];
    uint64_t job = make_job("vanished", "gone/deeper", 1);

    snprintf(dir, sizeof(dir), "%s/gone/deeper", cfg.export_root);
    CHECK(rmdir(dir) == 0);
    memset(&pass, 0, sizeof(pass));
    pass.claimer = "test-vanished:1";
    pass.workspace_id = ws_id;
    pass.now = utc(2200, 1, 1, 6, 0, 10);
    CHECK(scheduler_run_due(&db1, &db2, &cfg, &pass, &tally) == 0);
    CHECK(tally.succeeded == 0);
    CHECK(tally.failed == 1);
    struct export_run *runs = NULL;
    size_t n = 0;
    CHECK(export_jobs_runs(&db1, job, 10, &runs, &n) == 0);
    CHECK(n == 1);
    if (n == 1) {
        CHECK(runs[0].status == RUN_PENDING);
        CHECK(runs[0].next_retry_at == pass.now + EXPORT_JOBS_RETRY_SECONDS);
        CHECK(strstr(runs[0].error, "does not exist") != NULL);
        CHECK(strstr(runs[0].error, "gone/deeper") != NULL);
        CHECK(runs[0].file_name[0] == '\0');
    }
    free(runs);
    snprintf(dir, sizeof(dir), "%s/gone", cfg.export_root);
    CHECK(list_files(dir, names, 4) == 0); /* not recreated, no file anywhere below */
    CHECK(export_jobs_delete(&db1, ws_id, job) == 1);
}

static int stop_at_end(void *ctx, uint64_t rows)
{
    (void)ctx;
    (void)rows;
    return 1;
}

/* export_file_write directly: a failure keeps the older file; a folder removed after it was
 * opened gives a clear error and no file. */
static void test_export_file_failures(void)
{
    struct export_job job;
    struct report_context ctx;
    struct report_request r;
    struct api_error err;
    struct export_file_spec spec;
    struct export_file_result result;
    char dir[640], path[768], names[4][256], message[256];
    int fd = -1;

    memset(&job, 0, sizeof(job));
    job.report = JOB_REPORT_DETAILED;
    job.format = JOB_FORMAT_CSV;
    job.range = JOB_RANGE_PREVIOUS_DAY;
    job.request_json = strdup("{}");
    snprintf(job.time_zone, sizeof(job.time_zone), "UTC");
    memset(&ctx, 0, sizeof(ctx));
    ctx.workspace_id = ws_id;
    snprintf(ctx.currency, sizeof(ctx.currency), "EUR");
    ctx.page_size_max = 1000;
    ctx.ids_max = 1000;
    CHECK(export_job_build_request(&job, utc(2200, 1, 1, 6, 0, 0), &ctx, &r, &err) == 0);

    must(export_job_open_folder(cfg.export_root, "direct", true, &fd, message, sizeof(message)) ==
             0,
         message, NULL);
    snprintf(dir, sizeof(dir), "%s/direct", cfg.export_root);
    snprintf(path, sizeof(path), "%s/report.csv", dir);
    FILE *old = fopen(path, "w");
    must(old != NULL, "old file", NULL);
    fputs("older export\n", old);
    fclose(old);

    memset(&spec, 0, sizeof(spec));
    spec.kind = EXPORT_FILE_DETAILED;
    spec.request = &r;
    spec.format = EXPORT_CSV;
    spec.folder_fd = fd;
    spec.folder_name = "direct";
    spec.file_name = "report.csv";
    spec.temp_dir = cfg.temp_dir;
    spec.progress = stop_at_end;
    CHECK(export_file_write(&db2, &spec, &result) == -1);
    CHECK(strstr(result.error, "stopped") != NULL);
    CHECK(list_files(dir, names, 4) == 1);
    char text[64] = "";
    FILE *kept = fopen(path, "r");
    CHECK(kept != NULL);
    if (kept != NULL) {
        CHECK(fgets(text, sizeof(text), kept) != NULL);
        fclose(kept);
    }
    CHECK(strcmp(text, "older export\n") == 0);

    /* Without the stop it replaces the older file. */
    spec.progress = NULL;
    CHECK(export_file_write(&db2, &spec, &result) == 0);
    CHECK(result.rows == 3);
    CHECK(list_files(dir, names, 4) == 1);

    /* The folder goes away after it was opened. */
    CHECK(unlink(path) == 0);
    CHECK(rmdir(dir) == 0);
    CHECK(export_file_write(&db2, &spec, &result) == -1);
    CHECK(strstr(result.error, "vanished") != NULL);
    CHECK(strstr(result.error, "direct") != NULL);
    close(fd);
    report_request_free(&r);
    export_job_free(&job);
}

int main(void)
{
    setup();
    uint64_t job = test_skip_locked();
    test_stale_and_retries(job);
    test_race();
    test_run_due_and_prune();
    test_vanished_folder();
    test_export_file_failures();
    teardown();
    if (failures > 0) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    printf("test_export_jobs_db: all checks passed\n");
    return 0;
}
