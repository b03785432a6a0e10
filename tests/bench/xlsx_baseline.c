/* xlsx_baseline.c - benchmark baseline: libxlsxwriter alone writing N rows of the detailed
 * report's 17 typed cells from memory, to compare against reportd's XLSX export.
 * SPDX-License-Identifier: MIT
 *
 * Usage: xlsx_baseline ROWS OUTPUT.xlsx [TMPDIR]
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
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

    if (argc < 3) {
        fprintf(stderr, "usage: xlsx_baseline ROWS OUTPUT.xlsx [TMPDIR]\n");
        return 2;
    }
    errno = 0;
    rows = strtol(argv[1], &end, 10);
    if (errno != 0 || end == argv[1] || *end != '\0' || rows < 0 || rows > 1048575) {
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
        if (write_row(sheet, (lxw_row_t)row, formats[0], formats[1], formats[2], formats[3]) != 0)
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
