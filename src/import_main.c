/* import_main.c - `reportctl import`: reads export files, turns their rows into UTC entries and
 * loads each file in one transaction.
 * SPDX-License-Identifier: MIT
 *
 * Rules that the exports force on the import:
 * - Dates: ISO (2024-02-01) and dotted (01.02.2024, day first) dates read by their shape. All
 *   slash dates of a file (start and end columns, two- or four-digit years) share one day/month
 *   order, decided by a value whose first or second number is over 12. A file whose slash dates
 *   never decide it is rejected with the ambiguous lines and a hint to pass --date-format. A
 *   file with both kinds of values is rejected as bad. So a file that mixes 7/27/22 and
 *   2022-07-27 reads 7/27/22 as month first, and its ISO dates as ISO.
 * - Duration: when a row has an exact duration (h:mm:ss, h:mm or seconds), the entry ends at
 *   start + that duration, whatever the end columns say, so that sums per user and project equal
 *   the file's own Duration column to the second (Toggl's rounding, h:mm files without seconds,
 *   Clockify's hand-edited rows). End columns decide only when the duration is missing or in
 *   decimal hours. Without an end date (Kimai) an end time earlier than the start is next day.
 * - Billable: without a Billable column an entry is billable when its amount is over 0.
 * - Kimai prefixes descriptions that start with = + - @ with `'` against formula injection;
 *   that one `'` is removed. A `'` before any other character is kept.
 * - Tags split on commas with spaces trimmed ("Meeting, Team Meeting", "foo,clockify").
 */
#include "import_main.h"
#include "log.h"

#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "civil.h"
#include "day_totals.h"
#include "import_csv.h"
#include "import_detect.h"
#include "import_load.h"
#include "tz.h"

/* Files above this size are rejected before reading (bytes). */
#define IMPORT_FILE_MAX ((size_t)1 << 30)
/* Characters of a name column (VARCHAR(255) in the schema). */
#define IMPORT_NAME_MAX 255
#define IMPORT_EMAIL_MAX 320
#define IMPORT_TAGS_MAX 64
/* Lines listed in the message about ambiguous dates. */
#define IMPORT_AMBIGUOUS_SHOWN 5

struct import_options {
    const char *workspace;
    enum import_tool tool;
    const char *time_zone;      /* NULL: the workspace's zone */
    bool order_forced;
    enum import_date_order order;
};

/* Bump allocator for the strings of one file; freed all at once. */
struct import_arena {
    struct import_chunk *chunks;
};

struct import_chunk {
    struct import_chunk *next;
    size_t used;
    size_t size;
    char data[];
};

static void *arena_alloc(struct import_arena *arena, size_t len)
{
    struct import_chunk *chunk = arena->chunks;
    len = (len + 7) & ~(size_t)7;
    if (chunk == NULL || chunk->size - chunk->used < len) {
        size_t size = len > 65536 ? len : 65536;
        chunk = malloc(sizeof(*chunk) + size);
        if (chunk == NULL)
            return NULL;
        chunk->used = 0;
        chunk->size = size;
        chunk->next = arena->chunks;
        arena->chunks = chunk;
    }
    void *p = chunk->data + chunk->used;
    chunk->used += len;
    return p;
}

static char *arena_strndup(struct import_arena *arena, const char *text, size_t len)
{
    char *copy = arena_alloc(arena, len + 1);
    if (copy == NULL)
        return NULL;
    memcpy(copy, text, len);
    copy[len] = '\0';
    return copy;
}

static void arena_free(struct import_arena *arena)
{
    while (arena->chunks != NULL) {
        struct import_chunk *next = arena->chunks->next;
        free(arena->chunks);
        arena->chunks = next;
    }
}

/* The fields of one record that the import uses; "" for an empty field. */
struct import_raw {
    long line;
    const char *field[IMPORT_COL__MAX];
};

/* State of one file while it is read. */
struct import_file {
    const char *path;
    struct import_columns columns;
    struct import_arena arena;
    struct import_raw *raws;
    size_t count;
    size_t cap;
    struct import_entry *entries;
    enum import_date_order order;
    char currency[4];           /* from the header, else from a Kimai Currency column */
    bool workspace_created;
};

