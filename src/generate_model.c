/* generate_model.c - the generator's random numbers and its workspace model: users in their own
 * zones, groups, clients, projects with members and tasks, tags and rates at every level.
 * SPDX-License-Identifier: MIT
 */
#include "generate.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GEN_GROUPS_MAX 20

/* Zones handed out to users in turn, so any ten users cover DST in both hemispheres, half-hour
 * offsets and zones without DST. */
const char *const gen_zones[] = {
    "Europe/Berlin",    "America/New_York", "Asia/Kolkata",       "Pacific/Auckland",
    "UTC",              "America/Los_Angeles", "Europe/London",   "Australia/Sydney",
    "America/Sao_Paulo", "Asia/Tokyo",
};
const int gen_zone_count = (int)(sizeof(gen_zones) / sizeof(gen_zones[0]));

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

bool gen_rng_chance(uint64_t *state, unsigned per_mille)
{
    return gen_rng_below(state, 1000) < per_mille;
}

uint64_t gen_rng_substream(uint64_t seed, uint64_t stream)
{
    uint64_t state = seed ^ (stream * UINT64_C(0xD1B54A32D192ED03));
    gen_rng_next(&state);
    return state;
}


/* ---- model ---- */

/* A rate in cents per hour between low and high, rounded to 50 cents, or GEN_RATE_NONE with
 * probability 1 - per_mille / 1000. */
static int64_t gen_rate(uint64_t *rng, unsigned per_mille, int64_t low, int64_t high)
{
    if (!gen_rng_chance(rng, per_mille))
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
    int zone_offset = (int)gen_rng_below(rng, gen_zone_count);
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
        user->zone = gen_zones[(i + zone_offset) % gen_zone_count];
        user->active = i == 0 || !gen_rng_chance(rng, 100);
        if (i == 0 && !model->workspace.existed)
            user->role = "OWNER";
        else if (i == 1 || gen_rng_chance(rng, 100))
            user->role = "ADMIN";
        else
            user->role = "MEMBER";
        user->hourly_rate = gen_rate(rng, 500, 4000, 20000);
        user->cost_rate = gen_rate(rng, 400, 2000, 8000);
        user->saturdays = gen_rng_chance(rng, 160);
        /* One user in eight works evenings, so their entries cross local midnight. */
        if (gen_rng_chance(rng, 125)) {
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
            int64_t active_days = span * (50 + (int64_t)gen_rng_below(rng, 41)) / 100;
            user->last_day = opts->from_day + (active_days > 0 ? active_days - 1 : 0);
            uint64_t days = (uint64_t)(active_days > 0 ? active_days : 1);
            weights[i] = weights[i] * days / (uint64_t)span + 1;
        }
        user->running_timer = user->active && gen_rng_chance(rng, 250);
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
        if (gen_rng_chance(rng, 880))
            model->groups[home].members[model->groups[home].member_count++] = i;
        int other = (int)gen_rng_below(rng, (uint64_t)count);
        if (other != home && gen_rng_chance(rng, 200))
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
        client->archived = gen_rng_chance(rng, 100);
    }

    model->project_count = project_count;
    for (int p = 0; p < project_count; p++) {
        struct gen_project *project = &model->projects[p];
        project->id = model->first.project + (uint64_t)p;
        project->client = gen_rng_chance(rng, 150) ? -1 : (int)gen_rng_below(rng, (uint64_t)client_count);
        gen_name(project->name, sizeof(project->name),
                 gen_project_names[p % GEN_COUNT(gen_project_names)],
                 p / GEN_COUNT(gen_project_names), false, project->id);
        snprintf(project->color, sizeof(project->color), "%s",
                 gen_colors[gen_rng_below(rng, GEN_COUNT(gen_colors))]);
        project->billable = gen_rng_chance(rng, 800);
        project->archived = gen_rng_chance(rng, 100);
        project->hourly_rate = gen_rate(rng, 500, 5000, 25000);
        project->cost_rate = gen_rate(rng, 300, 2000, 9000);

        project->first_task = model->task_count;
        project->task_count = gen_rng_chance(rng, 300) ? 0 : 1 + (int)gen_rng_below(rng, 6);
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
            task->done = gen_rng_chance(rng, 250);
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
            bool already_member = false;
            for (int k = 0; k < user->project_count; k++)
                already_member = already_member || user->projects[k].project == project;
            if (already_member)
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
        tag->archived = gen_rng_chance(rng, 80);
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

    uint64_t rng = gen_rng_substream(opts->seed, 0);
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

