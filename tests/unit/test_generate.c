/* test_generate.c - the pure part of `reportctl generate`: options, model and entry stream are
 * deterministic for a seed and produce the data the reports must cope with.
 * SPDX-License-Identifier: MIT
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "generate.h"
#include "tz.h"

static int failures;

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            failures++;                                                                            \
            printf("FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond);                                 \
            printf(__VA_ARGS__);                                                                   \
            printf("\n");                                                                          \
        }                                                                                          \
    } while (0)

static const struct gen_ids test_first = {1, 101, 201, 301, 401, 501, 601, 1001};

static void test_options(struct gen_options *opts, uint64_t entries, int users, int projects,
                         uint64_t seed)
{
    char err[256];
    char entries_text[24], users_text[24], projects_text[24], seed_text[24];
    snprintf(entries_text, sizeof(entries_text), "%" PRIu64, entries);
    snprintf(users_text, sizeof(users_text), "%d", users);
    snprintf(projects_text, sizeof(projects_text), "%d", projects);
    snprintf(seed_text, sizeof(seed_text), "%" PRIu64, seed);
    char *argv[] = {"generate", "--workspace", "Test", "--entries", entries_text, "--users",
                    users_text, "--projects", projects_text, "--seed", seed_text, "--from",
                    "2025-03-01", "--to", "2025-11-30", "--time-zone", "Europe/Berlin"};
    int rc = gen_options_parse((int)(sizeof(argv) / sizeof(argv[0])), argv, opts, err, sizeof(err));
    CHECK(rc == 0, "parse failed: %s", err);
}

/* FNV-1a over the bytes of every field, so any change in any entry changes the hash. */
static uint64_t hash_bytes(uint64_t hash, const void *data, size_t len)
{
    const unsigned char *bytes = data;
    for (size_t i = 0; i < len; i++) {
        hash ^= bytes[i];
        hash *= UINT64_C(0x100000001B3);
    }
    return hash;
}

static uint64_t hash_stream(uint64_t entries, uint64_t seed)
{
    struct gen_options opts;
    struct gen_entry entry;
    uint64_t hash = UINT64_C(0xCBF29CE484222325);

    test_options(&opts, entries, 9, 12, seed);
    struct gen_model *model = gen_model_new(&opts, &test_first, NULL);
    struct gen_stream *stream = gen_stream_new(model);
    CHECK(model != NULL, "model not created");
    CHECK(stream != NULL, "stream not created");
    while (stream != NULL && gen_stream_next(stream, &entry) == 1) {
        int64_t fields[] = {(int64_t)entry.id, entry.user, entry.project, entry.task,
                            entry.start, entry.running ? -1 : entry.end, entry.billable,
                            entry.hourly_rate, entry.cost_rate, entry.approved, entry.invoiced,
                            entry.tag_count};
        hash = hash_bytes(hash, fields, sizeof(fields));
        hash = hash_bytes(hash, entry.tag_ids, (size_t)entry.tag_count * sizeof(uint64_t));
        hash = hash_bytes(hash, entry.description, entry.description_len);
    }
    for (int i = 0; model != NULL && i < model->user_count; i++)
        hash = hash_bytes(hash, model->users[i].name, strlen(model->users[i].name));
    gen_stream_free(stream);
    gen_model_free(model);
    return hash;
}

static void test_determinism(void)
{
    uint64_t first = hash_stream(5000, 42);
    uint64_t again = hash_stream(5000, 42);
    uint64_t other = hash_stream(5000, 43);
    CHECK(first == again, "same seed gave %016" PRIx64 " and %016" PRIx64, first, again);
    CHECK(first != other, "seeds 42 and 43 gave the same data");
}

