/* generate.h - `reportctl generate`: deterministic, realistic time-tracking data for one workspace.
 * SPDX-License-Identifier: MIT
 *
 * The model (users, projects, tags, ...) and the entry stream are pure functions of the options,
 * the seed and the first ids, so tests can check them without a database; generate_main writes
 * them to MariaDB through LOAD DATA LOCAL INFILE.
 */
#ifndef REPORTD_GENERATE_H
#define REPORTD_GENERATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "sink.h"
#include "tz.h"

/* A rate level that sets no rate (SQL NULL), so resolution falls through to the next level. */
#define GEN_RATE_NONE INT64_C(-1)
#define GEN_ENTRY_TAGS_MAX 3
/* Characters (code points) of the few very long descriptions. */
#define GEN_LONG_TEXT_CHARS 40000

struct gen_options {
    char workspace[256];
    uint64_t entries;
    int users;
    int projects;
    uint64_t seed;
    int64_t from_day;               /* first local day (days since 1970-01-01), inclusive */
    int64_t to_day;                 /* last local day, inclusive */
    char time_zone[TZ_NAME_MAX + 1]; /* zone of a new workspace */
    bool append;                    /* allow a workspace that already has entries */
};

/* First id of each table; the model numbers its rows upwards from these. */
struct gen_ids {
    uint64_t workspace, user, group, client, project, task, tag, entry;
};

struct gen_workspace {
    uint64_t id;
    bool existed;                   /* true: only its rates are used, nothing is written to it */
    char currency[4];
    char time_zone[TZ_NAME_MAX + 1];
    const char *week_start;
    int64_t hourly_rate;            /* cents per hour */
    int64_t cost_rate;
};

/* One project a user belongs to, with the project member rates (GEN_RATE_NONE when unset). */
struct gen_membership_project {
    int project;                    /* index into gen_model.projects */
    int64_t hourly_rate;
    int64_t cost_rate;
};

struct gen_user {
    uint64_t id;
    char name[64];
    char email[128];
    const char *zone;               /* IANA name, static storage */
    const char *role;               /* OWNER, ADMIN or MEMBER */
    bool active;
    int64_t hourly_rate;            /* workspace member rates, GEN_RATE_NONE when unset */
    int64_t cost_rate;
    struct gen_membership_project *projects;
    int project_count;
    uint64_t entries;               /* how many entries the stream gives this user */
    int64_t last_day;               /* inactive users stop before the range ends */
    int start_minute;               /* local minute of day where the work window opens */
    int window_minutes;
    bool saturdays;
    bool running_timer;             /* the user's latest entry has no end */
};

struct gen_group {
    uint64_t id;
    char name[64];
    int *members;                   /* user indexes */
    int member_count;
};

struct gen_client {
    uint64_t id;
    char name[96];
    bool archived;
};

struct gen_project {
    uint64_t id;
    int client;                     /* index into clients, -1 for none */
    char name[96];
    char color[8];
    bool billable;
    bool archived;
    int64_t hourly_rate;
    int64_t cost_rate;
    int first_task;                 /* index into tasks */
    int task_count;
};

struct gen_task {
    uint64_t id;
    int project;
    char name[96];
    int64_t hourly_rate;
    int64_t cost_rate;
    bool done;
};

struct gen_tag {
    uint64_t id;
    char name[64];
    bool archived;
};

struct gen_model {
    struct gen_options options;
    struct gen_ids first;
    struct gen_workspace workspace;
    struct gen_user *users;
    int user_count;
    struct gen_group *groups;
    int group_count;
    struct gen_client *clients;
    int client_count;
    struct gen_project *projects;
    int project_count;
    struct gen_task *tasks;
    int task_count;
    struct gen_tag *tags;
    int tag_count;
};

/* One generated entry. description points into the stream and is valid until the next call. */
struct gen_entry {
    uint64_t id;
    int user;                       /* index into gen_model.users */
    int project;                    /* index, -1 for none */
    int task;                       /* index, -1 for none */
    int64_t start;                  /* UTC seconds */
    int64_t end;                    /* UTC seconds; meaningless while running */
    bool running;
    bool billable;
    int64_t hourly_rate;            /* resolved, cents per hour */
    int64_t cost_rate;
    bool approved;
    bool invoiced;
    uint64_t tag_ids[GEN_ENTRY_TAGS_MAX]; /* ascending */
    int tag_count;
    const char *description;        /* UTF-8, not NUL-free in general: use description_len */
    size_t description_len;
};

struct gen_stream;

/* Advances a splitmix64 state and returns the next 64 random bits. */
uint64_t gen_rng_next(uint64_t *state);

/* Returns a random integer in [0, bound); bound must be positive. */
uint64_t gen_rng_below(uint64_t *state, uint64_t bound);

/* True with probability per_mille / 1000. */
bool gen_rng_chance(uint64_t *state, unsigned per_mille);

/* A seed for one stream of the generator (the model, or user i), so streams do not depend on
 * how many numbers other streams draw. */
uint64_t gen_rng_substream(uint64_t seed, uint64_t stream);

/* Zones handed out to users in turn (generate_model.c). */
extern const char *const gen_zones[];
extern const int gen_zone_count;

/* Parses the options after argv[0] ("generate") into opts. Returns 0, or -1 with a message for
 * the user in err. */
int gen_options_parse(int argc, char **argv, struct gen_options *opts, char *err, size_t err_size);

/* Builds the model for opts with ids counted from first. existing is NULL for a new workspace,
 * otherwise the stored workspace whose id and rates the model takes over (names of new rows then
 * carry their id, so they do not clash with rows already there). Returns NULL when memory runs
 * out; the caller frees the result with gen_model_free. */
struct gen_model *gen_model_new(const struct gen_options *opts, const struct gen_ids *first,
                                const struct gen_workspace *existing);

void gen_model_free(struct gen_model *model);

/* Resolves the rates of an entry: task rate, then project member rate, then project rate, then
 * workspace member rate, then workspace rate; each of hourly and cost falls through separately.
 * project and task may be -1. */
void gen_model_resolve_rates(const struct gen_model *model, int user, int project, int task,
                             int64_t *hourly_rate, int64_t *cost_rate);

/* Starts the entry stream of model, which must outlive it. The stream changes the process time
 * zone (tz_use). Returns NULL when memory runs out. */
struct gen_stream *gen_stream_new(const struct gen_model *model);

/* Fills entry with the next entry in start order. Returns 1 for an entry, 0 at the end, -1 when
 * memory runs out. */
int gen_stream_next(struct gen_stream *stream, struct gen_entry *entry);

void gen_stream_free(struct gen_stream *stream);

/* Appends a description to out, drawn from rng: mostly ordinary text, but also empty text,
 * commas, quotes, line breaks, tabs, backslashes, non-ASCII, emoji and text that begins with
 * = + - @. With long_text it writes GEN_LONG_TEXT_CHARS code points instead. Returns 0, or -1
 * when memory runs out. */
int gen_text_description(uint64_t *rng, bool long_text, struct membuf *out);

/* Runs `reportctl generate` (argv[0] is "generate"). Returns the exit code: 0 done, 2 usage
 * error or refused workspace, 3 database error. */
int generate_main(struct db *db, int argc, char **argv);

#endif
