/* export_detailed_csv.h - the detailed report as CSV, in the layout of Clockify's export.
 * SPDX-License-Identifier: MIT
 */
#ifndef REPORTD_EXPORT_DETAILED_CSV_H
#define REPORTD_EXPORT_DETAILED_CSV_H

#include "format.h"
#include "report_row.h"
#include "sink.h"

/* Longest currency code kept for the column headers, in bytes; a longer one is cut. */
#define DETAILED_CSV_CURRENCY_MAX 15

struct detailed_csv;

/* Creates a detailed CSV writer over out (borrowed: it must outlive the writer). fmt is copied;
 * amounts picks the money columns; currency (NULL means "USD") names them, as in
 * "Billable Rate (USD)". Every field is quoted and rows end with CRLF. Returns NULL when memory
 * runs out. */
struct detailed_csv *detailed_csv_new(struct sink *out, const struct format_options *fmt,
                                      enum amount_kind amounts, const char *currency);

/* Writes the BOM when fmt->bom asks for it, then the header row: Project, Client, Description,
 * Task, User, Group, Email, Tags, Billable, Start Date, Start Time, End Date, End Time,
 * Duration (h), Duration (decimal), then the money columns of the amount kind. Returns 0, or -1
 * when the sink failed. */
int detailed_csv_write_header(struct detailed_csv *csv);

/* Writes one entry (borrowed, read only during the call). Allocates nothing. Returns 0, or -1
 * when the sink failed (now or before). */
int detailed_csv_write_row(struct detailed_csv *csv, const struct report_row *row);

/* Sends the buffered rows to the sink. Returns 0, or -1 when the sink failed. */
int detailed_csv_finish(struct detailed_csv *csv);

/* Frees the writer (NULL is fine) without flushing: call detailed_csv_finish first. */
void detailed_csv_free(struct detailed_csv *csv);

#endif
