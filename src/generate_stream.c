/* generate_stream.c - the generator's entry stream: each user's work days and hours in their
 * own zone, merged in start order.
 * SPDX-License-Identifier: MIT
 */
#include "generate.h"

#include <stdlib.h>
#include <string.h>

#include "civil.h"

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
    stream->dst_nights = calloc((size_t)(stream->day_count * gen_zone_count), sizeof(bool));
    if (stream->dst_nights == NULL)
        return -1;
    for (int zone = 0; zone < gen_zone_count; zone++) {
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
    if (member->project_count > 0 && !gen_rng_chance(rng, 70)) {
        /* Squaring skews the choice towards the user's first projects. */
        double unit = (double)(gen_rng_next(rng) >> 11) * 0x1.0p-53;
        int k = (int)(unit * unit * member->project_count);
        entry->project = member->projects[k].project;
        const struct gen_project *project = &model->projects[entry->project];
        if (project->task_count > 0 && gen_rng_chance(rng, 700))
            entry->task = project->first_task + (int)gen_rng_below(rng, (uint64_t)project->task_count);
        entry->billable = project->billable ? gen_rng_chance(rng, 900) : gen_rng_chance(rng, 50);
    } else {
        entry->billable = gen_rng_chance(rng, 150);
    }
    gen_model_resolve_rates(model, user, entry->project, entry->task, &entry->hourly_rate,
                            &entry->cost_rate);
    gen_pick_tags(model, rng, entry);

    /* Older entries are mostly approved, and billable ones older still mostly invoiced. */
    int64_t age_days = model->options.to_day - civil_floor_div(entry->start, 86400);
    if (!entry->running && age_days > 14)
        entry->approved = gen_rng_chance(rng, 750);
    if (entry->approved && entry->billable && age_days > 30)
        entry->invoiced = gen_rng_chance(rng, 650);

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
        cursor->rng = gen_rng_substream(model->options.seed, (uint64_t)user + 1);
        for (int zone = 0; zone < gen_zone_count; zone++) {
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

