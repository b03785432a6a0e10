/* civil.c - calendar arithmetic without time zones (the day-count algorithm is the well-known
 * era-based conversion; see H. Hinnant, "chrono-Compatible Low-Level Date Algorithms").
 * SPDX-License-Identifier: MIT
 */
#include "civil.h"

int64_t civil_floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        q--;
    return q;
}

int64_t civil_days_from_date(int year, int month, int day)
{
    int64_t y = (int64_t)year - (month <= 2);
    int64_t era = civil_floor_div(y, 400);
    int64_t year_of_era = y - era * 400;
    int64_t day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    int64_t day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - 719468;
}

void civil_date_from_days(int64_t days, int *year, int *month, int *day)
{
    int64_t z = days + 719468;
    int64_t era = civil_floor_div(z, 146097);
    int64_t day_of_era = z - era * 146097;
    int64_t year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
    int64_t day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    int64_t mp = (5 * day_of_year + 2) / 153;
    int64_t d = day_of_year - (153 * mp + 2) / 5 + 1;
    int64_t m = mp < 10 ? mp + 3 : mp - 9;

    *year = (int)(year_of_era + era * 400 + (m <= 2));
    *month = (int)m;
    *day = (int)d;
}

int civil_weekday(int64_t days)
{
    /* 1970-01-01 was a Thursday (3 when Monday is 0). */
    int64_t w = (days + 3) % 7;
    return (int)(w < 0 ? w + 7 : w);
}

void civil_iso_week(int64_t days, int *iso_year, int *iso_week)
{
    int64_t thursday = days - civil_weekday(days) + 3;
    int year, month, day;

    civil_date_from_days(thursday, &year, &month, &day);
    int64_t first = civil_days_from_date(year, 1, 1);
    *iso_year = year;
    *iso_week = (int)((thursday - first) / 7 + 1);
}

int civil_date_valid(int year, int month, int day)
{
    static const int month_days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

    if (month < 1 || month > 12 || day < 1)
        return 0;
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    int limit = month_days[month - 1] + (month == 2 && leap);
    return day <= limit;
}
