/* xlsx_baseline.c - benchmark baseline: libxlsxwriter alone writing the detailed report's 17
 * typed cells from memory, to compare against reportd's XLSX export.
 * SPDX-License-Identifier: MIT
 *
 * Usage: xlsx_baseline ROWS OUTPUT.xlsx [TMPDIR]        N copies of one sample row
 *        xlsx_baseline --csv FILE OUTPUT.xlsx [TMPDIR]  the rows of a detailed CSV export
 *        (default formats, EARNED amounts), loaded into memory before the clock starts, so
 *        the baseline writes the same cells as the export it is compared with.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xlsxwriter.h>

#define COLUMNS 17

static int report(lxw_error error, const char *operation)
{
    if (error == LXW_NO_ERROR)
        return 0;
    fprintf(stderr, "xlsx_baseline: %s failed: %s\n", operation, lxw_strerror(error));
    return -1;
}

static lxw_format *number_format(lxw_workbook *workbook, const char *code)
{
    lxw_format *format = workbook_add_format(workbook);

    if (format != NULL)
        format_set_num_format(format, code);
    return format;
}

/* Writes one data row: nine texts, two dates, two times, a duration, decimal hours and two
 * money values, the same cell types as the detailed export with EARNED amounts. */
static int write_row(lxw_worksheet *sheet, lxw_row_t row, lxw_format *date, lxw_format *time,
                     lxw_format *duration, lxw_format *decimal)
{
    static const char *const texts[] = {
        "Mobile app", "Client A, LLC", "Start working on summary detail tone",
        "Design",     "User 1",        "Team A",
        "user1@example.com", "focus, review", "Yes",
    };
    lxw_col_t col = 0;
    int result = 0;

    for (size_t i = 0; i < sizeof texts / sizeof texts[0] && result == 0; i++)
        result = report(worksheet_write_string(sheet, row, col++, texts[i], NULL), "text cell");
    if (result == 0)
        result = report(worksheet_write_number(sheet, row, col++, 45767, date), "date cell");
    if (result == 0)
        result = report(worksheet_write_number(sheet, row, col++, 0.9525, time), "time cell");
    if (result == 0)
        result = report(worksheet_write_number(sheet, row, col++, 45768, date), "date cell");
    if (result == 0)
        result = report(worksheet_write_number(sheet, row, col++, 0.0403, time), "time cell");
    if (result == 0)
        result = report(worksheet_write_number(sheet, row, col++, 0.0878, duration),
                        "duration cell");
    if (result == 0)
        result = report(worksheet_write_number(sheet, row, col++, 2.11, decimal), "number cell");
    if (result == 0)
        result = report(worksheet_write_number(sheet, row, col++, 150, decimal), "money cell");
    if (result == 0)
        result = report(worksheet_write_number(sheet, row, col, 316.25, decimal), "money cell");
    return result;
}

/* One row of a detailed CSV, converted to the values the XLSX cells take. */
struct csv_row {
    char *texts[9];
    double start_date, start_time, end_date, end_time, duration, decimal, rate, amount;
};

/* Reads one CSV field starting at *p (quoted or not) into out; returns the char after it. */
static const char *csv_field(const char *p, char **out)
{
    size_t cap = 64, len = 0;
    char *text = malloc(cap);
    int quoted = *p == '"';

    if (text == NULL)
        return NULL;
    if (quoted)
        p++;
    for (;; p++) {
        if (*p == '\0')
            break;
        if (quoted && *p == '"') {
            if (p[1] != '"') {
                p++;
                break;
            }
            p++;
        } else if (!quoted && (*p == ',' || *p == '\r' || *p == '\n')) {
            break;
        }
        if (len + 2 > cap) {
            cap *= 2;
            char *grown = realloc(text, cap);
            if (grown == NULL) {
                free(text);
                return NULL;
            }
            text = grown;
        }
        text[len++] = *p;
    }
    text[len] = '\0';
    *out = text;
    return p;
}