static void test_option_errors(void)
{
    struct gen_options opts;
    char err[256];
    char *missing_workspace[] = {"generate", "--entries", "10"};
    char *bad_date[] = {"generate", "--workspace", "W", "--from", "2025-02-30"};
    char *reversed[] = {"generate", "--workspace", "W", "--from", "2025-05-01", "--to",
                        "2025-04-01"};
    char *bad_count[] = {"generate", "--workspace", "W", "--entries", "-5"};
    char *bad_zone[] = {"generate", "--workspace", "W", "--time-zone", "Mars/Olympus"};
    char *no_value[] = {"generate", "--workspace"};
    char *unknown[] = {"generate", "--workspace", "W", "--colour", "red"};
    char *good[] = {"generate", "--workspace", "W", "--append"};

    CHECK(gen_options_parse(3, missing_workspace, &opts, err, sizeof(err)) == -1, "accepted");
    CHECK(strstr(err, "--workspace") != NULL, "message: %s", err);
    CHECK(gen_options_parse(5, bad_date, &opts, err, sizeof(err)) == -1, "accepted");
    CHECK(gen_options_parse(7, reversed, &opts, err, sizeof(err)) == -1, "accepted");
    CHECK(gen_options_parse(5, bad_count, &opts, err, sizeof(err)) == -1, "accepted");
    CHECK(gen_options_parse(5, bad_zone, &opts, err, sizeof(err)) == -1, "accepted");
    CHECK(gen_options_parse(2, no_value, &opts, err, sizeof(err)) == -1, "accepted");
    CHECK(gen_options_parse(5, unknown, &opts, err, sizeof(err)) == -1, "accepted");
    CHECK(gen_options_parse(4, good, &opts, err, sizeof(err)) == 0, "rejected: %s", err);
    CHECK(opts.append, "--append not set");
    CHECK(opts.entries == 10000, "default entries %" PRIu64, opts.entries);
}

static void test_model(void)
{
    struct gen_options opts;
    test_options(&opts, 1000, 60, 40, 5);
    struct gen_model *model = gen_model_new(&opts, &test_first, NULL);
    CHECK(model != NULL, "model not created");
    if (model == NULL)
        return;

    int owners = 0, admins = 0, inactive = 0, no_client = 0, archived = 0, done = 0;
    uint64_t entries = 0;
    for (int i = 0; i < model->user_count; i++) {
        owners += strcmp(model->users[i].role, "OWNER") == 0;
        admins += strcmp(model->users[i].role, "ADMIN") == 0;
        inactive += !model->users[i].active;
        entries += model->users[i].entries;
        CHECK(model->users[i].id == test_first.user + (uint64_t)i, "user id");
        CHECK(tz_valid(model->users[i].zone), "zone %s", model->users[i].zone);
    }
    for (int p = 0; p < model->project_count; p++) {
        no_client += model->projects[p].client < 0;
        archived += model->projects[p].archived;
    }
    for (int t = 0; t < model->task_count; t++)
        done += model->tasks[t].done;

    CHECK(owners == 1, "%d owners", owners);
    CHECK(admins >= 1, "no admin");
    CHECK(inactive >= 1, "no inactive user");
    CHECK(entries == 1000, "entries shared out: %" PRIu64, entries);
    CHECK(no_client >= 1, "every project has a client");
    CHECK(archived >= 1, "no archived project");
    CHECK(done >= 1, "no finished task");
    CHECK(model->tag_count >= 24, "%d tags", model->tag_count);
    CHECK(model->group_count >= 1, "no group");
    CHECK(model->workspace.hourly_rate > 0, "workspace rate %" PRId64, model->workspace.hourly_rate);
    CHECK(strcmp(model->workspace.time_zone, "Europe/Berlin") == 0, "zone %s",
          model->workspace.time_zone);
    gen_model_free(model);
}

/* The rate precedence written out independently of gen_model_resolve_rates. */
static int64_t expected_rate(const struct gen_model *model, const struct gen_entry *entry,
                             bool hourly)
{
    const struct gen_user *user = &model->users[entry->user];
    if (entry->task >= 0) {
        int64_t rate = hourly ? model->tasks[entry->task].hourly_rate
                              : model->tasks[entry->task].cost_rate;
        if (rate != GEN_RATE_NONE)
            return rate;
    }
    if (entry->project >= 0) {
        for (int k = 0; k < user->project_count; k++) {
            if (user->projects[k].project != entry->project)
                continue;
            int64_t rate = hourly ? user->projects[k].hourly_rate : user->projects[k].cost_rate;
            if (rate != GEN_RATE_NONE)
                return rate;
        }
        int64_t rate = hourly ? model->projects[entry->project].hourly_rate
                              : model->projects[entry->project].cost_rate;
        if (rate != GEN_RATE_NONE)
            return rate;
    }
    int64_t rate = hourly ? user->hourly_rate : user->cost_rate;
    if (rate != GEN_RATE_NONE)
        return rate;
    return hourly ? model->workspace.hourly_rate : model->workspace.cost_rate;
}

