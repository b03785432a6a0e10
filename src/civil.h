/* civil.h - proleptic Gregorian calendar arithmetic on day numbers (days since 1970-01-01).
 * SPDX-License-Identifier: MIT
 */
#ifndef REPORTD_CIVIL_H
#define REPORTD_CIVIL_H

#include <stdint.h>

/* Day number of year-month-day; month 1..12. */
int64_t civil_days_from_date(int year, int month, int day);

/* Inverse of civil_days_from_date. */
void civil_date_from_days(int64_t days, int *year, int *month, int *day);

/* Day of week of a day number: 0 = Monday .. 6 = Sunday. */
int civil_weekday(int64_t days);

/* Floor division, for instants before 1970. */
int64_t civil_floor_div(int64_t a, int64_t b);

/* ISO 8601 week-based year and week number of a day number. */
void civil_iso_week(int64_t days, int *iso_year, int *iso_week);

/* True when year-month-day names a real date. */
int civil_date_valid(int year, int month, int day);

#endif
