/* export_detailed_csv.c - the detailed report as CSV: header by amount kind, one line per entry.
 * SPDX-License-Identifier: MIT
 */
#include "export_detailed_csv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_writer.h"

struct detailed_csv {
    struct csv_writer *writer;
    struct format_options fmt;
    enum amount_kind amounts;
    char currency[DETAILED_CSV_CURRENCY_MAX + 1];
};

static const char *const base_headers[] = {
    "Project",    "Client",     "Description", "Task",     "User",
    "Group",      "Email",      "Tags",        "Billable", "Start Date",
    "Start Time", "End Date",   "End Time",    "Duration (h)", "Duration (decimal)",
};

struct detailed_csv *detailed_csv_new(struct sink *out, const struct format_options *fmt,
                                      enum amount_kind amounts, const char *currency)
{
    struct detailed_csv *csv = malloc(sizeof *csv);
    size_t len;

    if (csv == NULL)
        return NULL;
    csv->writer = csv_writer_new(out, fmt->delimiter, true);
    if (csv->writer == NULL) {
        free(csv);
        return NULL;
    }
    csv->fmt = *fmt;
    csv->amounts = amounts;
    if (currency == NULL)
        currency = "USD";
    len = strlen(currency);
    if (len > DETAILED_CSV_CURRENCY_MAX)
        len = DETAILED_CSV_CURRENCY_MAX;
    memcpy(csv->currency, currency, len);
    csv->currency[len] = '\0';
    return csv;
}

static int write_text(struct detailed_csv *csv, const char *text)
{
    return csv_writer_field(csv->writer, text, text == NULL ? 0 : strlen(text));
}

/* Writes a header like "Billable Rate (USD)". */
static int write_money_header(struct detailed_csv *csv, const char *name)
{
    char header[64];
    int len = snprintf(header, sizeof header, "%s (%s)", name, csv->currency);

    if (len < 0 || (size_t)len >= sizeof header)
        return -1;
    return csv_writer_field(csv->writer, header, (size_t)len);
}

int detailed_csv_write_header(struct detailed_csv *csv)
{
    bool earned = csv->amounts == AMOUNT_EARNED || csv->amounts == AMOUNT_PROFIT;
    bool cost = csv->amounts == AMOUNT_COST || csv->amounts == AMOUNT_PROFIT;

    if (csv->fmt.bom && csv_writer_write_bom(csv->writer) != 0)
        return -1;
    for (size_t i = 0; i < sizeof base_headers / sizeof base_headers[0]; i++) {
        if (write_text(csv, base_headers[i]) != 0)
            return -1;
    }
    if (earned && (write_money_header(csv, "Billable Rate") != 0 ||
                   write_money_header(csv, "Billable Amount") != 0))
        return -1;
    if (cost &&
        (write_money_header(csv, "Cost Rate") != 0 || write_money_header(csv, "Cost Amount") != 0))
        return -1;
    if (csv->amounts == AMOUNT_PROFIT && write_money_header(csv, "Profit") != 0)
        return -1;
    return csv_writer_end_row(csv->writer);
}

static int write_money(struct detailed_csv *csv, int64_t cents)
{
    char text[FORMAT_BUFFER_MIN];

    format_money(&csv->fmt, cents, text, sizeof text);
    return csv_writer_number(csv->writer, text);
}

/* Writes the money columns of the amount kind, in header order. */
static int write_amounts(struct detailed_csv *csv, const struct report_row *row)
{
    bool earned = csv->amounts == AMOUNT_EARNED || csv->amounts == AMOUNT_PROFIT;
    bool cost = csv->amounts == AMOUNT_COST || csv->amounts == AMOUNT_PROFIT;

    if (earned && (write_money(csv, row->hourly_rate) != 0 || write_money(csv, row->earned) != 0))
        return -1;
    if (cost && (write_money(csv, row->cost_rate) != 0 || write_money(csv, row->cost) != 0))
        return -1;
    if (csv->amounts == AMOUNT_PROFIT && write_money(csv, row->profit) != 0)
        return -1;
    return 0;
}

int detailed_csv_write_row(struct detailed_csv *csv, const struct report_row *row)
{
    struct csv_writer *w = csv->writer;
    char text[FORMAT_BUFFER_MIN];
    size_t len;

    if (write_text(csv, row->project_name) != 0 || write_text(csv, row->client_name) != 0 ||
        csv_writer_field(w, row->description, row->description_len) != 0 ||
        write_text(csv, row->task_name) != 0 || write_text(csv, row->user_name) != 0 ||
        write_text(csv, row->group_names) != 0 || write_text(csv, row->user_email) != 0 ||
        write_text(csv, row->tags_joined) != 0 ||
        write_text(csv, row->billable ? "Yes" : "No") != 0)
        return -1;

    len = format_date(&csv->fmt, &row->start_local, text, sizeof text);
    if (csv_writer_field(w, text, len) != 0)
        return -1;
    len = format_time(&csv->fmt, &row->start_local, text, sizeof text);
    if (csv_writer_field(w, text, len) != 0)
        return -1;
    len = format_date(&csv->fmt, &row->end_local, text, sizeof text);
    if (csv_writer_field(w, text, len) != 0)
        return -1;
    len = format_time(&csv->fmt, &row->end_local, text, sizeof text);
    if (csv_writer_field(w, text, len) != 0)
        return -1;

    format_duration(&csv->fmt, row->duration, text, sizeof text);
    if (csv_writer_number(w, text) != 0)
        return -1;
    format_hours_decimal(&csv->fmt, row->duration, text, sizeof text);
    if (csv_writer_number(w, text) != 0)
        return -1;
    if (write_amounts(csv, row) != 0)
        return -1;
    return csv_writer_end_row(w);
}

int detailed_csv_finish(struct detailed_csv *csv)
{
    return csv_writer_flush(csv->writer);
}

void detailed_csv_free(struct detailed_csv *csv)
{
    if (csv == NULL)
        return;
    csv_writer_free(csv->writer);
    free(csv);
}