static void import_usage(FILE *out)
{
    fprintf(out,
            "usage: reportctl import [--workspace NAME] [--format auto|clockify|toggl|kimai]\n"
            "                        [--timezone ZONE] [--date-format FORMAT] FILE...\n"
            "  --workspace NAME     workspace to load into, created when missing (default: the\n"
            "                       file name without its extension)\n"
            "  --format TOOL        tool that wrote the files (default: detected from the header)\n"
            "  --timezone ZONE      IANA zone of the files' local times and of a new workspace\n"
            "                       (default: the workspace's zone; UTC for a new workspace)\n"
            "  --date-format FMT    order of slash dates when the file does not tell: DD/MM/YYYY,\n"
            "                       MM/DD/YYYY, D/M/YY, M/D/YY, YYYY-MM-DD or DD.MM.YYYY\n");
}

/* Reads the whole file into *data (NUL-terminated). Returns 0, or -1 with errno set. */
static int import_read_file(const char *path, char **data, size_t *len)
{
    int result = -1;
    char *buf = NULL;
    size_t used = 0;
    size_t cap = 0;
    FILE *file = fopen(path, "rb");

    if (file == NULL)
        return -1;
    for (;;) {
        if (cap - used < 65536) {
            cap = cap ? cap * 2 : 262144;
            if (cap > IMPORT_FILE_MAX + 65536) {
                errno = EFBIG;
                goto out;
            }
            char *bigger = realloc(buf, cap + 1);
            if (bigger == NULL)
                goto out;
            buf = bigger;
        }
        size_t got = fread(buf + used, 1, cap - used, file);
        used += got;
        if (got == 0) {
            if (ferror(file))
                goto out;
            break;
        }
    }
    buf[used] = '\0';
    *data = buf;
    *len = used;
    buf = NULL;
    result = 0;
out:
    free(buf);
    fclose(file);
    return result;
}

/* Prints "PATH:LINE: message" on stderr and returns IMPORT_EXIT_BAD_INPUT. */
__attribute__((format(printf, 3, 4))) static int import_fail(const char *path, long line,
                                                             const char *fmt, ...)
{
    va_list args;
    if (line > 0)
        fprintf(stderr, "%s:%ld: ", path, line);
    else
        fprintf(stderr, "%s: ", path);
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fputc('\n', stderr);
    return IMPORT_EXIT_BAD_INPUT;
}

static size_t import_utf8_chars(const char *text)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p != '\0'; p++) {
        if ((*p & 0xC0) != 0x80)
            n++;
    }
    return n;
}

/* Copies the mapped fields of the current record; checks its field count against the header. */
static int import_keep_record(struct import_file *file, const struct csv_reader *reader,
                              size_t header_count)
{
    if (reader->count > header_count) {
        for (size_t i = header_count; i < reader->count; i++) {
            if (reader->lengths[i] > 0)
                return import_fail(file->path, reader->record_line,
                                   "the record has %zu fields but the header has %zu",
                                   reader->count, header_count);
        }
    }
    if (file->count == file->cap) {
        size_t cap = file->cap ? file->cap * 2 : 1024;
        struct import_raw *raws = realloc(file->raws, cap * sizeof(*raws));
        if (raws == NULL)
            return import_fail(file->path, reader->record_line, "out of memory");
        file->raws = raws;
        file->cap = cap;
    }
    struct import_raw *raw = &file->raws[file->count];
    raw->line = reader->record_line;
    for (int role = 0; role < IMPORT_COL__MAX; role++) {
        int index = file->columns.index[role];
        raw->field[role] = "";
        if (index < 0)
            continue;
        if ((size_t)index >= reader->count)
            return import_fail(file->path, reader->record_line,
                               "the record has %zu fields but the header has %zu",
                               reader->count, header_count);
        if (reader->lengths[index] == 0)
            continue;
        raw->field[role] = arena_strndup(&file->arena, reader->fields[index],
                                         reader->lengths[index]);
        if (raw->field[role] == NULL)
            return import_fail(file->path, reader->record_line, "out of memory");
    }
    file->count++;
    return 0;
}

/* Tokenizes the file, maps its header and keeps every record's fields. */
static int import_tokenize(struct import_file *file, const char *data, size_t len,
                           enum import_tool tool)
{
    struct csv_reader reader;
    char err[256];
    int result = IMPORT_EXIT_BAD_INPUT;

