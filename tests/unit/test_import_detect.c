/* test_import_detect.c - unit tests for export recognition and the localized value parsers.
 * SPDX-License-Identifier: MIT
 */
#include "import_detect.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import_csv.h"

static int failures;

#define CHECK(cond)                                                                        \
    do {                                                                                   \
        if (!(cond)) {                                                                     \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);      \
            failures++;                                                                    \
        }                                                                                  \
    } while (0)

/* Detects the columns of a header written as one CSV line. */
static int detect(const char *line, enum import_tool forced, struct import_columns *columns,
                  char *err, size_t err_size)
{
    struct csv_reader reader;
    int rc = -1;

    csv_reader_init(&reader, line, strlen(line));
    if (csv_reader_next(&reader) == 1)
        rc = import_detect_columns(reader.fields, reader.count, forced, columns, err, err_size);
    csv_reader_free(&reader);
    return rc;
}

static char *read_fixture(const char *name)
{
    char path[1024];
    const char *source = getenv("REPORTD_SOURCE_DIR");
    snprintf(path, sizeof(path), "%s/tests/fixtures/import/%s", source ? source : ".", name);
    FILE *file = fopen(path, "rb");
    if (file == NULL)
        return NULL;
    char *data = calloc(1, 1 << 14);
    if (data != NULL && fread(data, 1, (1 << 14) - 1, file) == 0)
        data[0] = '\0';
    fclose(file);
    return data;
}

static void test_clockify_english(void)
{
    struct import_columns c;
    char err[256];
    const char *header =
        "\"Project\",\"Client\",\"Description\",\"Task\",\"User\",\"Group\",\"Email\",\"Tags\","
        "\"Billable\",\"Start Date\",\"Start Time\",\"End Date\",\"End Time\",\"Duration (h)\","
        "\"Duration (decimal)\",\"Billable Rate (USD)\",\"Billable Amount (USD)\","
        "\"Date of creation\"\n";

    CHECK(detect(header, IMPORT_TOOL_AUTO, &c, err, sizeof(err)) == 0);
    CHECK(c.tool == IMPORT_TOOL_CLOCKIFY);
    CHECK(c.index[IMPORT_COL_PROJECT] == 0);
    CHECK(c.index[IMPORT_COL_GROUP] == 5);
    CHECK(c.index[IMPORT_COL_START_DATE] == 9);
    CHECK(c.index[IMPORT_COL_END_TIME] == 12);
    CHECK(c.index[IMPORT_COL_DURATION] == 13);
    CHECK(c.index[IMPORT_COL_DURATION_DECIMAL] == 14);
    CHECK(c.index[IMPORT_COL_RATE] == 15);
    CHECK(c.index[IMPORT_COL_AMOUNT] == 16);
    CHECK(strcmp(c.currency, "USD") == 0);
}

static void test_clockify_portuguese_fixture(void)
{
    struct import_columns c;
    char err[256];
    char *header = read_fixture("clockify-header-ptbr.csv");

    CHECK(header != NULL);
    if (header == NULL)
        return;
    CHECK(detect(header, IMPORT_TOOL_AUTO, &c, err, sizeof(err)) == 0);
    CHECK(c.tool == IMPORT_TOOL_CLOCKIFY);
    CHECK(c.index[IMPORT_COL_PROJECT] == 0);
    CHECK(c.index[IMPORT_COL_CLIENT] == 1);
    CHECK(c.index[IMPORT_COL_DESCRIPTION] == 2);
    CHECK(c.index[IMPORT_COL_TASK] == 3);
    CHECK(c.index[IMPORT_COL_USER] == 4);
    CHECK(c.index[IMPORT_COL_GROUP] == 5);
    CHECK(c.index[IMPORT_COL_TAGS] == 7);
    CHECK(c.index[IMPORT_COL_START_DATE] == 8);
    CHECK(c.index[IMPORT_COL_START_TIME] == 9);
    CHECK(c.index[IMPORT_COL_END_DATE] == 10);
    CHECK(c.index[IMPORT_COL_END_TIME] == 11);
    CHECK(c.index[IMPORT_COL_DURATION] == 12);
    CHECK(c.index[IMPORT_COL_DURATION_DECIMAL] == 13);
    CHECK(c.index[IMPORT_COL_BILLABLE] == -1);
    free(header);
}