static double days_since_1900(const char *date)
{
    int y = 0, m = 0, d = 0;
    struct tm tm = {0};

    if (sscanf(date, "%d-%d-%d", &y, &m, &d) != 3)
        return 0;
    tm.tm_year = y - 1900;
    tm.tm_mon = m - 1;
    tm.tm_mday = d;
    /* Excel's serial day 25569 is 1970-01-01. */
    return (double)(timegm(&tm) / 86400) + 25569.0;
}

static double seconds_of(const char *hms)
{
    long h = 0, m = 0, s = 0;
    if (sscanf(hms, "%ld:%ld:%ld", &h, &m, &s) != 3)
        return 0;
    return (double)(h * 3600 + m * 60 + s);
}

/* Cuts text to Excel's 32,767 characters (UTF-16 units) on a character boundary, as the export
 * does, so both write the same cells. */
static void cut_to_excel_limit(char *text)
{
    size_t units = 0;
    unsigned char *p = (unsigned char *)text;

    while (*p != '\0') {
        size_t size = 1;
        if (*p >= 0xf0)
            size = 4;
        else if (*p >= 0xe0)
            size = 3;
        else if (*p >= 0xc0)
            size = 2;
        size_t width = size == 4 ? 2 : 1;
        if (units + width > 32767) {
            *p = '\0';
            return;
        }
        units += width;
        p += size;
    }
}

/* Loads every data row of path; returns the count or -1. */
static long csv_load(const char *path, struct csv_row **rows_out)
{
    FILE *file = fopen(path, "rb");
    char *data = NULL;
    long size, count = 0, cap = 1024;
    struct csv_row *rows = NULL;

    if (file == NULL || fseek(file, 0, SEEK_END) != 0 || (size = ftell(file)) < 0 ||
        fseek(file, 0, SEEK_SET) != 0)
        goto fail;
    data = malloc((size_t)size + 1);
    rows = malloc((size_t)cap * sizeof(*rows));
    if (data == NULL || rows == NULL || fread(data, 1, (size_t)size, file) != (size_t)size)
        goto fail;
    data[size] = '\0';

    const char *p = strchr(data, '\n');
    while (p != NULL && *++p != '\0') {
        char *fields[COLUMNS];
        int n = 0;
        while (n < COLUMNS) {
            p = csv_field(p, &fields[n]);
            if (p == NULL)
                goto fail;
            n++;
            if (*p != ',')
                break;
            p++;
        }
        if (n != COLUMNS)
            goto fail;
        if (count == cap) {
            cap *= 2;
            struct csv_row *grown = realloc(rows, (size_t)cap * sizeof(*rows));
            if (grown == NULL)
                goto fail;
            rows = grown;
        }
        struct csv_row *row = &rows[count++];
        for (int i = 0; i < 9; i++) {
            cut_to_excel_limit(fields[i]);
            row->texts[i] = fields[i];
        }
        row->start_date = days_since_1900(fields[9]);
        row->start_time = seconds_of(fields[10]) / 86400.0;
        row->end_date = days_since_1900(fields[11]);
        row->end_time = seconds_of(fields[12]) / 86400.0;
        row->duration = seconds_of(fields[13]) / 86400.0;
        row->decimal = strtod(fields[14], NULL);
        row->rate = strtod(fields[15], NULL);
        row->amount = strtod(fields[16], NULL);
        for (int i = 9; i < COLUMNS; i++)
            free(fields[i]);
        p = strchr(p, '\n');
    }
    fclose(file);
    free(data);
    *rows_out = rows;
    return count;
fail:
    fprintf(stderr, "xlsx_baseline: cannot load %s as a detailed CSV (17 columns)\n", path);
    if (file != NULL)
        fclose(file);
    free(data);
    free(rows);
    return -1;
}