    csv_reader_init(&reader, data, len);
    int rc = csv_reader_next(&reader);
    if (rc <= 0) {
        result = import_fail(file->path, 1, "%s", rc < 0 ? reader.error : "the file is empty");
        goto out;
    }
    if (import_detect_columns(reader.fields, reader.count, tool, &file->columns, err,
                              sizeof(err)) != 0) {
        result = import_fail(file->path, 1, "%s", err);
        goto out;
    }
    size_t header_count = reader.count;
    for (;;) {
        rc = csv_reader_next(&reader);
        if (rc == 0)
            break;
        if (rc < 0) {
            result = import_fail(file->path, reader.record_line, "%s", reader.error);
            goto out;
        }
        if (import_keep_record(file, &reader, header_count) != 0)
            goto out;
    }
    result = IMPORT_EXIT_OK;
out:
    csv_reader_free(&reader);
    return result;
}

/* Decides the day/month order of the file's slash dates (see the rules at the top). */
static int import_decide_order(struct import_file *file, const struct import_options *options)
{
    static const int roles[] = {IMPORT_COL_START_DATE, IMPORT_COL_END_DATE};
    const struct import_raw *day_first = NULL;
    const struct import_raw *month_first = NULL;
    const char *day_first_value = NULL;
    const char *month_first_value = NULL;
    long ambiguous[IMPORT_AMBIGUOUS_SHOWN];
    size_t ambiguous_count = 0;

    file->order = options->order;
    if (options->order_forced)
        return IMPORT_EXIT_OK;
    for (size_t i = 0; i < file->count; i++) {
        const struct import_raw *raw = &file->raws[i];
        for (size_t r = 0; r < sizeof(roles) / sizeof(roles[0]); r++) {
            const char *value = raw->field[roles[r]];
            enum import_date_order hint;
            int y, m, d;
            if (value[0] == '\0')
                continue;
            if (import_date_hint(value, &hint) != 0)
                return import_fail(file->path, raw->line,
                                   "invalid date '%s'; expected YYYY-MM-DD, DD.MM.YYYY or a "
                                   "slash date such as 31/12/2024",
                                   value);
            if (hint == IMPORT_ORDER_DMY && day_first == NULL) {
                day_first = raw;
                day_first_value = value;
            } else if (hint == IMPORT_ORDER_MDY && month_first == NULL) {
                month_first = raw;
                month_first_value = value;
            } else if (hint == IMPORT_ORDER_UNKNOWN &&
                       import_parse_date(value, IMPORT_ORDER_UNKNOWN, &y, &m, &d) == 1 &&
                       ambiguous_count < IMPORT_AMBIGUOUS_SHOWN &&
                       (ambiguous_count == 0 || ambiguous[ambiguous_count - 1] != raw->line)) {
                ambiguous[ambiguous_count++] = raw->line;
            }
        }
    }
    if (day_first != NULL && month_first != NULL)
        return import_fail(file->path, month_first->line,
                           "bad file: slash dates are day first on line %ld ('%s') and month "
                           "first on line %ld ('%s')",
                           day_first->line, day_first_value, month_first->line,
                           month_first_value);
    if (day_first != NULL)
        file->order = IMPORT_ORDER_DMY;
    else if (month_first != NULL)
        file->order = IMPORT_ORDER_MDY;
    else if (ambiguous_count > 0) {
        char lines[96] = "";
        size_t used = 0;
        for (size_t i = 0; i < ambiguous_count; i++) {
            int n = snprintf(lines + used, sizeof(lines) - used, "%s%ld", i ? ", " : "",
                             ambiguous[i]);
            if (n > 0 && (size_t)n < sizeof(lines) - used)
                used += (size_t)n;
        }
        return import_fail(file->path, ambiguous[0],
                           "ambiguous dates: day and month are both 12 or less in every slash "
                           "date (lines %s%s); pass --date-format DD/MM/YYYY or --date-format "
                           "MM/DD/YYYY",
                           lines, ambiguous_count == IMPORT_AMBIGUOUS_SHOWN ? ", ..." : "");
    }
    return IMPORT_EXIT_OK;
}

