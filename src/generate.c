/* generate.c - `reportctl generate`: builds a deterministic workspace model and entry stream from
 * a seed and bulk-loads them into MariaDB. SPDX-License-Identifier: MIT
 */
#include "generate.h"

#include <errno.h>
#include <errmsg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "civil.h"
#include "day_totals.h"
#include "log.h"
#include "report_query.h"

#define GEN_USERS_MAX 100000
#define GEN_PROJECTS_MAX 100000
#define GEN_ENTRIES_MAX UINT64_C(1000000000)
#define GEN_RANGE_DAYS_MAX 7305 /* 20 years */
#define GEN_GROUPS_MAX 20
/* Most entries for which the generator lets InnoDB load an empty time_entries by sorting (see
 * gen_first_ids). On a 2-CPU virtual machine with MariaDB 10.11.19 that made 1,000,000 entries
 * 10-15% faster, but 10,000,000 slower than row by row (152 s against 125 s). The sort merges
 * its runs in more passes as the load grows, and MariaDB's statistics thread spins on a whole
 * core until the load ends. NOTE: the crossover between 1 and 10 million is not measured. */
#define GEN_SORTED_LOAD_ENTRIES_MAX UINT64_C(2000000)

/* Rows of a spill (see struct gen_spill) that collect in memory before they move to its file,
 * in bytes. */
#define GEN_SPILL_BYTES (256 * 1024)

/* Zones handed out to users in turn, so any ten users cover DST in both hemispheres, half-hour
 * offsets and zones without DST. */
static const char *const gen_zones[] = {
    "Europe/Berlin",    "America/New_York", "Asia/Kolkata",       "Pacific/Auckland",
    "UTC",              "America/Los_Angeles", "Europe/London",   "Australia/Sydney",
    "America/Sao_Paulo", "Asia/Tokyo",
};
#define GEN_ZONE_COUNT (int)(sizeof(gen_zones) / sizeof(gen_zones[0]))

struct gen_name {
    const char *display;
    const char *ascii; /* for the email address */
};

static const struct gen_name gen_first_names[] = {
    {"Anna", "anna"},   {"Ben", "ben"},       {"Chloé", "chloe"},  {"David", "david"},
    {"Emma", "emma"},   {"Farid", "farid"},   {"Grace", "grace"},  {"Hiroshi", "hiroshi"},
    {"Ines", "ines"},   {"José", "jose"},     {"Kavya", "kavya"},  {"Łukasz", "lukasz"},
    {"Maya", "maya"},   {"Noah", "noah"},     {"Olivia", "olivia"}, {"Priya", "priya"},
    {"Søren", "soren"}, {"Tama", "tama"},     {"Zoë", "zoe"},      {"Wei", "wei"},
};

static const struct gen_name gen_last_names[] = {
    {"Schmidt", "schmidt"}, {"Nguyen", "nguyen"},   {"O'Brien", "obrien"}, {"Müller", "muller"},
    {"Garcia", "garcia"},   {"Patel", "patel"},     {"Kowalski", "kowalski"}, {"Tanaka", "tanaka"},
    {"Smith", "smith"},     {"Ngata", "ngata"},     {"Rossi", "rossi"},   {"Dubois", "dubois"},
    {"Silva", "silva"},     {"Johansson", "johansson"}, {"Kim", "kim"},   {"Brown", "brown"},
};

static const char *const gen_group_names[] = {
    "Engineering", "Design", "Sales", "Support", "Marketing", "Finance",
    "Operations",  "Product", "Research", "Legal", "People", "Consulting",
};

static const char *const gen_client_names[] = {
    "Acme Corp", "Globex", "Initech", "Umbrella GmbH", "Stark, Wayne & Partners",
    "Müller AG", "Soylent", "Hooli", "Tyrell \"Replicant\" Ltd", "Cyberdyne", "Wonka",
    "東京商事",
};

static const char *const gen_project_names[] = {
    "Website Redesign", "Mobile App", "Internal Tools", "Data Migration", "Billing",
    "Onboarding", "Marketing Site", "API Platform", "Support", "Research", "Compliance",
    "Infrastructure", "Analytics", "Design System", "Training", "Überarbeitung",
};

static const char *const gen_task_names[] = {
    "Design", "Development", "Testing", "Meetings", "Documentation", "Deployment",
    "Support", "Research", "Review", "Planning",
};

static const char *const gen_tag_names[] = {
    "meeting", "bug", "feature", "review", "urgent", "research", "admin", "travel",
    "support", "design", "frontend", "backend", "devops", "docs", "training", "sales",
    "call", "email", "planning", "qa", "ops", "client", "internal", "overtime",
    "on-call", "hotfix", "refactor", "security", "analytics", "hiring", "billing", "legal",
    "café", "needs, comma", "\"quoted\"", "🚀 launch",
};

static const char *const gen_colors[] = {
    "#F44336", "#E91E63", "#9C27B0", "#673AB7", "#3F51B5", "#2196F3",
    "#03A9F4", "#009688", "#4CAF50", "#CDDC39", "#FF9800", "#795548",
};

static const char *const gen_currencies[] = {"USD", "EUR", "GBP", "NZD", "INR"};

#define GEN_COUNT(array) (int)(sizeof(array) / sizeof((array)[0]))

/* ---- random numbers ---- */