static int write_csv_row(lxw_worksheet *sheet, lxw_row_t row, const struct csv_row *values,
                         lxw_format *const *formats)
{
    const double numbers[] = {values->start_date, values->start_time, values->end_date,
                              values->end_time,   values->duration,   values->decimal,
                              values->rate,       values->amount};
    lxw_format *const number_formats[] = {formats[0], formats[1], formats[0], formats[1],
                                          formats[2], formats[3], formats[3], formats[3]};
    lxw_col_t col = 0;

    for (int i = 0; i < 9; i++, col++) {
        if (values->texts[i][0] != '\0' &&
            report(worksheet_write_string(sheet, row, col, values->texts[i], NULL),
                   "text cell") != 0)
            return -1;
    }
    for (int i = 0; i < 8; i++, col++) {
        if (report(worksheet_write_number(sheet, row, col, numbers[i], number_formats[i]),
                   "number cell") != 0)
            return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    lxw_workbook_options options = {0};
    lxw_workbook *workbook = NULL;
    lxw_worksheet *sheet;
    lxw_format *formats[4];
    char *end = NULL;
    long rows;
    lxw_error error;
    double seconds;
    struct timespec begin;
    struct timespec finish;
    int result = 1;

    struct csv_row *loaded = NULL;

    if (argc >= 4 && strcmp(argv[1], "--csv") == 0) {
        rows = csv_load(argv[2], &loaded);
        if (rows < 0)
            return 1;
        if (rows > 1048575)
            rows = 1048575;
        argv++;
        argc--;
    } else if (argc < 3) {
        fprintf(stderr, "usage: xlsx_baseline ROWS|--csv FILE OUTPUT.xlsx [TMPDIR]\n");
        return 2;
    } else {
        errno = 0;
        rows = strtol(argv[1], &end, 10);
    }
    if (loaded == NULL && (errno != 0 || end == argv[1] || *end != '\0' || rows < 0 ||
                           rows > 1048575)) {
        fprintf(stderr, "xlsx_baseline: invalid row count \"%s\" (0 to 1048575)\n", argv[1]);
        return 2;
    }

    clock_gettime(CLOCK_MONOTONIC, &begin);
    options.constant_memory = LXW_TRUE;
    options.tmpdir = argc > 3 ? argv[3] : NULL;
    options.use_zip64 = LXW_TRUE;
    workbook = workbook_new_opt(argv[2], &options);
    if (workbook == NULL) {
        fprintf(stderr, "xlsx_baseline: creating the workbook failed\n");
        goto out;
    }
    sheet = workbook_add_worksheet(workbook, "Report");
    formats[0] = number_format(workbook, "yyyy-mm-dd");
    formats[1] = number_format(workbook, "hh:mm:ss");
    formats[2] = number_format(workbook, "[h]:mm:ss");
    formats[3] = number_format(workbook, "0.00");
    if (sheet == NULL || formats[0] == NULL || formats[1] == NULL || formats[2] == NULL ||
        formats[3] == NULL) {
        fprintf(stderr, "xlsx_baseline: adding the worksheet or formats failed\n");
        goto out;
    }
    for (lxw_col_t col = 0; col < COLUMNS; col++) {
        if (report(worksheet_write_string(sheet, 0, col, "Header", NULL), "header cell") != 0)
            goto out;
    }
    for (long row = 1; row <= rows; row++) {
        int failed = loaded != NULL
                         ? write_csv_row(sheet, (lxw_row_t)row, &loaded[row - 1], formats)
                         : write_row(sheet, (lxw_row_t)row, formats[0], formats[1], formats[2],
                                     formats[3]);
        if (failed != 0)
            goto out;
    }
    error = workbook_close(workbook);
    workbook = NULL;
    if (report(error, "writing the workbook") != 0)
        goto out;
    clock_gettime(CLOCK_MONOTONIC, &finish);
    seconds =
        (double)(finish.tv_sec - begin.tv_sec) + (double)(finish.tv_nsec - begin.tv_nsec) / 1e9;
    printf("xlsx_baseline: %ld rows in %.3f s (%.0f rows/s)\n", rows, seconds,
           seconds > 0 ? (double)rows / seconds : 0.0);
    result = 0;

out:
    if (workbook != NULL)
        lxw_workbook_free(workbook);
    return result;
}