/* Parses a date and a time field into local calendar parts. */
static int import_local_time(const struct import_file *file, const struct import_raw *raw,
                             const char *date, const char *time, int parts[6], bool *seconds)
{
    int rc = import_parse_date(date, file->order, &parts[0], &parts[1], &parts[2]);
    if (rc == 1)
        return import_fail(file->path, raw->line,
                           "ambiguous date '%s'; pass --date-format DD/MM/YYYY or MM/DD/YYYY",
                           date);
    if (rc != 0)
        return import_fail(file->path, raw->line, "invalid date '%s'", date);
    if (import_parse_time(time, &parts[3], &parts[4], &parts[5], seconds) != 0)
        return import_fail(file->path, raw->line,
                           "invalid time '%s'; expected H:MM, H:MM:SS or H:MM AM", time);
    return 0;
}

/* Resolves start and end of a row in the current zone (see the duration rule at the top). */
static int import_times(const struct import_file *file, const struct import_raw *raw,
                        struct import_entry *entry, int64_t *seconds)
{
    const char *const *f = raw->field;
    int start[6];
    bool has_seconds;
    bool have_exact = false;
    bool have_end = false;
    int64_t duration = 0;
    int64_t end = 0;

    if (f[IMPORT_COL_START_DATE][0] == '\0' || f[IMPORT_COL_START_TIME][0] == '\0')
        return import_fail(file->path, raw->line, "missing start date or start time");
    if (import_local_time(file, raw, f[IMPORT_COL_START_DATE], f[IMPORT_COL_START_TIME], start,
                          &has_seconds) != 0)
        return -1;
    entry->start = tz_from_local(start[0], start[1], start[2], start[3], start[4], start[5]);

    if (f[IMPORT_COL_DURATION][0] == '-')
        return import_fail(file->path, raw->line, "negative duration '%s'",
                           f[IMPORT_COL_DURATION]);
    if (f[IMPORT_COL_DURATION][0] != '\0') {
        if (import_parse_duration(f[IMPORT_COL_DURATION], false, &duration, &have_exact) != 0)
            return import_fail(file->path, raw->line,
                               "invalid duration '%s'; expected H:MM:SS, H:MM or seconds",
                               f[IMPORT_COL_DURATION]);
    }
    if (f[IMPORT_COL_END_TIME][0] != '\0') {
        int parts[6];
        const char *date = f[IMPORT_COL_END_DATE][0] != '\0' ? f[IMPORT_COL_END_DATE]
                                                              : f[IMPORT_COL_START_DATE];
        if (import_local_time(file, raw, date, f[IMPORT_COL_END_TIME], parts, &has_seconds) != 0)
            return -1;
        end = tz_from_local(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5]);
        if (f[IMPORT_COL_END_DATE][0] == '\0' && end < entry->start) {
            int64_t next = civil_days_from_date(parts[0], parts[1], parts[2]) + 1;
            civil_date_from_days(next, &parts[0], &parts[1], &parts[2]);
            end = tz_from_local(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5]);
        }
        have_end = true;
    }
    if (!have_exact && !have_end && f[IMPORT_COL_DURATION_DECIMAL][0] != '\0') {
        bool exact;
        if (import_parse_duration(f[IMPORT_COL_DURATION_DECIMAL], true, &duration, &exact) != 0)
            return import_fail(file->path, raw->line, "invalid decimal duration '%s'",
                               f[IMPORT_COL_DURATION_DECIMAL]);
        have_exact = true;
    }

    if (have_exact)
        entry->end = entry->start + duration;
    else if (have_end)
        entry->end = end;
    else
        return import_fail(file->path, raw->line, "missing duration and end time");
    if (entry->end < entry->start)
        return import_fail(file->path, raw->line, "the entry ends before it starts");
    *seconds = entry->end - entry->start;
    return 0;
}

/* Checks a name against the schema's column size; returns it, or NULL when the field is empty. */
static int import_name(const struct import_file *file, const struct import_raw *raw,
                       const char *value, const char *what, size_t max, const char **out)
{
    *out = NULL;
    if (value[0] == '\0')
        return 0;
    if (import_utf8_chars(value) > max)
        return import_fail(file->path, raw->line, "%s is longer than %zu characters", what, max);
    *out = value;
    return 0;
}