static void test_other_languages(void)
{
    struct import_columns c;
    char err[256];

    CHECK(detect("Proyecto,Cliente,Descripción,Tarea,Usuario,Grupo,Email,Etiquetas,Facturable,"
                 "Fecha de inicio,Hora de inicio,Fecha de fin,Hora de fin,Duración (h),"
                 "Duración (decimal)\n",
                 IMPORT_TOOL_AUTO, &c, err, sizeof(err)) == 0);
    CHECK(c.tool == IMPORT_TOOL_CLOCKIFY);
    CHECK(c.index[IMPORT_COL_BILLABLE] == 8);
    CHECK(c.index[IMPORT_COL_END_DATE] == 11);

    CHECK(detect("Projekt,Kunde,Beschreibung,Aufgabe,Benutzer,Gruppe,E-Mail,Tags,Abrechenbar,"
                 "Startdatum,Startzeit,Enddatum,Endzeit,Dauer (h),Dauer (dezimal)\n",
                 IMPORT_TOOL_AUTO, &c, err, sizeof(err)) == 0);
    CHECK(c.index[IMPORT_COL_USER] == 4);
    CHECK(c.index[IMPORT_COL_EMAIL] == 6);
    CHECK(c.index[IMPORT_COL_DURATION_DECIMAL] == 14);

    CHECK(detect("Progetto,Cliente,Descrizione,Attività,Utente,Gruppo,Email,Tag,Fatturabile,"
                 "Data di inizio,Ora di inizio,Data di fine,Ora di fine,Durata (h),"
                 "Durata (decimale)\n",
                 IMPORT_TOOL_AUTO, &c, err, sizeof(err)) == 0);
    CHECK(c.index[IMPORT_COL_TASK] == 3);
    CHECK(c.index[IMPORT_COL_START_TIME] == 10);
}

static void test_toggl_and_kimai(void)
{
    struct import_columns c;
    char err[256];

    CHECK(detect("\xEF\xBB\xBFUser,Email,Client,Project,Task,Description,Billable,Start date,"
                 "Start time,End date,End time,Duration,Tags,Amount ()\n",
                 IMPORT_TOOL_AUTO, &c, err, sizeof(err)) == 0);
    CHECK(c.tool == IMPORT_TOOL_TOGGL);
    CHECK(c.index[IMPORT_COL_USER] == 0);
    CHECK(c.index[IMPORT_COL_DURATION] == 11);
    CHECK(c.index[IMPORT_COL_AMOUNT] == 13);
    CHECK(c.currency[0] == '\0');

    CHECK(detect("Date,From,To,Duration,Currency,Price,\"Internal price\",\"Hourly price\","
                 "\"Fixed price\",Name,User,E-mail,\"Staff number\",Customer,Project,Activity,"
                 "Description,Billable,Tags,Type\n",
                 IMPORT_TOOL_AUTO, &c, err, sizeof(err)) == 0);
    CHECK(c.tool == IMPORT_TOOL_KIMAI);
    CHECK(c.index[IMPORT_COL_START_DATE] == 0);
    CHECK(c.index[IMPORT_COL_START_TIME] == 1);
    CHECK(c.index[IMPORT_COL_END_TIME] == 2);
    CHECK(c.index[IMPORT_COL_END_DATE] == -1);
    CHECK(c.index[IMPORT_COL_AMOUNT] == 5);
    CHECK(c.index[IMPORT_COL_COST_AMOUNT] == 6);
    CHECK(c.index[IMPORT_COL_RATE] == 7);
    CHECK(c.index[IMPORT_COL_USER] == 9);
    CHECK(c.index[IMPORT_COL_USERNAME] == 10);
    CHECK(c.index[IMPORT_COL_EMAIL] == 11);
    CHECK(c.index[IMPORT_COL_CLIENT] == 13);
    CHECK(c.index[IMPORT_COL_TASK] == 15);
    CHECK(c.index[IMPORT_COL_CURRENCY] == 4);
}