static bool valid_utf8(const unsigned char *text, size_t len)
{
    for (size_t i = 0; i < len;) {
        unsigned char c = text[i];
        size_t extra = c < 0x80 ? 0 : (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2
                                                : (c & 0xF8) == 0xF0 ? 3 : 9;
        if (extra == 9 || i + extra >= len)
            return false;
        for (size_t k = 1; k <= extra; k++) {
            if ((text[i + k] & 0xC0) != 0x80)
                return false;
        }
        i += extra + 1;
    }
    return true;
}

static size_t code_points(const char *text, size_t len)
{
    size_t count = 0;
    for (size_t i = 0; i < len; i++)
        count += ((unsigned char)text[i] & 0xC0) != 0x80;
    return count;
}

struct text_seen {
    int empty, comma, quote, newline, tab, backslash, non_ascii, emoji, formula, long_text;
};

static void note_text(struct text_seen *seen, const char *text, size_t len)
{
    seen->empty += len == 0;
    seen->comma += memchr(text, ',', len) != NULL;
    seen->quote += memchr(text, '"', len) != NULL;
    seen->newline += memchr(text, '\n', len) != NULL;
    seen->tab += memchr(text, '\t', len) != NULL;
    seen->backslash += memchr(text, '\\', len) != NULL;
    seen->formula += len > 0 && strchr("=+-@", text[0]) != NULL;
    seen->long_text += code_points(text, len) == GEN_LONG_TEXT_CHARS;
    bool non_ascii = false, emoji = false;
    for (size_t i = 0; i < len; i++) {
        non_ascii = non_ascii || (unsigned char)text[i] >= 0x80;
        emoji = emoji || (unsigned char)text[i] >= 0xF0;
    }
    seen->non_ascii += non_ascii;
    seen->emoji += emoji;
}

static void test_stream_properties(void)
{
    enum { USERS = 12, ENTRIES = 30000 };
    struct gen_options opts;
    struct gen_entry entry;
    struct text_seen seen = {0};
    int64_t last_end[USERS];
    int64_t last_start = INT64_MIN;
    int running_of[USERS] = {0};
    uint64_t last_id_of[USERS] = {0};
    uint64_t running_id_of[USERS] = {0};
    uint64_t count = 0;
    int crosses_midnight = 0, crosses_dst = 0, no_project = 0, tagged = 0, billable = 0;
    int approved = 0, invoiced = 0, short_entries = 0, long_entries = 0;

    for (int i = 0; i < USERS; i++)
        last_end[i] = INT64_MIN;
    test_options(&opts, ENTRIES, USERS, 15, 7);
    struct gen_model *model = gen_model_new(&opts, &test_first, NULL);
    struct gen_stream *stream = model != NULL ? gen_stream_new(model) : NULL;
    CHECK(stream != NULL, "stream not created");
    if (stream == NULL) {
        gen_model_free(model);
        return;
    }

    int got;
    while ((got = gen_stream_next(stream, &entry)) == 1) {
        const struct gen_user *user = &model->users[entry.user];
        CHECK(entry.id == test_first.entry + count, "id %" PRIu64 " at %" PRIu64, entry.id, count);
        count++;
        CHECK(entry.start >= last_start, "entry %" PRIu64 " out of start order", entry.id);
        last_start = entry.start;
        CHECK(entry.start >= last_end[entry.user], "entry %" PRIu64 " overlaps the previous one",
              entry.id);
        CHECK(running_of[entry.user] == 0, "entry %" PRIu64 " follows a running timer", entry.id);
        last_id_of[entry.user] = entry.id;
        if (entry.running) {
            running_of[entry.user]++;
            running_id_of[entry.user] = entry.id;
            CHECK(!entry.approved, "running entry %" PRIu64 " approved", entry.id);
            CHECK(!entry.invoiced, "running entry %" PRIu64 " invoiced", entry.id);
        } else {
            CHECK(entry.end > entry.start, "entry %" PRIu64 " ends before it starts", entry.id);
            last_end[entry.user] = entry.end;
            short_entries += entry.end - entry.start < 60;
            long_entries += entry.end - entry.start > 3 * 3600;
        }

        CHECK(entry.tag_count >= 0, "tag count %d", entry.tag_count);
        CHECK(entry.tag_count <= GEN_ENTRY_TAGS_MAX, "tag count %d", entry.tag_count);
        for (int t = 0; t < entry.tag_count; t++) {
            CHECK(entry.tag_ids[t] >= test_first.tag &&
                      entry.tag_ids[t] < test_first.tag + (uint64_t)model->tag_count,
                  "tag id %" PRIu64, entry.tag_ids[t]);
            CHECK(t == 0 || entry.tag_ids[t - 1] < entry.tag_ids[t], "tags not ascending");
        }
        tagged += entry.tag_count > 0;

        if (entry.task >= 0) {
            CHECK(model->tasks[entry.task].project == entry.project,
                  "task %d outside its project %d", entry.task, entry.project);
        }
        if (entry.project >= 0) {
            bool member = false;
            for (int k = 0; k < user->project_count; k++)
                member = member || user->projects[k].project == entry.project;
            CHECK(member, "user %d not in project %d", entry.user, entry.project);
        } else {
            no_project++;
        }
        CHECK(entry.hourly_rate == expected_rate(model, &entry, true),
              "hourly rate %" PRId64 " of entry %" PRIu64, entry.hourly_rate, entry.id);
        CHECK(entry.cost_rate == expected_rate(model, &entry, false),
              "cost rate %" PRId64 " of entry %" PRIu64, entry.cost_rate, entry.id);
        CHECK(!entry.invoiced || (entry.approved && entry.billable), "invoiced but not approved");
        billable += entry.billable;
        approved += entry.approved;
        invoiced += entry.invoiced;

        CHECK(valid_utf8((const unsigned char *)entry.description, entry.description_len),
              "invalid UTF-8 in entry %" PRIu64, entry.id);
        note_text(&seen, entry.description, entry.description_len);

        struct tz_local local_start, local_end;
        CHECK(tz_use(user->zone) == 0, "zone %s", user->zone);
        tz_to_local(entry.start, &local_start);
        CHECK(local_start.days >= opts.from_day, "entry %" PRIu64 " starts before the range",
              entry.id);
        CHECK(local_start.days <= opts.to_day + 1, "entry %" PRIu64 " starts after the range",
              entry.id);
        if (!entry.running) {
            tz_to_local(entry.end, &local_end);
            crosses_midnight += local_end.days != local_start.days;
            crosses_dst += local_end.offset != local_start.offset;
        }
    }
    CHECK(got == 0, "stream failed");
    CHECK(count == ENTRIES, "%" PRIu64 " entries", count);

    int running_users = 0;
    for (int i = 0; i < USERS; i++) {
        int expected_running = model->users[i].running_timer && model->users[i].entries > 0;
        CHECK(running_of[i] == expected_running, "user %d has %d running timers", i,
              running_of[i]);
        CHECK(running_of[i] == 0 || running_id_of[i] == last_id_of[i],
              "running timer of user %d is not the latest entry", i);
        running_users += running_of[i];
    }
    CHECK(running_users >= 1, "no running timer");
    CHECK(crosses_midnight > 0, "no entry crosses midnight");
    CHECK(crosses_dst > 0, "no entry crosses a DST change");
    CHECK(no_project > 0, "every entry has a project");
    CHECK(tagged > 0, "no entry has tags");
    CHECK(billable > 0, "no billable entry");
    CHECK(billable < ENTRIES, "every entry billable");
    CHECK(approved > 0, "no approved entry");
    CHECK(invoiced > 0, "no invoiced entry");
    CHECK(short_entries > 0, "no entry under a minute");
    CHECK(long_entries > 0, "no entry over three hours");
    CHECK(seen.empty > 0, "no empty description");
    CHECK(seen.comma > 0, "no comma");
    CHECK(seen.quote > 0, "no double quote");
    CHECK(seen.newline > 0, "no newline");
    CHECK(seen.tab > 0, "no tab");
    CHECK(seen.backslash > 0, "no backslash");
    CHECK(seen.non_ascii > 0, "no non-ASCII text");
    CHECK(seen.emoji > 0, "no emoji");
    CHECK(seen.formula > 0, "no description starting with = + - @");
    CHECK(seen.long_text >= 1, "no %d-character description", GEN_LONG_TEXT_CHARS);
    CHECK(seen.long_text <= 3, "%d long descriptions", seen.long_text);

    gen_stream_free(stream);
    gen_model_free(model);
}

int main(void)
{
    test_option_errors();
    test_model();
    test_determinism();
    test_stream_properties();
    if (failures > 0) {
        printf("%d check(s) failed\n", failures);
        return 1;
    }
    printf("ok\n");
    return 0;
}