uint64_t gen_rng_next(uint64_t *state)
{
    /* splitmix64: one addition and three xor-shift-multiply rounds; fast and well mixed. */
    uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

uint64_t gen_rng_below(uint64_t *state, uint64_t bound)
{
    /* The modulo bias is below 2^-40 for the bounds used here. */
    return gen_rng_next(state) % bound;
}

/* True with probability per_mille / 1000. */
static bool gen_chance(uint64_t *state, unsigned per_mille)
{
    return gen_rng_below(state, 1000) < per_mille;
}

/* A seed for one stream of the generator (the model, or user i), so streams do not depend on
 * how many numbers other streams draw. */
static uint64_t gen_substream(uint64_t seed, uint64_t stream)
{
    uint64_t state = seed ^ (stream * UINT64_C(0xD1B54A32D192ED03));
    gen_rng_next(&state);
    return state;
}

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

/* ---- model ---- */

/* A rate in cents per hour between low and high, rounded to 50 cents, or GEN_RATE_NONE with
 * probability 1 - per_mille / 1000. */
static int64_t gen_rate(uint64_t *rng, unsigned per_mille, int64_t low, int64_t high)
{
    if (!gen_chance(rng, per_mille))
        return GEN_RATE_NONE;
    int64_t rate = low + (int64_t)gen_rng_below(rng, (uint64_t)(high - low + 1));
    return rate / 50 * 50;
}

/* Writes base, then " #id" when names must not clash with rows already in the workspace, or
 * " N" for the Nth reuse of a list name. */
static void gen_name(char *out, size_t size, const char *base, int round, bool with_id,
                     uint64_t id)
{
    if (with_id)
        snprintf(out, size, "%s #%" PRIu64, base, id);
    else if (round > 0)
        snprintf(out, size, "%s %d", base, round + 1);
    else
        snprintf(out, size, "%s", base);
}

static void gen_model_workspace(struct gen_model *model, uint64_t *rng,
                                const struct gen_workspace *existing)
{
    struct gen_workspace *ws = &model->workspace;

    if (existing != NULL) {
        *ws = *existing;
        ws->existed = true;
        return;
    }
    ws->id = model->first.workspace;
    ws->existed = false;
    snprintf(ws->currency, sizeof(ws->currency), "%s",
             gen_currencies[gen_rng_below(rng, GEN_COUNT(gen_currencies))]);
    snprintf(ws->time_zone, sizeof(ws->time_zone), "%s", model->options.time_zone);
    ws->week_start = strcmp(ws->currency, "USD") == 0 ? "SUNDAY" : "MONDAY";
    ws->hourly_rate = gen_rate(rng, 1000, 6000, 15000);
    ws->cost_rate = gen_rate(rng, 1000, 2500, 6000);
}

static int gen_model_users(struct gen_model *model, uint64_t *rng)
{
    const struct gen_options *opts = &model->options;
    int zone_offset = (int)gen_rng_below(rng, GEN_ZONE_COUNT);
    int64_t span = opts->to_day - opts->from_day + 1;
    uint64_t weight_total = 0;
    uint64_t *weights = calloc((size_t)opts->users, sizeof(*weights));

    model->users = calloc((size_t)opts->users, sizeof(*model->users));
    if (weights == NULL || model->users == NULL) {
        free(weights);
        return -1;
    }
    model->user_count = opts->users;

    for (int i = 0; i < model->user_count; i++) {
        struct gen_user *user = &model->users[i];
        const struct gen_name *first = &gen_first_names[gen_rng_below(rng, GEN_COUNT(gen_first_names))];
        const struct gen_name *last = &gen_last_names[gen_rng_below(rng, GEN_COUNT(gen_last_names))];

        user->id = model->first.user + (uint64_t)i;
        snprintf(user->name, sizeof(user->name), "%s %s", first->display, last->display);
        snprintf(user->email, sizeof(user->email), "%s.%s.%" PRIu64 "@example.com", first->ascii,
                 last->ascii, user->id);
        user->zone = gen_zones[(i + zone_offset) % GEN_ZONE_COUNT];
        user->active = i == 0 || !gen_chance(rng, 100);
        if (i == 0 && !model->workspace.existed)
            user->role = "OWNER";
        else if (i == 1 || gen_chance(rng, 100))
            user->role = "ADMIN";
        else
            user->role = "MEMBER";
        user->hourly_rate = gen_rate(rng, 500, 4000, 20000);
        user->cost_rate = gen_rate(rng, 400, 2000, 8000);
        user->saturdays = gen_chance(rng, 160);
        /* One user in eight works evenings, so their entries cross local midnight. */
        if (gen_chance(rng, 125)) {
            user->start_minute = 18 * 60 + (int)gen_rng_below(rng, 180);
            user->window_minutes = 8 * 60;
        } else {
            user->start_minute = 7 * 60 + (int)gen_rng_below(rng, 180);
            user->window_minutes = 7 * 60 + (int)gen_rng_below(rng, 180);
        }
        user->last_day = opts->to_day;
        weights[i] = 50 + gen_rng_below(rng, 101);
        if (!user->active) {
            /* Inactive users left after 50% to 90% of the range. */
            int64_t kept = span * (50 + (int64_t)gen_rng_below(rng, 41)) / 100;
            user->last_day = opts->from_day + (kept > 0 ? kept - 1 : 0);
            weights[i] = weights[i] * (uint64_t)(kept > 0 ? kept : 1) / (uint64_t)span + 1;
        }
        user->running_timer = user->active && gen_chance(rng, 250);
        weight_total += weights[i];
    }

    /* Share the entries by weight; the remainder goes one each to the first users. */
    uint64_t assigned = 0;
    for (int i = 0; i < model->user_count; i++) {
        model->users[i].entries = opts->entries / weight_total * weights[i] +
                                  opts->entries % weight_total * weights[i] / weight_total;
        assigned += model->users[i].entries;
    }
    for (int i = 0; assigned < opts->entries; i = (i + 1) % model->user_count) {
        model->users[i].entries++;
        assigned++;
    }
    free(weights);
    return 0;
}

static int gen_model_groups(struct gen_model *model, uint64_t *rng)
{
    int count = model->user_count / 8;
    if (count < 1)
        count = 1;
    if (count > GEN_GROUPS_MAX)
        count = GEN_GROUPS_MAX;

    model->groups = calloc((size_t)count, sizeof(*model->groups));
    if (model->groups == NULL)
        return -1;
    model->group_count = count;
    for (int g = 0; g < count; g++) {
        struct gen_group *group = &model->groups[g];
        group->id = model->first.group + (uint64_t)g;
        gen_name(group->name, sizeof(group->name), gen_group_names[g % GEN_COUNT(gen_group_names)],
                 g / GEN_COUNT(gen_group_names), model->workspace.existed, group->id);
        group->members = calloc((size_t)model->user_count, sizeof(*group->members));
        if (group->members == NULL)
            return -1;
    }

    /* Most users are in one group, some in two, a few in none. */
    for (int i = 0; i < model->user_count; i++) {
        int home = i % count;
        if (gen_chance(rng, 880))
            model->groups[home].members[model->groups[home].member_count++] = i;
        int other = (int)gen_rng_below(rng, (uint64_t)count);
        if (other != home && gen_chance(rng, 200))
            model->groups[other].members[model->groups[other].member_count++] = i;
    }
    return 0;
}

static int gen_model_projects(struct gen_model *model, uint64_t *rng)
{
    int project_count = model->options.projects;
    int client_count = project_count == 0 ? 0 : (project_count + 3) / 4;

    model->clients = calloc((size_t)client_count + 1, sizeof(*model->clients));
    model->projects = calloc((size_t)project_count + 1, sizeof(*model->projects));
    /* At most six tasks per project. */
    model->tasks = calloc((size_t)project_count * 6 + 1, sizeof(*model->tasks));
    if (model->clients == NULL || model->projects == NULL || model->tasks == NULL)
        return -1;

    model->client_count = client_count;
    for (int c = 0; c < client_count; c++) {
        struct gen_client *client = &model->clients[c];
        client->id = model->first.client + (uint64_t)c;
        gen_name(client->name, sizeof(client->name),
                 gen_client_names[c % GEN_COUNT(gen_client_names)], c / GEN_COUNT(gen_client_names),
                 model->workspace.existed, client->id);
        client->archived = gen_chance(rng, 100);
    }

    model->project_count = project_count;
    for (int p = 0; p < project_count; p++) {
        struct gen_project *project = &model->projects[p];
        project->id = model->first.project + (uint64_t)p;
        project->client = gen_chance(rng, 150) ? -1 : (int)gen_rng_below(rng, (uint64_t)client_count);
        gen_name(project->name, sizeof(project->name),
                 gen_project_names[p % GEN_COUNT(gen_project_names)],
                 p / GEN_COUNT(gen_project_names), false, project->id);
        snprintf(project->color, sizeof(project->color), "%s",
                 gen_colors[gen_rng_below(rng, GEN_COUNT(gen_colors))]);
        project->billable = gen_chance(rng, 800);
        project->archived = gen_chance(rng, 100);
        project->hourly_rate = gen_rate(rng, 500, 5000, 25000);
        project->cost_rate = gen_rate(rng, 300, 2000, 9000);

        project->first_task = model->task_count;
        project->task_count = gen_chance(rng, 300) ? 0 : 1 + (int)gen_rng_below(rng, 6);
        int name_offset = (int)gen_rng_below(rng, GEN_COUNT(gen_task_names));
        for (int t = 0; t < project->task_count; t++) {
            struct gen_task *task = &model->tasks[model->task_count];
            task->id = model->first.task + (uint64_t)model->task_count;
            task->project = p;
            /* Consecutive list names are distinct, as (project_id, name) is unique. */
            snprintf(task->name, sizeof(task->name), "%s",
                     gen_task_names[(name_offset + t) % GEN_COUNT(gen_task_names)]);
            task->hourly_rate = gen_rate(rng, 300, 6000, 30000);
            task->cost_rate = gen_rate(rng, 200, 2000, 9000);
            task->done = gen_chance(rng, 250);
            model->task_count++;
        }
    }
    return 0;
}

/* Gives each user three to eight distinct projects with project member rates. */
static int gen_model_project_members(struct gen_model *model, uint64_t *rng)
{
    for (int i = 0; i < model->user_count; i++) {
        struct gen_user *user = &model->users[i];
        int want = 3 + (int)gen_rng_below(rng, 6);
        if (want > model->project_count)
            want = model->project_count;
        user->projects = calloc((size_t)want + 1, sizeof(*user->projects));
        if (user->projects == NULL)
            return -1;
        while (user->project_count < want) {
            int project = (int)gen_rng_below(rng, (uint64_t)model->project_count);
            bool taken = false;
            for (int k = 0; k < user->project_count; k++)
                taken = taken || user->projects[k].project == project;
            if (taken)
                continue;
            struct gen_membership_project *member = &user->projects[user->project_count++];
            member->project = project;
            member->hourly_rate = gen_rate(rng, 250, 5000, 25000);
            member->cost_rate = gen_rate(rng, 200, 2000, 9000);
        }
    }
    return 0;
}

static int gen_model_tags(struct gen_model *model, uint64_t *rng)
{
    model->tags = calloc(GEN_COUNT(gen_tag_names), sizeof(*model->tags));
    if (model->tags == NULL)
        return -1;
    model->tag_count = GEN_COUNT(gen_tag_names);
    for (int t = 0; t < model->tag_count; t++) {
        struct gen_tag *tag = &model->tags[t];
        tag->id = model->first.tag + (uint64_t)t;
        gen_name(tag->name, sizeof(tag->name), gen_tag_names[t], 0, model->workspace.existed,
                 tag->id);
        tag->archived = gen_chance(rng, 80);
    }
    return 0;
}

struct gen_model *gen_model_new(const struct gen_options *opts, const struct gen_ids *first,
                                const struct gen_workspace *existing)
{
    struct gen_model *model = calloc(1, sizeof(*model));
    if (model == NULL)
        return NULL;
    model->options = *opts;
    model->first = *first;

    uint64_t rng = gen_substream(opts->seed, 0);
    gen_model_workspace(model, &rng, existing);
    if (gen_model_users(model, &rng) != 0 || gen_model_groups(model, &rng) != 0 ||
        gen_model_projects(model, &rng) != 0 || gen_model_project_members(model, &rng) != 0 ||
        gen_model_tags(model, &rng) != 0) {
        gen_model_free(model);
        return NULL;
    }
    return model;
}

void gen_model_free(struct gen_model *model)
{
    if (model == NULL)
        return;
    for (int i = 0; i < model->user_count; i++)
        free(model->users[i].projects);
    for (int g = 0; g < model->group_count; g++)
        free(model->groups[g].members);
    free(model->users);
    free(model->groups);
    free(model->clients);
    free(model->projects);
    free(model->tasks);
    free(model->tags);
    free(model);
}

void gen_model_resolve_rates(const struct gen_model *model, int user, int project, int task,
                             int64_t *hourly_rate, int64_t *cost_rate)
{
    /* Levels from most to least specific; GEN_RATE_NONE falls through. */
    int64_t hourly[5] = {GEN_RATE_NONE, GEN_RATE_NONE, GEN_RATE_NONE, GEN_RATE_NONE,
                         model->workspace.hourly_rate};
    int64_t cost[5] = {GEN_RATE_NONE, GEN_RATE_NONE, GEN_RATE_NONE, GEN_RATE_NONE,
                       model->workspace.cost_rate};
    const struct gen_user *member = &model->users[user];

    if (task >= 0) {
        hourly[0] = model->tasks[task].hourly_rate;
        cost[0] = model->tasks[task].cost_rate;
    }
    if (project >= 0) {
        for (int k = 0; k < member->project_count; k++) {
            if (member->projects[k].project == project) {
                hourly[1] = member->projects[k].hourly_rate;
                cost[1] = member->projects[k].cost_rate;
            }
        }
        hourly[2] = model->projects[project].hourly_rate;
        cost[2] = model->projects[project].cost_rate;
    }
    hourly[3] = member->hourly_rate;
    cost[3] = member->cost_rate;

    *hourly_rate = 0;
    *cost_rate = 0;
    for (int level = 4; level >= 0; level--) {
        if (hourly[level] != GEN_RATE_NONE)
            *hourly_rate = hourly[level];
        if (cost[level] != GEN_RATE_NONE)
            *cost_rate = cost[level];
    }
}

/* ---- entry stream ---- */

/* Progress of one user through the range. Each user draws from an own random stream, so a
 * user's entries do not depend on how the stream interleaves users. */
struct gen_cursor {
    uint64_t rng;
    int zone;                       /* index into gen_zones */
    int64_t day;                    /* local day of the open work window */
    uint64_t work_days;             /* work days of the user in the range */
    bool every_day;                 /* the range has no work day, so every day counts as one */
    uint64_t work_days_seen;
    uint64_t planned;               /* entries placed in windows so far */
    uint64_t emitted;
    uint64_t left_today;
    int64_t cursor;                 /* UTC: the next entry starts at or after this */
    int64_t window_end;
    struct gen_entry pending;       /* the user's next entry, without id and description */
    bool has_pending;
};

struct gen_stream {
    const struct gen_model *model;
    struct gen_cursor *cursors;
    int *heap;                      /* user indexes, earliest pending start first */
    int heap_len;
    uint64_t next_id;
    struct membuf text;
    /* Per zone, per day of the range: the clocks change during the night after that day. */
    bool *dst_nights;
    int64_t day_count;
};

static bool gen_dst_night(const struct gen_stream *stream, int zone, int64_t day)
{
    int64_t index = day - stream->model->options.from_day;
    if (index < 0 || index >= stream->day_count)
        return false;
    return stream->dst_nights[(int64_t)zone * stream->day_count + index];
}

static bool gen_work_day(const struct gen_stream *stream, int user, int64_t day)
{
    const struct gen_user *member = &stream->model->users[user];
    int weekday = civil_weekday(day);

    if (stream->cursors[user].every_day || gen_dst_night(stream, stream->cursors[user].zone, day))
        return true;
    return weekday < 5 || (weekday == 5 && member->saturdays);
}

static int gen_find_dst_nights(struct gen_stream *stream)
{
    const struct gen_options *opts = &stream->model->options;

    stream->day_count = opts->to_day - opts->from_day + 1;
    stream->dst_nights = calloc((size_t)(stream->day_count * GEN_ZONE_COUNT), sizeof(bool));
    if (stream->dst_nights == NULL)
        return -1;
    for (int zone = 0; zone < GEN_ZONE_COUNT; zone++) {
        if (tz_use(gen_zones[zone]) != 0)
            return -1;
        int year, month, day;
        struct tz_local noon;
        civil_date_from_days(opts->from_day, &year, &month, &day);
        tz_to_local(tz_from_local(year, month, day, 12, 0, 0), &noon);
        int previous_offset = noon.offset;
        for (int64_t index = 0; index < stream->day_count; index++) {
            civil_date_from_days(opts->from_day + index + 1, &year, &month, &day);
            tz_to_local(tz_from_local(year, month, day, 12, 0, 0), &noon);
            stream->dst_nights[zone * stream->day_count + index] = noon.offset != previous_offset;
            previous_offset = noon.offset;
        }
    }
    return 0;
}

/* Opens the user's next work window that gets entries. Returns 1, 0 when the user has no work
 * days left, -1 when the zone is missing. */
static int gen_open_window(struct gen_stream *stream, int user)
{
    const struct gen_user *member = &stream->model->users[user];
    struct gen_cursor *cursor = &stream->cursors[user];

    for (cursor->day++; cursor->day <= member->last_day; cursor->day++) {
        if (!gen_work_day(stream, user, cursor->day))
            continue;
        cursor->work_days_seen++;
        /* Spread entries evenly over the work days: after day k the user has k/D of them. */
        uint64_t due = member->entries * cursor->work_days_seen / cursor->work_days;
        if (due <= cursor->planned)
            continue;
        cursor->left_today = due - cursor->planned;
        cursor->planned = due;

        int start_minute = member->start_minute - 30 + (int)gen_rng_below(&cursor->rng, 61);
        int window_minutes = member->window_minutes - 60 + (int)gen_rng_below(&cursor->rng, 121);
        if (gen_dst_night(stream, cursor->zone, cursor->day)) {
            /* An on-call night across the change of the clocks. */
            start_minute = 20 * 60;
            window_minutes = 9 * 60;
        }
        int year, month, day;
        civil_date_from_days(cursor->day, &year, &month, &day);
        if (tz_use(member->zone) != 0)
            return -1;
        int64_t opens = tz_from_local(year, month, day, start_minute / 60, start_minute % 60,
                                      (int)gen_rng_below(&cursor->rng, 60));
        if (cursor->cursor < opens)
            cursor->cursor = opens;
        cursor->window_end = opens + (int64_t)window_minutes * 60;
        return 1;
    }
    return 0;
}

static void gen_pick_tags(const struct gen_model *model, uint64_t *rng, struct gen_entry *entry)
{
    uint64_t roll = gen_rng_below(rng, 100);
    /* 40% of entries have no tag, 35% one, 17% two and 8% three. */
    int want = 3;
    if (roll < 40)
        want = 0;
    else if (roll < 75)
        want = 1;
    else if (roll < 92)
        want = 2;

    if (want > model->tag_count)
        want = model->tag_count;
    entry->tag_count = 0;
    while (entry->tag_count < want) {
        uint64_t id = model->tags[gen_rng_below(rng, (uint64_t)model->tag_count)].id;
        int at = 0;
        while (at < entry->tag_count && entry->tag_ids[at] < id)
            at++;
        if (at < entry->tag_count && entry->tag_ids[at] == id)
            continue;
        memmove(&entry->tag_ids[at + 1], &entry->tag_ids[at],
                (size_t)(entry->tag_count - at) * sizeof(entry->tag_ids[0]));
        entry->tag_ids[at] = id;
        entry->tag_count++;
    }
}

/* Places the user's next entry in time and fills everything but id and description. Returns 1,
 * 0 when the user is done, -1 when a zone is missing. */
static int gen_next_for_user(struct gen_stream *stream, int user)
{
    const struct gen_model *model = stream->model;
    const struct gen_user *member = &model->users[user];
    struct gen_cursor *cursor = &stream->cursors[user];
    struct gen_entry *entry = &cursor->pending;
    uint64_t *rng = &cursor->rng;

    if (cursor->emitted + (cursor->has_pending ? 1 : 0) >= member->entries)
        return 0;
    if (cursor->left_today == 0) {
        int opened = gen_open_window(stream, user);
        if (opened <= 0)
            return opened;
    }

    /* Share what is left of the window; past its end, entries follow each other closely. */
    int64_t remaining = cursor->window_end - cursor->cursor;
    int64_t slot = remaining > (int64_t)cursor->left_today ? remaining / (int64_t)cursor->left_today
                                                           : 60;
    int64_t gap = (int64_t)gen_rng_below(rng, (uint64_t)(slot / 4 + 1));
    int64_t span = slot - gap;
    int64_t duration = span / 2 + (int64_t)gen_rng_below(rng, (uint64_t)(span / 2 + 1));
    uint64_t shape = gen_rng_below(rng, 1000);
    if (shape < 25)
        duration = 1 + (int64_t)gen_rng_below(rng, 90);
    else if (shape < 31 && cursor->left_today <= 4)
        duration = 3 * 3600 + (int64_t)gen_rng_below(rng, 8 * 3600);
    if (duration < 1)
        duration = 1;

    memset(entry, 0, sizeof(*entry));
    entry->user = user;
    entry->start = cursor->cursor + gap;
    entry->end = entry->start + duration;
    entry->running = member->running_timer && cursor->emitted + 1 == member->entries;
    cursor->cursor = entry->end;
    cursor->left_today--;

    entry->project = -1;
    entry->task = -1;
    if (member->project_count > 0 && !gen_chance(rng, 70)) {
        /* Squaring skews the choice towards the user's first projects. */
        double unit = (double)(gen_rng_next(rng) >> 11) * 0x1.0p-53;
        int k = (int)(unit * unit * member->project_count);
        entry->project = member->projects[k].project;
        const struct gen_project *project = &model->projects[entry->project];
        if (project->task_count > 0 && gen_chance(rng, 700))
            entry->task = project->first_task + (int)gen_rng_below(rng, (uint64_t)project->task_count);
        entry->billable = project->billable ? gen_chance(rng, 900) : gen_chance(rng, 50);
    } else {
        entry->billable = gen_chance(rng, 150);
    }
    gen_model_resolve_rates(model, user, entry->project, entry->task, &entry->hourly_rate,
                            &entry->cost_rate);
    gen_pick_tags(model, rng, entry);

    /* Older entries are mostly approved, and billable ones older still mostly invoiced. */
    int64_t age_days = model->options.to_day - civil_floor_div(entry->start, 86400);
    if (!entry->running && age_days > 14)
        entry->approved = gen_chance(rng, 750);
    if (entry->approved && entry->billable && age_days > 30)
        entry->invoiced = gen_chance(rng, 650);

    cursor->has_pending = true;
    return 1;
}

static bool gen_heap_less(const struct gen_stream *stream, int a, int b)
{
    int64_t start_a = stream->cursors[a].pending.start;
    int64_t start_b = stream->cursors[b].pending.start;
    return start_a < start_b || (start_a == start_b && a < b);
}

static void gen_heap_sift_down(struct gen_stream *stream, int at)
{
    for (;;) {
        int smallest = at;
        int left = 2 * at + 1;
        int right = left + 1;
        if (left < stream->heap_len && gen_heap_less(stream, stream->heap[left], stream->heap[smallest]))
            smallest = left;
        if (right < stream->heap_len &&
            gen_heap_less(stream, stream->heap[right], stream->heap[smallest]))
            smallest = right;
        if (smallest == at)
            return;
        int swap = stream->heap[at];
        stream->heap[at] = stream->heap[smallest];
        stream->heap[smallest] = swap;
        at = smallest;
    }
}

struct gen_stream *gen_stream_new(const struct gen_model *model)
{
    struct gen_stream *stream = calloc(1, sizeof(*stream));
    if (stream == NULL)
        return NULL;
    stream->model = model;
    stream->next_id = model->first.entry;
    stream->cursors = calloc((size_t)model->user_count, sizeof(*stream->cursors));
    stream->heap = calloc((size_t)model->user_count, sizeof(*stream->heap));
    if (stream->cursors == NULL || stream->heap == NULL || gen_find_dst_nights(stream) != 0)
        goto fail;

    for (int user = 0; user < model->user_count; user++) {
        struct gen_cursor *cursor = &stream->cursors[user];
        cursor->rng = gen_substream(model->options.seed, (uint64_t)user + 1);
        for (int zone = 0; zone < GEN_ZONE_COUNT; zone++) {
            if (strcmp(gen_zones[zone], model->users[user].zone) == 0)
                cursor->zone = zone;
        }
        cursor->day = model->options.from_day - 1;
        for (int64_t day = model->options.from_day; day <= model->users[user].last_day; day++)
            cursor->work_days += gen_work_day(stream, user, day) ? 1 : 0;
        /* A range of weekends only: the user works every day of it instead. */
        if (cursor->work_days == 0) {
            cursor->every_day = true;
            cursor->work_days = (uint64_t)(model->users[user].last_day - model->options.from_day + 1);
        }
    }
    for (int user = 0; user < model->user_count; user++) {
        int placed = gen_next_for_user(stream, user);
        if (placed < 0)
            goto fail;
        if (placed == 1)
            stream->heap[stream->heap_len++] = user;
    }
    for (int at = stream->heap_len / 2 - 1; at >= 0; at--)
        gen_heap_sift_down(stream, at);
    return stream;

fail:
    gen_stream_free(stream);
    return NULL;
}

int gen_stream_next(struct gen_stream *stream, struct gen_entry *entry)
{
    if (stream->heap_len == 0)
        return 0;

    int user = stream->heap[0];
    struct gen_cursor *cursor = &stream->cursors[user];
    const struct gen_user *member = &stream->model->users[user];

    *entry = cursor->pending;
    entry->id = stream->next_id++;
    cursor->has_pending = false;
    cursor->emitted++;

    /* The first three users each get one very long description, half way through. */
    bool long_text = user < 3 && cursor->emitted == member->entries / 2 + 1;
    stream->text.len = 0;
    if (gen_text_description(&cursor->rng, long_text, &stream->text) != 0)
        return -1;
    entry->description = stream->text.data != NULL ? stream->text.data : "";
    entry->description_len = stream->text.len;

    int placed = gen_next_for_user(stream, user);
    if (placed < 0)
        return -1;
    if (placed == 0)
        stream->heap[0] = stream->heap[--stream->heap_len];
    gen_heap_sift_down(stream, 0);
    return 1;
}

void gen_stream_free(struct gen_stream *stream)
{
    if (stream == NULL)
        return;
    membuf_free(&stream->text);
    free(stream->dst_nights);
    free(stream->cursors);
    free(stream->heap);
    free(stream);
}

/* ---- LOAD DATA rows ----
 * Fields are separated by tabs and rows end in '\n'; inside a field a backslash escapes tab,
 * newline, carriage return, NUL and itself, and \N alone is SQL NULL. The LOAD DATA statements
 * below spell out exactly these settings. */

static int tsv_put(struct membuf *out, const char *text, size_t len)
{
    return membuf_write(out, text, len);
}

static int tsv_u64(struct membuf *out, uint64_t value, char after)
{
    char digits[24];
    size_t at = sizeof(digits);

    digits[--at] = after;
    do {
        digits[--at] = (char)('0' + value % 10);
        value /= 10;
    } while (value > 0);
    return tsv_put(out, digits + at, sizeof(digits) - at);
}

/* A rate or a nullable id: negative values (GEN_RATE_NONE) and id 0 are written as NULL. */
static int tsv_rate(struct membuf *out, int64_t value, char after)
{
    if (value < 0) {
        char null[3] = {'\\', 'N', after};
        return tsv_put(out, null, sizeof(null));
    }
    return tsv_u64(out, (uint64_t)value, after);
}

static int tsv_id_or_null(struct membuf *out, uint64_t id, char after)
{
    return id == 0 ? tsv_rate(out, -1, after) : tsv_u64(out, id, after);
}

static int tsv_text(struct membuf *out, const char *text, size_t len, char after)
{
    size_t run = 0;

    for (size_t i = 0; i < len; i++) {
        char escaped;
        switch (text[i]) {
        case '\\': escaped = '\\'; break;
        case '\t': escaped = 't'; break;
        case '\n': escaped = 'n'; break;
        case '\r': escaped = 'r'; break;
        case '\0': escaped = '0'; break;
        default: continue;
        }
        char pair[2] = {'\\', escaped};
        if (tsv_put(out, text + run, i - run) != 0 || tsv_put(out, pair, 2) != 0)
            return -1;
        run = i + 1;
    }
    if (tsv_put(out, text + run, len - run) != 0)
        return -1;
    return tsv_put(out, &after, 1);
}

static int tsv_str(struct membuf *out, const char *text, char after)
{
    return tsv_text(out, text, strlen(text), after);
}

static int tsv_i64(struct membuf *out, int64_t value, char after)
{
    if (value >= 0)
        return tsv_u64(out, (uint64_t)value, after);
    if (tsv_put(out, "-", 1) != 0)
        return -1;
    return tsv_u64(out, (uint64_t)0 - (uint64_t)value, after);
}

/* Writes a day (days since 1970-01-01) as "YYYY-MM-DD". */
static int tsv_date(struct membuf *out, int64_t days, char after)
{
    int year, month, day;
    char text[16];

    civil_date_from_days(days, &year, &month, &day);
    int len = snprintf(text, sizeof(text), "%04d-%02d-%02d%c", year, month, day, after);
    return tsv_put(out, text, (size_t)len);
}

/* Writes a UTC instant as "YYYY-MM-DD HH:MM:SS". */
static int tsv_datetime(struct membuf *out, int64_t utc, char after)
{
    int64_t days = civil_floor_div(utc, 86400);
    int64_t seconds = utc - days * 86400;
    int year, month, day;
    char text[20];

    civil_date_from_days(days, &year, &month, &day);
    text[0] = (char)('0' + year / 1000 % 10);
    text[1] = (char)('0' + year / 100 % 10);
    text[2] = (char)('0' + year / 10 % 10);
    text[3] = (char)('0' + year % 10);
    text[4] = '-';
    text[5] = (char)('0' + month / 10);
    text[6] = (char)('0' + month % 10);
    text[7] = '-';
    text[8] = (char)('0' + day / 10);
    text[9] = (char)('0' + day % 10);
    text[10] = ' ';
    text[11] = (char)('0' + seconds / 36000);
    text[12] = (char)('0' + seconds / 3600 % 10);
    text[13] = ':';
    text[14] = (char)('0' + seconds / 600 % 6);
    text[15] = (char)('0' + seconds / 60 % 10);
    text[16] = ':';
    text[17] = (char)('0' + seconds % 60 / 10);
    text[18] = (char)('0' + seconds % 10);
    text[19] = after;
    return tsv_put(out, text, sizeof(text));
}

/* Appends one time_entries row and its entry_tags rows. */
static int gen_write_entry(const struct gen_model *model, const struct gen_entry *entry,
                           struct membuf *entries, struct membuf *entry_tags)
{
    const struct gen_user *member = &model->users[entry->user];
    uint64_t project_id = entry->project >= 0 ? model->projects[entry->project].id : 0;
    uint64_t task_id = entry->task >= 0 ? model->tasks[entry->task].id : 0;
    char tag_ids[GEN_ENTRY_TAGS_MAX * 21];
    size_t tag_len = 0;

    for (int t = 0; t < entry->tag_count; t++) {
        int len = snprintf(tag_ids + tag_len, sizeof(tag_ids) - tag_len, "%s%" PRIu64,
                           t > 0 ? "," : "", entry->tag_ids[t]);
        tag_len += (size_t)len;
        if (tsv_u64(entry_tags, entry->id, '\t') != 0 ||
            tsv_u64(entry_tags, entry->tag_ids[t], '\n') != 0)
            return -1;
    }

    if (tsv_u64(entries, entry->id, '\t') != 0 ||
        tsv_u64(entries, model->workspace.id, '\t') != 0 ||
        tsv_u64(entries, member->id, '\t') != 0 || tsv_id_or_null(entries, project_id, '\t') != 0 ||
        tsv_id_or_null(entries, task_id, '\t') != 0 ||
        tsv_text(entries, entry->description, entry->description_len, '\t') != 0 ||
        tsv_datetime(entries, entry->start, '\t') != 0)
        return -1;
    if (entry->running ? tsv_rate(entries, -1, '\t') : tsv_datetime(entries, entry->end, '\t'))
        return -1;
    if (tsv_u64(entries, entry->billable ? 1 : 0, '\t') != 0 ||
        tsv_u64(entries, (uint64_t)entry->hourly_rate, '\t') != 0 ||
        tsv_u64(entries, (uint64_t)entry->cost_rate, '\t') != 0 ||
        tsv_str(entries, entry->approved ? "APPROVED" : "UNAPPROVED", '\t') != 0 ||
        tsv_str(entries, entry->invoiced ? "INVOICED" : "UNINVOICED", '\t') != 0 ||
        tsv_text(entries, tag_ids, tag_len, '\n') != 0)
        return -1;
    return 0;
}

/* ---- rows of the small tables ---- */

static int gen_rows_users(const struct gen_model *model, struct membuf *out, uint64_t *rows)
{
    for (int i = 0; i < model->user_count; i++) {
        const struct gen_user *user = &model->users[i];
        if (tsv_u64(out, user->id, '\t') != 0 || tsv_str(out, user->email, '\t') != 0 ||
            tsv_str(out, user->name, '\t') != 0 ||
            tsv_str(out, user->active ? "ACTIVE" : "INACTIVE", '\n') != 0)
            return -1;
        (*rows)++;
    }
    return 0;
}

static int gen_rows_memberships(const struct gen_model *model, struct membuf *out, uint64_t *rows)
{
    for (int i = 0; i < model->user_count; i++) {
        const struct gen_user *user = &model->users[i];
        if (tsv_u64(out, model->workspace.id, '\t') != 0 || tsv_u64(out, user->id, '\t') != 0 ||
            tsv_str(out, user->role, '\t') != 0 || tsv_rate(out, user->hourly_rate, '\t') != 0 ||
            tsv_rate(out, user->cost_rate, '\t') != 0 ||
            tsv_str(out, user->active ? "ACTIVE" : "INACTIVE", '\n') != 0)
            return -1;
        (*rows)++;
    }
    return 0;
}

static int gen_rows_groups(const struct gen_model *model, struct membuf *out, uint64_t *rows)
{
    for (int g = 0; g < model->group_count; g++) {
        const struct gen_group *group = &model->groups[g];
        if (tsv_u64(out, group->id, '\t') != 0 || tsv_u64(out, model->workspace.id, '\t') != 0 ||
            tsv_str(out, group->name, '\n') != 0)
            return -1;
        (*rows)++;
    }
    return 0;
}

static int gen_rows_group_members(const struct gen_model *model, struct membuf *out,
                                  uint64_t *rows)
{
    for (int g = 0; g < model->group_count; g++) {
        const struct gen_group *group = &model->groups[g];
        for (int m = 0; m < group->member_count; m++) {
            if (tsv_u64(out, group->id, '\t') != 0 ||
                tsv_u64(out, model->users[group->members[m]].id, '\n') != 0)
                return -1;
            (*rows)++;
        }
    }
    return 0;
}

static int gen_rows_clients(const struct gen_model *model, struct membuf *out, uint64_t *rows)
{
    for (int c = 0; c < model->client_count; c++) {
        const struct gen_client *client = &model->clients[c];
        if (tsv_u64(out, client->id, '\t') != 0 || tsv_u64(out, model->workspace.id, '\t') != 0 ||
            tsv_str(out, client->name, '\t') != 0 || tsv_u64(out, client->archived, '\n') != 0)
            return -1;
        (*rows)++;
    }
    return 0;
}

static int gen_rows_projects(const struct gen_model *model, struct membuf *out, uint64_t *rows)
{
    for (int p = 0; p < model->project_count; p++) {
        const struct gen_project *project = &model->projects[p];
        uint64_t client_id = project->client >= 0 ? model->clients[project->client].id : 0;
        if (tsv_u64(out, project->id, '\t') != 0 ||
            tsv_u64(out, model->workspace.id, '\t') != 0 ||
            tsv_id_or_null(out, client_id, '\t') != 0 || tsv_str(out, project->name, '\t') != 0 ||
            tsv_str(out, project->color, '\t') != 0 || tsv_u64(out, project->billable, '\t') != 0 ||
            tsv_rate(out, project->hourly_rate, '\t') != 0 ||
            tsv_rate(out, project->cost_rate, '\t') != 0 ||
            tsv_u64(out, project->archived, '\n') != 0)
            return -1;
        (*rows)++;
    }
    return 0;
}

static int gen_rows_project_members(const struct gen_model *model, struct membuf *out,
                                    uint64_t *rows)
{
    for (int i = 0; i < model->user_count; i++) {
        const struct gen_user *user = &model->users[i];
        for (int k = 0; k < user->project_count; k++) {
            const struct gen_membership_project *member = &user->projects[k];
            if (tsv_u64(out, model->projects[member->project].id, '\t') != 0 ||
                tsv_u64(out, user->id, '\t') != 0 || tsv_rate(out, member->hourly_rate, '\t') != 0 ||
                tsv_rate(out, member->cost_rate, '\n') != 0)
                return -1;
            (*rows)++;
        }
    }
    return 0;
}

static int gen_rows_tasks(const struct gen_model *model, struct membuf *out, uint64_t *rows)
{
    for (int t = 0; t < model->task_count; t++) {
        const struct gen_task *task = &model->tasks[t];
        if (tsv_u64(out, task->id, '\t') != 0 || tsv_u64(out, model->workspace.id, '\t') != 0 ||
            tsv_u64(out, model->projects[task->project].id, '\t') != 0 ||
            tsv_str(out, task->name, '\t') != 0 || tsv_rate(out, task->hourly_rate, '\t') != 0 ||
            tsv_rate(out, task->cost_rate, '\t') != 0 ||
            tsv_str(out, task->done ? "DONE" : "ACTIVE", '\n') != 0)
            return -1;
        (*rows)++;
    }
    return 0;
}

static int gen_rows_tags(const struct gen_model *model, struct membuf *out, uint64_t *rows)
{
    for (int t = 0; t < model->tag_count; t++) {
        const struct gen_tag *tag = &model->tags[t];
        if (tsv_u64(out, tag->id, '\t') != 0 || tsv_u64(out, model->workspace.id, '\t') != 0 ||
            tsv_str(out, tag->name, '\t') != 0 || tsv_u64(out, tag->archived, '\n') != 0)
            return -1;
        (*rows)++;
    }
    return 0;
}

struct gen_table {
    const char *name;
    const char *columns;
    int (*write_rows)(const struct gen_model *model, struct membuf *out, uint64_t *rows);
};

/* In dependency order, although foreign key checks are off during the load. */
static const struct gen_table gen_tables[] = {
    {"users", "id, email, name, status", gen_rows_users},
    {"memberships", "workspace_id, user_id, role, hourly_rate, cost_rate, status",
     gen_rows_memberships},
    {"user_groups", "id, workspace_id, name", gen_rows_groups},
    {"user_group_members", "group_id, user_id", gen_rows_group_members},
    {"clients", "id, workspace_id, name, archived", gen_rows_clients},
    {"projects",
     "id, workspace_id, client_id, name, color, billable, hourly_rate, cost_rate, archived",
     gen_rows_projects},
    {"project_members", "project_id, user_id, hourly_rate, cost_rate", gen_rows_project_members},
    {"tasks", "id, workspace_id, project_id, name, hourly_rate, cost_rate, status",
     gen_rows_tasks},
    {"tags", "id, workspace_id, name, archived", gen_rows_tags},
};

/* created_at and updated_at are the end of a finished entry and the start of a running one.
 * The server copies them from end_at and start_at, because sending and parsing two more
 * DATETIME texts per row cost about 7% of the server's CPU time for the load (measured on a
 * 2-CPU virtual machine, MariaDB 10.11). */
#define GEN_ENTRY_COLUMNS                                                                          \
    "id, workspace_id, user_id, project_id, task_id, description, start_at, end_at, billable, "    \
    "hourly_rate, cost_rate, approval_state, invoicing_state, tag_ids"
#define GEN_ENTRY_SET                                                                              \
    " SET created_at = COALESCE(end_at, start_at), updated_at = COALESCE(end_at, start_at)"

static double gen_now(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}

/* ---- LOAD DATA LOCAL INFILE from memory ---- */

/* The "file" that Connector/C reads for one LOAD DATA statement: an open file when file is set,
 * otherwise rows, which contains bytes not yet sent. When fill is set it is called for more whenever
 * rows runs dry, and adding nothing ends the file. */
struct gen_infile {
    FILE *file;
    struct membuf *rows;
    size_t sent;
    int (*fill)(void *ctx);
    void *fill_ctx;
    bool failed;
};

static int gen_infile_init(void **ptr, const char *filename, void *userdata)
{
    *ptr = userdata;
    return 0;
}

static int gen_infile_read(void *ptr, char *buf, unsigned int len)
{
    struct gen_infile *infile = ptr;

    if (infile->file != NULL) {
        size_t got = fread(buf, 1, len, infile->file);
        if (got == 0 && ferror(infile->file)) {
            infile->failed = true;
            return -1;
        }
        return (int)got;
    }
    if (infile->sent == infile->rows->len && infile->fill != NULL) {
        infile->rows->len = 0;
        infile->sent = 0;
        if (infile->fill(infile->fill_ctx) != 0) {
            infile->failed = true;
            return -1;
        }
    }
    size_t available = infile->rows->len - infile->sent;
    size_t count = available < len ? available : len;
    memcpy(buf, infile->rows->data + infile->sent, count);
    infile->sent += count;
    return (int)count;
}

static void gen_infile_end(void *ptr)
{
}

static int gen_infile_error(void *ptr, char *message, unsigned int size)
{
    snprintf(message, size, "generating or reading rows for LOAD DATA failed");
    return CR_UNKNOWN_ERROR;
}

/* Runs LOAD DATA for table from infile into columns (then the SET clause set, when not NULL)
 * and checks that the server stored *expected_rows rows
 * (read after the statement, as a streamed file counts its rows while it is sent) without a
 * warning: LOAD DATA LOCAL turns errors such as duplicate keys or bad values into warnings.
 * Returns 0 or -1 with db->error set. */
static int gen_load(struct db *db, const char *table, const char *columns, const char *set,
                    struct gen_infile *infile, const uint64_t *expected_rows)
{
    char sql[1024];
    int result = -1;
    MYSQL_RES *warnings = NULL;

    snprintf(sql, sizeof(sql),
             "LOAD DATA LOCAL INFILE 'reportctl-generate-%s' INTO TABLE %s CHARACTER SET utf8mb4 "
             "FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\' LINES TERMINATED BY '\\n' (%s)%s",
             table, table, columns, set != NULL ? set : "");
    mysql_set_local_infile_handler(db->conn, gen_infile_init, gen_infile_read, gen_infile_end,
                                   gen_infile_error, infile);
    double started = gen_now();
    if (db_exec(db, sql) != 0)
        goto out;
    log_debug("generate: loaded %" PRIu64 " rows into %s in %.3f s", *expected_rows, table,
              gen_now() - started);

    uint64_t stored = mysql_affected_rows(db->conn);
    unsigned int warning_count = mysql_warning_count(db->conn);
    if (warning_count > 0) {
        warnings = db_query(db, "SHOW WARNINGS LIMIT 1");
        MYSQL_ROW row = warnings != NULL ? mysql_fetch_row(warnings) : NULL;
        snprintf(db->error, sizeof(db->error), "loading %s: %u warning(s), first: %s", table,
                 warning_count, row != NULL && row[2] != NULL ? row[2] : "(unavailable)");
        goto out;
    }
    if (stored != *expected_rows) {
        snprintf(db->error, sizeof(db->error),
                 "loading %s: the server stored %" PRIu64 " of %" PRIu64 " rows", table, stored,
                 *expected_rows);
        goto out;
    }
    result = 0;
out:
    if (warnings != NULL)
        mysql_free_result(warnings);
    mysql_set_local_infile_default(db->conn);
    return result;
}

/* Loads a table whose rows fit in memory at once. */
static int gen_load_table(struct db *db, const struct gen_model *model,
                          const struct gen_table *table)
{
    struct membuf rows = {0};
    uint64_t count = 0;
    int result = -1;

    if (table->write_rows(model, &rows, &count) != 0) {
        snprintf(db->error, sizeof(db->error), "building %s rows: out of memory", table->name);
        goto out;
    }
    if (count == 0) {
        result = 0;
        goto out;
    }
    struct gen_infile infile = {.rows = &rows};
    result = gen_load(db, table->name, table->columns, NULL, &infile, &count);
out:
    membuf_free(&rows);
    return result;
}

/* Rows collected in memory and moved to an unlinked temporary file every
 * GEN_SPILL_BYTES, so memory stays flat for any number of entries. */
struct gen_spill {
    struct membuf rows;
    FILE *file;
    uint64_t count;
    bool failed;      /* a write failed, and errno has the cause */
};

/* Opens the spill's unlinked temporary file in $TMPDIR, or /tmp when it is unset. Returns 0,
 * or -1 with errno set. */
static int gen_spill_open(struct gen_spill *spill)
{
    const char *dir = getenv("TMPDIR");
    char path[4096];

    if (dir == NULL || dir[0] == '\0')
        dir = "/tmp";
    int len = snprintf(path, sizeof(path), "%s/reportctl-generate.XXXXXX", dir);
    if (len < 0 || (size_t)len >= sizeof(path)) {
        errno = ENAMETOOLONG;
        return -1;
    }
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    unlink(path);
    spill->file = fdopen(fd, "w+b");
    if (spill->file == NULL) {
        close(fd);
        return -1;
    }
    return 0;
}

/* Moves the collected rows to the file when at least min_bytes wait. Returns 0 or -1. */
static int gen_spill_flush(struct gen_spill *spill, size_t min_bytes)
{
    if (spill->rows.len == 0 || spill->rows.len < min_bytes)
        return 0;
    if (fwrite(spill->rows.data, 1, spill->rows.len, spill->file) != spill->rows.len) {
        spill->failed = true;
        return -1;
    }
    spill->rows.len = 0;
    return 0;
}

/* Writes what is left and rewinds the file for reading. Returns 0 or -1 with errno set. */
static int gen_spill_rewind(struct gen_spill *spill)
{
    if (gen_spill_flush(spill, 0) != 0 || fflush(spill->file) != 0 ||
        fseek(spill->file, 0, SEEK_SET) != 0)
        return -1;
    return 0;
}

static void gen_spill_free(struct gen_spill *spill)
{
    membuf_free(&spill->rows);
    if (spill->file != NULL)
        fclose(spill->file);
    spill->file = NULL;
}

/* Sums of one user's finished entries on one UTC day, as sql/004_entry_totals.sql defines them:
 * seconds is end minus start, and earned and cost are rounded to the cent per entry. */
struct gen_day_sums {
    uint64_t entries;
    int64_t seconds;
    int64_t billable_seconds;
    int64_t earned;
    int64_t cost;
};

/* The rows of entry_totals_by_user_day and entry_totals_by_day for the generated entries. The
 * stream comes in start order, so only the current UTC day is open, with one sum per user. */
struct gen_totals {
    int64_t day;                    /* the open UTC day (days since 1970-01-01) */
    bool started;
    bool out_of_order;              /* an entry started before the open day, so SQL does it */
    struct gen_day_sums *users;     /* one per model user */
    struct gen_spill user_days;
    struct gen_spill days;
};

static void gen_sums_add(struct gen_day_sums *sums, const struct gen_day_sums *add)
{
    sums->entries += add->entries;
    sums->seconds += add->seconds;
    sums->billable_seconds += add->billable_seconds;
    sums->earned += add->earned;
    sums->cost += add->cost;
}

static int tsv_sums(struct membuf *out, const struct gen_day_sums *sums)
{
    if (tsv_u64(out, sums->entries, '\t') != 0 || tsv_i64(out, sums->seconds, '\t') != 0 ||
        tsv_i64(out, sums->billable_seconds, '\t') != 0 ||
        tsv_i64(out, sums->earned, '\t') != 0 || tsv_i64(out, sums->cost, '\n') != 0)
        return -1;
    return 0;
}

/* Writes the rows of the open day and clears its sums. Returns 0 or -1. */
static int gen_totals_close_day(struct gen_totals *totals, const struct gen_model *model)
{
    struct gen_day_sums day_sums = {0};

    for (int u = 0; u < model->user_count; u++) {
        struct gen_day_sums *sums = &totals->users[u];
        if (sums->entries == 0)
            continue;
        if (tsv_u64(&totals->user_days.rows, model->workspace.id, '\t') != 0 ||
            tsv_u64(&totals->user_days.rows, model->users[u].id, '\t') != 0 ||
            tsv_date(&totals->user_days.rows, totals->day, '\t') != 0 ||
            tsv_sums(&totals->user_days.rows, sums) != 0)
            return -1;
        totals->user_days.count++;
        gen_sums_add(&day_sums, sums);
        memset(sums, 0, sizeof(*sums));
    }
    if (day_sums.entries > 0) {
        if (tsv_u64(&totals->days.rows, model->workspace.id, '\t') != 0 ||
            tsv_date(&totals->days.rows, totals->day, '\t') != 0 ||
            tsv_sums(&totals->days.rows, &day_sums) != 0)
            return -1;
        totals->days.count++;
    }
    if (gen_spill_flush(&totals->user_days, GEN_SPILL_BYTES) != 0 ||
        gen_spill_flush(&totals->days, GEN_SPILL_BYTES) != 0)
        return -1;
    return 0;
}

/* Adds a generated entry to the sums of its UTC start day. Running timers count nowhere, as in
 * reports. Returns 0 or -1. */
static int gen_totals_add(struct gen_totals *totals, const struct gen_model *model,
                          const struct gen_entry *entry)
{
    int64_t day = civil_floor_div(entry->start, 86400);

    if (totals->out_of_order)
        return 0;
    if (totals->started && day < totals->day) {
        totals->out_of_order = true;
        return 0;
    }
    if (totals->started && day > totals->day && gen_totals_close_day(totals, model) != 0)
        return -1;
    totals->day = day;
    totals->started = true;
    if (entry->running)
        return 0;

    struct gen_day_sums *sums = &totals->users[entry->user];
    int64_t seconds = entry->end - entry->start;
    sums->entries++;
    sums->seconds += seconds;
    if (entry->billable) {
        sums->billable_seconds += seconds;
        sums->earned += report_money(seconds, entry->hourly_rate);
    }
    sums->cost += report_money(seconds, entry->cost_rate);
    return 0;
}

/* State of the entry load. All entries go to time_entries in one LOAD DATA statement, because
 * InnoDB sorts its way into an empty table only for the first statement that writes to it. One
 * statement per 250,000 entries made a fresh load of 1,000,000 about 10% slower. The entry_tags
 * rows and, for a workspace without entries, the day totals collect on the way for the
 * statements that follow. */
struct gen_entry_load {
    const struct gen_model *model;
    struct gen_stream *stream;
    struct membuf entries;
    struct gen_spill entry_tags;
    struct gen_totals totals;
    bool count_totals;              /* build the day totals here rather than in SQL */
    bool totals_loaded;
    bool stream_done;
    uint64_t entries_total;
    uint64_t running_total;
};

/* Appends entries until about 256 KiB wait to be sent. */
static int gen_fill_entries(void *ctx)
{
    struct gen_entry_load *load = ctx;
    struct gen_entry entry;

    while (!load->stream_done && load->entries.len < 256 * 1024) {
        int got = gen_stream_next(load->stream, &entry);
        if (got < 0)
            return -1;
        if (got == 0) {
            load->stream_done = true;
            break;
        }
        if (gen_write_entry(load->model, &entry, &load->entries, &load->entry_tags.rows) != 0)
            return -1;
        if (load->count_totals && gen_totals_add(&load->totals, load->model, &entry) != 0)
            return -1;
        load->entries_total++;
        load->entry_tags.count += (uint64_t)entry.tag_count;
        load->running_total += entry.running ? 1 : 0;
    }
    return gen_spill_flush(&load->entry_tags, GEN_SPILL_BYTES);
}

/* Loads the rows of a spill file into table. Returns 0 or -1 with db->error set. */
static int gen_load_spill(struct db *db, const char *table, const char *columns,
                          struct gen_spill *spill)
{
    if (spill->count == 0)
        return 0;
    if (gen_spill_rewind(spill) != 0) {
        snprintf(db->error, sizeof(db->error), "writing %s rows to a temporary file failed: %s",
                 table, strerror(errno));
        return -1;
    }
    struct gen_infile infile = {.file = spill->file};
    int loaded = gen_load(db, table, columns, NULL, &infile, &spill->count);
    if (infile.failed) {
        snprintf(db->error, sizeof(db->error), "reading the temporary file of %s rows failed",
                 table);
        return -1;
    }
    return loaded;
}

/* Loads the day totals built while generating. The workspace had no entries, so the only rows
 * it may have are stale ones from entries deleted by hand, and those go first. */
static int gen_load_totals(struct db *db, struct gen_entry_load *load)
{
    struct gen_totals *totals = &load->totals;
    static const char *const columns =
        "entries, seconds, billable_seconds, earned, cost";
    char list[256];

    if (totals->started && gen_totals_close_day(totals, load->model) != 0) {
        snprintf(db->error, sizeof(db->error), "building the day totals: out of memory");
        return -1;
    }
    if (load->model->workspace.existed) {
        struct db_params params;
        db_params_init(&params);
        int deleted = db_params_add_u64(&params, load->model->workspace.id) != 0 ? -1 :
            db_run(db, "DELETE FROM entry_totals_by_user_day WHERE workspace_id = ?", &params,
                   NULL, NULL);
        if (deleted == 0)
            deleted = db_run(db, "DELETE FROM entry_totals_by_day WHERE workspace_id = ?",
                             &params, NULL, NULL);
        db_params_free(&params);
        if (deleted != 0)
            return -1;
    }
    snprintf(list, sizeof(list), "workspace_id, user_id, day, %s", columns);
    if (gen_load_spill(db, "entry_totals_by_user_day", list, &totals->user_days) != 0)
        return -1;
    snprintf(list, sizeof(list), "workspace_id, day, %s", columns);
    if (gen_load_spill(db, "entry_totals_by_day", list, &totals->days) != 0)
        return -1;
    load->totals_loaded = true;
    return 0;
}

static int gen_load_entries(struct db *db, struct gen_entry_load *load)
{
    if (gen_spill_open(&load->entry_tags) != 0 ||
        (load->count_totals && (gen_spill_open(&load->totals.user_days) != 0 ||
                                gen_spill_open(&load->totals.days) != 0))) {
        snprintf(db->error, sizeof(db->error),
                 "creating a temporary file failed: %s (set TMPDIR to a writable folder)",
                 strerror(errno));
        return -1;
    }
    if (load->count_totals) {
        load->totals.users = calloc((size_t)load->model->user_count, sizeof(*load->totals.users));
        if (load->totals.users == NULL) {
            snprintf(db->error, sizeof(db->error), "building the day totals: out of memory");
            return -1;
        }
    }

    struct gen_infile entries = {.rows = &load->entries, .fill = gen_fill_entries,
                                 .fill_ctx = load};
    int loaded = gen_load(db, "time_entries", GEN_ENTRY_COLUMNS, GEN_ENTRY_SET, &entries,
                          &load->entries_total);
    if (load->entry_tags.failed || load->totals.user_days.failed || load->totals.days.failed) {
        snprintf(db->error, sizeof(db->error), "writing rows to a temporary file failed: %s",
                 strerror(errno));
        return -1;
    }
    if (entries.failed) {
        snprintf(db->error, sizeof(db->error), "generating entries failed: out of memory "
                 "or a time zone missing from /usr/share/zoneinfo");
        return -1;
    }
    if (loaded != 0)
        return -1;
    if (gen_load_spill(db, "entry_tags", "entry_id, tag_id", &load->entry_tags) != 0)
        return -1;
    if (load->count_totals && !load->totals.out_of_order)
        return gen_load_totals(db, load);
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
                   struct gen_entry_load *load)
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
    for (size_t t = 0; t < sizeof(gen_tables) / sizeof(gen_tables[0]); t++) {
        if (gen_load_table(db, model, &gen_tables[t]) != 0)
            return 3;
    }

    load->model = model;
    load->count_totals = !has_entries;
    load->stream = gen_stream_new(model);
    if (load->stream == NULL) {
        snprintf(db->error, sizeof(db->error), "starting the entry stream: out of memory or a "
                 "time zone missing from /usr/share/zoneinfo");
        return 3;
    }
    return gen_load_entries(db, load) == 0 ? 0 : 3;
}