static void test_summaries_rejected(void)
{
    struct import_columns c;
    char err[256];
    char *toggl = read_fixture("toggl-summary.csv");

    CHECK(detect("\"Date\",\"Time (h)\",\"Time (decimal)\"\n", IMPORT_TOOL_AUTO, &c, err,
                 sizeof(err)) == -1);
    CHECK(strstr(err, "looks like a summary report; export the Detailed report") != NULL);
    CHECK(toggl != NULL);
    if (toggl != NULL) {
        CHECK(detect(toggl, IMPORT_TOOL_AUTO, &c, err, sizeof(err)) == -1);
        CHECK(strstr(err, "summary report") != NULL);
    }
    CHECK(detect("Name,Colour\n", IMPORT_TOOL_AUTO, &c, err, sizeof(err)) == -1);
    CHECK(strstr(err, "start date") != NULL);
    free(toggl);
}

static void test_dates(void)
{
    int y, m, d;
    enum import_date_order order;

    CHECK(import_parse_date("2024-02-29", IMPORT_ORDER_UNKNOWN, &y, &m, &d) == 0);
    CHECK(y == 2024);
    CHECK(m == 2);
    CHECK(d == 29);
    CHECK(import_parse_date("2023-02-29", IMPORT_ORDER_UNKNOWN, &y, &m, &d) == -1);
    CHECK(import_parse_date("27.04.2025", IMPORT_ORDER_UNKNOWN, &y, &m, &d) == 0);
    CHECK(y == 2025);
    CHECK(m == 4);
    CHECK(d == 27);
    CHECK(import_parse_date("20/04/2025", IMPORT_ORDER_UNKNOWN, &y, &m, &d) == 0);
    CHECK(m == 4);
    CHECK(d == 20);
    CHECK(import_parse_date("7/27/22", IMPORT_ORDER_UNKNOWN, &y, &m, &d) == 0);
    CHECK(y == 2022);
    CHECK(m == 7);
    CHECK(d == 27);
    CHECK(import_parse_date("01/02/2024", IMPORT_ORDER_UNKNOWN, &y, &m, &d) == 1);
    CHECK(import_parse_date("01/02/2024", IMPORT_ORDER_DMY, &y, &m, &d) == 0);
    CHECK(m == 2);
    CHECK(d == 1);
    CHECK(import_parse_date("01/02/2024", IMPORT_ORDER_MDY, &y, &m, &d) == 0);
    CHECK(m == 1);
    CHECK(d == 2);
    CHECK(import_parse_date("27/04/2025", IMPORT_ORDER_MDY, &y, &m, &d) == -1);
    CHECK(import_parse_date("1/2/99", IMPORT_ORDER_MDY, &y, &m, &d) == 0);
    CHECK(y == 1999);
    CHECK(import_parse_date("2025/04/27", IMPORT_ORDER_UNKNOWN, &y, &m, &d) == -1);
    CHECK(import_parse_date("", IMPORT_ORDER_UNKNOWN, &y, &m, &d) == -1);

    CHECK(import_date_hint("27/04/2025", &order) == 0);
    CHECK(order == IMPORT_ORDER_DMY);
    CHECK(import_date_hint("04/27/2025", &order) == 0);
    CHECK(order == IMPORT_ORDER_MDY);
    CHECK(import_date_hint("04/05/2025", &order) == 0);
    CHECK(order == IMPORT_ORDER_UNKNOWN);
    CHECK(import_date_hint("2022-07-27", &order) == 0);
    CHECK(order == IMPORT_ORDER_UNKNOWN);
    CHECK(import_date_hint("next week", &order) == -1);

    CHECK(import_date_format_parse("DD/MM/YYYY", &order) == 0);
    CHECK(order == IMPORT_ORDER_DMY);
    CHECK(import_date_format_parse("M/D/YY", &order) == 0);
    CHECK(order == IMPORT_ORDER_MDY);
    CHECK(import_date_format_parse("YYYY-MM-DD", &order) == 0);
    CHECK(import_date_format_parse("DD-MM", &order) == -1);
}