/* Splits a Tags field on commas into unique trimmed names. */
static int import_tags(struct import_file *file, const struct import_raw *raw,
                       struct import_entry *entry)
{
    const char *p = raw->field[IMPORT_COL_TAGS];
    const char *names[IMPORT_TAGS_MAX];
    size_t count = 0;

    while (*p != '\0') {
        const char *comma = strchr(p, ',');
        size_t len = comma != NULL ? (size_t)(comma - p) : strlen(p);
        const char *start = p;
        while (len > 0 && *start == ' ') {
            start++;
            len--;
        }
        while (len > 0 && start[len - 1] == ' ')
            len--;
        if (len > 0) {
            char *name = arena_strndup(&file->arena, start, len);
            if (name == NULL)
                return import_fail(file->path, raw->line, "out of memory");
            if (import_utf8_chars(name) > IMPORT_NAME_MAX)
                return import_fail(file->path, raw->line, "a tag is longer than %d characters",
                                   IMPORT_NAME_MAX);
            bool seen = false;
            for (size_t i = 0; i < count && !seen; i++)
                seen = strcmp(names[i], name) == 0;
            if (!seen && count == IMPORT_TAGS_MAX)
                return import_fail(file->path, raw->line, "more than %d tags",
                                   IMPORT_TAGS_MAX);
            if (!seen)
                names[count++] = name;
        }
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    entry->tag_count = count;
    entry->tags = NULL;
    if (count == 0)
        return 0;
    entry->tags = arena_alloc(&file->arena, count * sizeof(*entry->tags));
    if (entry->tags == NULL)
        return import_fail(file->path, raw->line, "out of memory");
    memcpy(entry->tags, names, count * sizeof(*entry->tags));
    return 0;
}

/* Reads rate, amounts and the billable flag of a row whose duration is seconds. */
static int import_money(struct import_file *file, const struct import_raw *raw,
                        struct import_entry *entry, int64_t seconds)
{
    const char *const *f = raw->field;
    int64_t amount = 0;
    bool has_amount = false;

    if (f[IMPORT_COL_RATE][0] != '\0' &&
        import_parse_money(f[IMPORT_COL_RATE], &entry->hourly_rate) != 0)
        return import_fail(file->path, raw->line, "invalid rate '%s'", f[IMPORT_COL_RATE]);
    if (f[IMPORT_COL_AMOUNT][0] != '\0') {
        if (import_parse_money(f[IMPORT_COL_AMOUNT], &amount) != 0)
            return import_fail(file->path, raw->line, "invalid amount '%s'",
                               f[IMPORT_COL_AMOUNT]);
        has_amount = true;
    }
    /* rate (cents/hour) * seconds / 3600, rounded half up: what a report would compute. */
    int64_t computed = (entry->hourly_rate * seconds * 2 + 3600) / 7200;
    if (has_amount && amount != computed) {
        entry->has_earned = true;
        entry->earned_amount = amount;
    }
    if (f[IMPORT_COL_COST_AMOUNT][0] != '\0') {
        int64_t cost;
        if (import_parse_money(f[IMPORT_COL_COST_AMOUNT], &cost) != 0)
            return import_fail(file->path, raw->line, "invalid internal price '%s'",
                               f[IMPORT_COL_COST_AMOUNT]);
        if (cost != 0) {
            entry->has_cost = true;
            entry->cost_amount = cost;
        }
    }

    if (file->columns.index[IMPORT_COL_BILLABLE] < 0) {
        entry->billable = has_amount && amount > 0;
    } else if (import_parse_bool(f[IMPORT_COL_BILLABLE], &entry->billable) != 0) {
        return import_fail(file->path, raw->line, "invalid billable flag '%s'; expected Yes or No",
                           f[IMPORT_COL_BILLABLE]);
    }
    if (file->currency[0] == '\0' && strlen(f[IMPORT_COL_CURRENCY]) == 3)
        memcpy(file->currency, f[IMPORT_COL_CURRENCY], 4);
    return 0;
}

/* Turns one kept record into an entry. Returns 0 or IMPORT_EXIT_BAD_INPUT (message printed). */
static int import_convert(struct import_file *file, const struct import_raw *raw,
                          struct import_entry *entry)
{
    const char *const *f = raw->field;
    int64_t seconds = 0;