int generate_main(struct db *db, int argc, char **argv)
{
    struct gen_options opts;
    struct gen_model *model = NULL;
    struct gen_entry_load load;
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
    for (int zone = 0; zone < GEN_ZONE_COUNT; zone++) {
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
           load.entries_total, load.running_total, load.entry_tags.count, model->first.entry,
           model->first.entry + load.entries_total - 1, opts.seed);
    printf("%.2f s, %.0f entries/s\n", seconds,
           seconds > 0 ? (double)load.entries_total / seconds : 0.0);
    result = 0;

out:
    if (result != 0)
        fprintf(stderr, "reportctl generate: %s\n", db->error);
    if (in_transaction && db->conn != NULL && db_exec(db, "ROLLBACK") != 0)
        fprintf(stderr, "reportctl generate: rollback failed: %s\n", db->error);
    if (db->conn != NULL && db_exec(db, "SET SESSION foreign_key_checks = 1, unique_checks = 1") != 0)
        fprintf(stderr, "reportctl generate: restoring the session settings failed: %s\n",
                db->error);
    gen_stream_free(load.stream);
    membuf_free(&load.entries);
    gen_spill_free(&load.entry_tags);
    gen_spill_free(&load.totals.user_days);
    gen_spill_free(&load.totals.days);
    free(load.totals.users);
    gen_model_free(model);
    return result;
}