static void test_times(void)
{
    int h, m, s;
    bool seconds;

    CHECK(import_parse_time("22:51:36", &h, &m, &s, &seconds) == 0);
    CHECK(h == 22);
    CHECK(m == 51);
    CHECK(s == 36);
    CHECK(seconds);
    CHECK(import_parse_time("9:00", &h, &m, &s, &seconds) == 0);
    CHECK(h == 9);
    CHECK(m == 0);
    CHECK(s == 0);
    CHECK(!seconds);
    CHECK(import_parse_time("1:00 PM", &h, &m, &s, &seconds) == 0);
    CHECK(h == 13);
    CHECK(import_parse_time("12:15 AM", &h, &m, &s, &seconds) == 0);
    CHECK(h == 0);
    CHECK(m == 15);
    CHECK(import_parse_time("12:00:05 pm", &h, &m, &s, &seconds) == 0);
    CHECK(h == 12);
    CHECK(s == 5);
    CHECK(import_parse_time("13:00 PM", &h, &m, &s, &seconds) == -1);
    CHECK(import_parse_time("24:00", &h, &m, &s, &seconds) == -1);
    CHECK(import_parse_time("9:5", &h, &m, &s, &seconds) == -1);
}

static void test_durations(void)
{
    int64_t seconds;
    bool exact;

    CHECK(import_parse_duration("97:16:34", false, &seconds, &exact) == 0);
    CHECK(seconds == 97 * 3600 + 16 * 60 + 34);
    CHECK(exact);
    CHECK(import_parse_duration("0:30", false, &seconds, &exact) == 0);
    CHECK(seconds == 1800);
    CHECK(import_parse_duration("5400", false, &seconds, &exact) == 0);
    CHECK(seconds == 5400);
    CHECK(import_parse_duration("3,5", false, &seconds, &exact) == 0);
    CHECK(seconds == 12600);
    CHECK(!exact);
    CHECK(import_parse_duration("2", true, &seconds, &exact) == 0);
    CHECK(seconds == 7200);
    CHECK(import_parse_duration("0.00", true, &seconds, &exact) == 0);
    CHECK(seconds == 0);
    CHECK(import_parse_duration("-0:30", false, &seconds, &exact) == -1);
    CHECK(import_parse_duration("1:75", false, &seconds, &exact) == -1);
    CHECK(import_parse_duration("", false, &seconds, &exact) == -1);
}

static void test_money_and_flags(void)
{
    int64_t cents;
    bool flag;

    CHECK(import_parse_money("150.00", &cents) == 0);
    CHECK(cents == 15000);
    CHECK(import_parse_money("0", &cents) == 0);
    CHECK(cents == 0);
    CHECK(import_parse_money("3,5", &cents) == 0);
    CHECK(cents == 350);
    CHECK(import_parse_money("1,234.56", &cents) == 0);
    CHECK(cents == 123456);
    CHECK(import_parse_money("1.234,56", &cents) == 0);
    CHECK(cents == 123456);
    CHECK(import_parse_money("1,234,567", &cents) == 0);
    CHECK(cents == 123456700);
    CHECK(import_parse_money("-2.005", &cents) == 0);
    CHECK(cents == -201);
    CHECK(import_parse_money("12 USD", &cents) == -1);

    CHECK(import_parse_bool("Yes", &flag) == 0);
    CHECK(flag);
    CHECK(import_parse_bool("No", &flag) == 0);
    CHECK(!flag);
    CHECK(import_parse_bool("1", &flag) == 0);
    CHECK(flag);
    CHECK(import_parse_bool("Não", &flag) == 0);
    CHECK(!flag);
    CHECK(import_parse_bool("Sí", &flag) == 0);
    CHECK(flag);
    CHECK(import_parse_bool("maybe", &flag) == -1);
}

int main(void)
{
    test_clockify_english();
    test_clockify_portuguese_fixture();
    test_other_languages();
    test_toggl_and_kimai();
    test_summaries_rejected();
    test_dates();
    test_times();
    test_durations();
    test_money_and_flags();
    if (failures > 0) {
        fprintf(stderr, "%d check(s) failed\n", failures);
        return 1;
    }
    return 0;
}