    memset(entry, 0, sizeof(*entry));
    entry->line = raw->line;
    if (import_name(file, raw, f[IMPORT_COL_EMAIL], "the e-mail", IMPORT_EMAIL_MAX,
                    &entry->email) != 0 ||
        import_name(file, raw, f[IMPORT_COL_USER], "the user name", IMPORT_NAME_MAX,
                    &entry->user_name) != 0 ||
        import_name(file, raw, f[IMPORT_COL_CLIENT], "the client", IMPORT_NAME_MAX,
                    &entry->client) != 0 ||
        import_name(file, raw, f[IMPORT_COL_PROJECT], "the project", IMPORT_NAME_MAX,
                    &entry->project) != 0 ||
        import_name(file, raw, f[IMPORT_COL_TASK], "the task", IMPORT_NAME_MAX, &entry->task) != 0 ||
        import_name(file, raw, f[IMPORT_COL_GROUP], "the group", IMPORT_NAME_MAX,
                    &entry->group) != 0)
        return IMPORT_EXIT_BAD_INPUT;
    if (entry->user_name == NULL && f[IMPORT_COL_USERNAME][0] != '\0')
        entry->user_name = f[IMPORT_COL_USERNAME];
    if (entry->user_name == NULL)
        entry->user_name = entry->email;
    if (entry->user_name == NULL)
        return import_fail(file->path, raw->line, "missing user name and e-mail");
    if (entry->task != NULL && entry->project == NULL)
        return import_fail(file->path, raw->line, "task '%s' has no project", entry->task);

    const char *description = f[IMPORT_COL_DESCRIPTION];
    if (file->columns.tool == IMPORT_TOOL_KIMAI && description[0] == '\'' &&
        description[1] != '\0' && strchr("=+-@", description[1]) != NULL)
        description++;
    entry->description = description;

    if (import_tags(file, raw, entry) != 0)
        return IMPORT_EXIT_BAD_INPUT;
    if (import_times(file, raw, entry, &seconds) != 0)
        return IMPORT_EXIT_BAD_INPUT;
    if (import_money(file, raw, entry, seconds) != 0)
        return IMPORT_EXIT_BAD_INPUT;
    return 0;
}

static void import_file_free(struct import_file *file)
{
    free(file->raws);
    free(file->entries);
    arena_free(&file->arena);
}

/* Default workspace name: the file's base name without its extension. */
static void import_default_name(const char *path, char *name, size_t size)
{
    const char *base = strrchr(path, '/');
    base = base != NULL ? base + 1 : path;
    snprintf(name, size, "%s", base);
    char *dot = strrchr(name, '.');
    if (dot != NULL && dot != name)
        *dot = '\0';
}

/* Starts the transaction, finds or creates the workspace and sets the zone of the file. */
static int import_open_workspace(struct db *db, const struct import_options *options,
                                 struct import_file *file, uint64_t *workspace_id)
{
    char name[256];
    char zone[TZ_NAME_MAX + 1];
    bool created;

