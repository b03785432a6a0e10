/* fuzz_import_csv.c - libFuzzer target for the import front end: any bytes through the CSV
 * tokenizer, the header detector and the value parsers (dates, times, durations, money, flags)
 * that reportctl import runs on every field.
 * SPDX-License-Identifier: MIT
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_csv.h"
#include "import_detect.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void csv_fail(const char *what, const struct csv_reader *reader)
{
    fprintf(stderr, "import contract broken: %s (line %ld, %zu fields)\n", what,
            reader->record_line, reader->count);
    abort();
}

/* Runs every value parser on one field and checks the ranges they promise. */
static void csv_parse_field(const char *text)
{
    int year, month, day, hour, minute, second;
    bool has_seconds, exact, flag;
    int64_t seconds, cents;
    enum import_date_order hint;

    for (int order = IMPORT_ORDER_UNKNOWN; order <= IMPORT_ORDER_MDY; order++) {
        if (import_parse_date(text, (enum import_date_order)order, &year, &month, &day) == 0 &&
            (month < 1 || month > 12 || day < 1 || day > 31))
            abort();
    }
    (void)import_date_hint(text, &hint);
    (void)import_date_format_parse(text, &hint);
    if (import_parse_time(text, &hour, &minute, &second, &has_seconds) == 0 &&
        (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 60))
        abort();
    for (int decimal = 0; decimal < 2; decimal++) {
        if (import_parse_duration(text, decimal, &seconds, &exact) == 0 && seconds < 0)
            abort();
    }
    (void)import_parse_money(text, &cents);
    (void)import_parse_bool(text, &flag);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct csv_reader reader;
    struct import_columns columns;
    char message[256];
    int records = 0;
    int next;

    if (size > (1u << 20))
        return 0;
    csv_reader_init(&reader, (const char *)data, size);
    if (reader.delimiter != ',' && reader.delimiter != ';' && reader.delimiter != '\t')
        csv_fail("an unexpected delimiter", &reader);
    while ((next = csv_reader_next(&reader)) == 1) {
        if (reader.count == 0)
            csv_fail("a record without fields", &reader);
        for (size_t i = 0; i < reader.count; i++) {
            if (reader.fields[i] == NULL || reader.fields[i][reader.lengths[i]] != '\0')
                csv_fail("a field that is not NUL-terminated at its length", &reader);
            csv_parse_field(reader.fields[i]);
        }
        if (records == 0) {
            for (int tool = IMPORT_TOOL_AUTO; tool <= IMPORT_TOOL_KIMAI; tool++) {
                message[0] = '\0';
                int detected = import_detect_columns(reader.fields, reader.count,
                                                     (enum import_tool)tool, &columns, message,
                                                     sizeof(message));
                if (detected != 0 && message[0] == '\0')
                    csv_fail("a rejected header without a message", &reader);
                for (int role = 0; detected == 0 && role < IMPORT_COL__MAX; role++) {
                    if (columns.index[role] < -1 || columns.index[role] >= (int)reader.count)
                        csv_fail("a detected column outside the header", &reader);
                }
            }
        }
        if (reader.record_line < 1 || reader.line < reader.record_line)
            csv_fail("line numbers that go backwards", &reader);
        /* Each record ends in at least one byte, so a reader that does not advance loops. */
        if (++records > (int)size + 1)
            csv_fail("more records than input bytes", &reader);
    }
    if (next == -1 && reader.error[0] == '\0')
        csv_fail("a failed read without a message", &reader);
    csv_reader_free(&reader);
    return 0;
}