    if (options->workspace != NULL)
        snprintf(name, sizeof(name), "%s", options->workspace);
    else
        import_default_name(file->path, name, sizeof(name));
    const char *new_zone = options->time_zone != NULL ? options->time_zone : "UTC";
    if (db_exec(db, "START TRANSACTION") != 0 ||
        import_ensure_workspace_ex(db, name, new_zone, workspace_id, &created) != 0)
        return -1;
    if (options->time_zone != NULL) {
        snprintf(zone, sizeof(zone), "%s", options->time_zone);
    } else if (import_workspace_zone(db, *workspace_id, zone, sizeof(zone)) != 0) {
        return -1;
    }
    if (tz_use(zone) != 0) {
        snprintf(db->error, sizeof(db->error), "workspace '%s' has an invalid time zone '%s'",
                 name, zone);
        return -1;
    }
    file->workspace_created = created;
    return 0;
}

/* Stores the file's currency on a workspace that this import created. */
static int import_set_currency(struct db *db, uint64_t workspace_id, const char *currency)
{
    struct db_params params;
    db_params_init(&params);
    int rc = db_params_add_text(&params, currency, strlen(currency));
    rc |= db_params_add_u64(&params, workspace_id);
    if (rc == 0)
        rc = db_run(db, "UPDATE workspaces SET currency = ? WHERE id = ?", &params, NULL, NULL);
    db_params_free(&params);
    return rc;
}

/* True when a concurrent writer made the transaction fail: a deadlock or lock wait timeout
 * (concurrent imports creating the same users; both say "try restarting transaction"), or a
 * duplicate entry id. */
static bool import_retryable(const struct db *db)
{
    /* A bulk load that numbers its own entries (generate, restore) can take an id that this
     * import's AUTO_INCREMENT had already handed out. A new attempt gets fresh ids. */
    return strstr(db->error, "try restarting transaction") != NULL ||
           strstr(db->error, "for key 'PRIMARY'") != NULL;
}

/* Brings the day totals up to date for the days the file's entries start on. */
static int import_refresh_day_totals(struct db *db, uint64_t workspace_id,
                                     const struct import_file *file)
{
    if (file->count == 0)
        return 0;
    int64_t first = file->entries[0].start;
    int64_t last = first;
    for (size_t i = 1; i < file->count; i++) {
        if (file->entries[i].start < first)
            first = file->entries[i].start;
        if (file->entries[i].start > last)
            last = file->entries[i].start;
    }
    return day_totals_refresh(db, workspace_id, first, last);
}

/* Imports one file in one transaction. *retry is set when the transaction failed only because
 * of a concurrent writer, so running the file again may succeed; no message is printed then. */
static int import_one(struct db *db, const struct import_options *options, const char *path,
                      bool *retry)
{
    struct import_file file = {0};
    struct import_stats stats;
    char *data = NULL;
    size_t len = 0;
    uint64_t workspace_id = 0;
    bool in_transaction = false;
    int result = IMPORT_EXIT_BAD_INPUT;

    file.path = path;
    if (import_read_file(path, &data, &len) != 0) {
        result = import_fail(path, 0, "cannot read the file: %s", strerror(errno));
        goto out;
    }
    result = import_tokenize(&file, data, len, options->tool);
    if (result != IMPORT_EXIT_OK)
        goto out;
    memcpy(file.currency, file.columns.currency, sizeof(file.currency));
    result = import_decide_order(&file, options);
    if (result != IMPORT_EXIT_OK)
        goto out;

    in_transaction = true;
    db->error[0] = '\0';
    if (import_open_workspace(db, options, &file, &workspace_id) != 0) {
        result = IMPORT_EXIT_DATABASE;
        goto out;
    }
    file.entries = calloc(file.count ? file.count : 1, sizeof(*file.entries));
    if (file.entries == NULL) {
        result = import_fail(path, 0, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < file.count; i++) {
        result = import_convert(&file, &file.raws[i], &file.entries[i]);
        if (result != IMPORT_EXIT_OK)
            goto out;
    }
    /* Only a workspace made by this import takes the file's currency; an existing one keeps its
     * own. */
    if (file.workspace_created && file.currency[0] != '\0' &&
        import_set_currency(db, workspace_id, file.currency) != 0) {
        result = IMPORT_EXIT_DATABASE;
        goto out;
    }
    if (import_load_entries(db, workspace_id, file.entries, file.count, &stats) != 0 ||
        import_refresh_day_totals(db, workspace_id, &file) != 0 ||
        db_exec(db, "COMMIT") != 0) {
        result = IMPORT_EXIT_DATABASE;
        goto out;
    }
    in_transaction = false;
    printf("%s: %s export, workspace %" PRIu64 ": %" PRIu64 " entries added, %" PRIu64
           " duplicates skipped; created %" PRIu64 " users, %" PRIu64 " projects, %" PRIu64
           " clients, %" PRIu64 " tasks, %" PRIu64 " tags, %" PRIu64 " groups\n",
           path, import_tool_name(file.columns.tool), workspace_id, stats.added,
           stats.duplicates, stats.users, stats.projects, stats.clients, stats.tasks, stats.tags,
           stats.groups);
    result = IMPORT_EXIT_OK;
out:
    *retry = result == IMPORT_EXIT_DATABASE && import_retryable(db);
    if (result == IMPORT_EXIT_DATABASE && !*retry)
        fprintf(stderr, "%s: database error: %s\n", path, db->error);
    if (in_transaction && db->conn != NULL && db_exec(db, "ROLLBACK") != 0)
        fprintf(stderr, "%s: rollback failed: %s\n", path, db->error);
    import_file_free(&file);
    free(data);
    return result;
}

/* Takes the value of option name from "--name VALUE" or "--name=VALUE"; returns NULL when
 * argv[*i] is another option. Sets *missing when the option has no value. */
static const char *import_option(int argc, char **argv, int *i, const char *name, bool *missing)
{
    size_t len = strlen(name);
    const char *arg = argv[*i];
    if (strncmp(arg, name, len) != 0)
        return NULL;
    if (arg[len] == '=')
        return arg + len + 1;
    if (arg[len] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *missing = true;
        return NULL;
    }
    (*i)++;
    return argv[*i];
}

static int import_parse_options(int argc, char **argv, struct import_options *options,
                                int *first_file)
{
    int i = 1;
    memset(options, 0, sizeof(*options));
    for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
        bool missing = false;
        const char *value;
        if (strcmp(argv[i], "--") == 0) {
            i++;
            break;
        }
        if (strcmp(argv[i], "--help") == 0) {
            import_usage(stdout);
            return 1;
        }
        if ((value = import_option(argc, argv, &i, "--workspace", &missing)) != NULL) {
            if (value[0] == '\0' || import_utf8_chars(value) > IMPORT_NAME_MAX) {
                fprintf(stderr, "import: invalid --workspace '%s'\n", value);
                return -1;
            }
            options->workspace = value;
        } else if ((value = import_option(argc, argv, &i, "--format", &missing)) != NULL) {
            if (strcmp(value, "auto") == 0)
                options->tool = IMPORT_TOOL_AUTO;
            else if (strcmp(value, "clockify") == 0)
                options->tool = IMPORT_TOOL_CLOCKIFY;
            else if (strcmp(value, "toggl") == 0)
                options->tool = IMPORT_TOOL_TOGGL;
            else if (strcmp(value, "kimai") == 0)
                options->tool = IMPORT_TOOL_KIMAI;
            else {
                fprintf(stderr, "import: invalid --format '%s'; expected auto, clockify, toggl "
                                "or kimai\n", value);
                return -1;
            }
        } else if ((value = import_option(argc, argv, &i, "--timezone", &missing)) != NULL) {
            if (!tz_valid(value)) {
                fprintf(stderr, "import: unknown time zone '%s'; expected an IANA name such as "
                                "Europe/Berlin\n", value);
                return -1;
            }
            options->time_zone = value;
        } else if ((value = import_option(argc, argv, &i, "--date-format", &missing)) != NULL) {
            if (import_date_format_parse(value, &options->order) != 0) {
                fprintf(stderr, "import: invalid --date-format '%s'; expected DD/MM/YYYY, "
                                "MM/DD/YYYY, D/M/YY, M/D/YY, YYYY-MM-DD or DD.MM.YYYY\n", value);
                return -1;
            }
            options->order_forced = true;
        } else {
            fprintf(stderr, "import: %s '%s'\n", missing ? "missing value for" : "unknown option",
                    argv[i]);
            return -1;
        }
    }
    if (i >= argc) {
        fprintf(stderr, "import: no FILE given\n");
        import_usage(stderr);
        return -1;
    }
    *first_file = i;
    return 0;
}

int import_main(struct db *db, int argc, char **argv)
{
    struct import_options options;
    int first_file;

    int rc = import_parse_options(argc, argv, &options, &first_file);
    if (rc != 0)
        return rc > 0 ? IMPORT_EXIT_OK : IMPORT_EXIT_USAGE;
    for (int i = first_file; i < argc; i++) {
        bool retry = false;
        for (int attempt = 1; attempt <= 5; attempt++) {
            rc = import_one(db, &options, argv[i], &retry);
            if (!retry || attempt == 5)
                break;
            log_warn("%s: concurrent writer (%s); retrying, attempt %d", argv[i], db->error,
                     attempt + 1);
        }
        if (retry)
            fprintf(stderr, "%s: database error: %s\n", argv[i], db->error);
        if (rc != IMPORT_EXIT_OK)
            return rc;
    }
    return IMPORT_EXIT_OK;
}
