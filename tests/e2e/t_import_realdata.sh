#!/usr/bin/env bash
# t_import_realdata.sh - imports every real export under $REPORTD_REALDATA. The entry count, the
# seconds per user and per project, and the amounts must equal the sums of the file's own
# columns, and a second import must add nothing. Summary reports, ambiguous dates and a broken
# row must be rejected without loading anything.
# SPDX-License-Identifier: MIT

. "$(dirname "$0")/lib.sh"

REALDATA=${REPORTD_REALDATA:-}
if [ -z "$REALDATA" ] || [ ! -d "$REALDATA" ]; then
    echo "SKIP: real exports not found (REPORTD_REALDATA='$REALDATA')"
    exit 77
fi

# Prints "count N", "user KEY SECONDS", "project NAME SECONDS" and "amount CENTS" lines for a file,
# computed from its own Duration and amount columns. KEY is the e-mail, or the name without one.
expected_sums() {
    python3 - "$1" <<'PY'
import csv, io, sys
from decimal import Decimal, ROUND_HALF_UP

raw = open(sys.argv[1], encoding="utf-8-sig", newline="").read()
first = raw.split("\n", 1)[0]
delimiter = ";" if first.count(";") > first.count(",") else ","
rows = list(csv.reader(io.StringIO(raw), delimiter=delimiter))
header = [h.strip().lower() for h in rows[0]]

def column(*names):
    for name in names:
        if name in header:
            return header.index(name)
    return None

kimai = "from" in header and "to" in header
duration = column("duration (h)", "duração (h)", "duration")
user = column("name") if kimai else column("user", "usuário")
email = column("email", "e-mail")
project = column("project", "projeto")
amount = column("price") if kimai else next(
    (i for i, h in enumerate(header) if h.startswith(("billable amount", "amount ("))), None)

def seconds(text):
    text = text.strip()
    if ":" in text:
        parts = [int(p) for p in text.split(":")]
        return parts[0] * 3600 + parts[1] * 60 + (parts[2] if len(parts) > 2 else 0)
    if "," in text or "." in text:
        return int((Decimal(text.replace(",", ".")) * 3600).to_integral_value(ROUND_HALF_UP))
    return int(text)

users, projects, cents, has_amount = {}, {}, 0, False
for row in rows[1:]:
    if not any(row):
        continue
    s = seconds(row[duration])
    key = (row[email] if email is not None and row[email] else row[user])
    users[key] = users.get(key, 0) + s
    projects[row[project]] = projects.get(row[project], 0) + s
    if amount is not None and row[amount] != "":
        has_amount = True
        cents += int((Decimal(row[amount].replace(",", ".")) * 100).to_integral_value(ROUND_HALF_UP))
print("count\t%d" % sum(1 for row in rows[1:] if any(row)))
for key in sorted(users):
    print("user\t%s\t%d" % (key, users[key]))
for key in sorted(projects):
    print("project\t%s\t%d" % (key, projects[key]))
if has_amount:
    print("amount\t%d" % cents)
PY
}

# Prints the same lines from the database for workspace $1; $2 is "amount" to add the amount line.
actual_sums() {
    local ws=$1
    sql -e "SELECT 'count', COUNT(*) FROM time_entries WHERE workspace_id = $ws"
    sql -e "SELECT 'user', COALESCE(u.email, u.name), SUM(TIMESTAMPDIFF(SECOND, e.start_at, e.end_at))
            FROM time_entries e JOIN users u ON u.id = e.user_id
            WHERE e.workspace_id = $ws GROUP BY 2 ORDER BY 2"
    sql -e "SELECT 'project', COALESCE(p.name, ''), SUM(TIMESTAMPDIFF(SECOND, e.start_at, e.end_at))
            FROM time_entries e LEFT JOIN projects p ON p.id = e.project_id
            WHERE e.workspace_id = $ws GROUP BY 2 ORDER BY 2"
    if [ "$2" = amount ]; then
        sql -e "SELECT 'amount', COALESCE(SUM(COALESCE(e.earned_amount,
                    FLOOR((e.hourly_rate * TIMESTAMPDIFF(SECOND, e.start_at, e.end_at) * 2 + 3600)
                          / 7200))), 0)
                FROM time_entries e WHERE e.workspace_id = $ws"
    fi
}

for file in "$REALDATA"/*.csv; do
    base=$(basename "$file" .csv)
    ws_name="import-$base-$$"

    case "$base" in
    *summary*)
        reportctl import --workspace "$ws_name" "$file" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
        check "$base: summary report rejected (exit code)" "$?" 1
        check "$base: summary message" \
            "$(grep -c 'looks like a summary report; export the Detailed report' "$TEST_TMP/err")" 1
        check "$base: summary loads no workspace" \
            "$(sql -e "SELECT COUNT(*) FROM workspaces WHERE name = '$ws_name'")" 0
        continue
        ;;
    esac

    reportctl import --workspace "$ws_name" "$file" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
    rc=$?
    check "$base: import exit code" "$rc" 0
    [ "$rc" -eq 0 ] || { cat "$TEST_TMP/err"; continue; }
    ws=$(sql -e "SELECT id FROM workspaces WHERE name = '$ws_name'")

    expected_sums "$file" | LC_ALL=C sort >"$TEST_TMP/expected"
    with_amount=$(grep -q '^amount' "$TEST_TMP/expected" && echo amount || echo none)
    actual_sums "$ws" "$with_amount" | LC_ALL=C sort >"$TEST_TMP/actual"
    if diff "$TEST_TMP/expected" "$TEST_TMP/actual" >"$TEST_TMP/diff"; then
        check "$base: count, seconds per user and project, amounts" same same
    else
        check "$base: count, seconds per user and project, amounts" "$(cat "$TEST_TMP/diff")" same
    fi

    tags_from_links=$(sql -e "SELECT COUNT(*) FROM entry_tags t JOIN time_entries e
                              ON e.id = t.entry_id WHERE e.workspace_id = $ws")
    tags_from_lists=$(sql -e "SELECT COALESCE(SUM(CASE WHEN tag_ids = '' THEN 0
                              ELSE LENGTH(tag_ids) - LENGTH(REPLACE(tag_ids, ',', '')) + 1 END), 0)
                              FROM time_entries WHERE workspace_id = $ws")
    check "$base: tag_ids repeats entry_tags" "$tags_from_lists" "$tags_from_links"

    before=$(sql -e "SELECT COUNT(*) FROM time_entries WHERE workspace_id = $ws")
    reportctl import --workspace "$ws_name" "$file" >"$TEST_TMP/out2" 2>"$TEST_TMP/err2"
    check "$base: second import exit code" "$?" 0
    check "$base: second import adds nothing" \
        "$(sql -e "SELECT COUNT(*) FROM time_entries WHERE workspace_id = $ws")" "$before"
    check "$base: second import reports duplicates" \
        "$(grep -c " 0 entries added, $before duplicates skipped" "$TEST_TMP/out2")" 1
    check "$base: day totals match the entries" "$(day_totals_mismatches "$ws")" 0
done

# A broken row rolls the whole file back and names the line where its record starts.
broken="$TEST_TMP/toggl-broken.csv"
awk 'NR == 4 { sub(/2021-09-01,12:00:18/, "2021-13-45,12:00:18") } { print }' \
    "$REALDATA/toggl-detailed-ptbr-2021.csv" >"$broken"
reportctl import --workspace "import-broken-$$" "$broken" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
check "broken row: exit code" "$?" 1
check "broken row: message names line 4" "$(grep -c "toggl-broken.csv:4: invalid date '2021-13-45'" "$TEST_TMP/err")" 1
check "broken row: nothing loaded" \
    "$(sql -e "SELECT COUNT(*) FROM workspaces WHERE name = 'import-broken-$$'")" 0

# Slash dates that never show which number is the day stop the import until --date-format.
ambiguous="$TEST_TMP/ambiguous.csv"
printf '%s\r\n' \
    '"Project","Client","Description","Task","User","Group","Email","Tags","Billable","Start Date","Start Time","End Date","End Time","Duration (h)","Duration (decimal)"' \
    '"P","","a","","User A","","a@example.com","","Yes","01/02/2024","09:00:00","01/02/2024","10:00:00","01:00:00","1.00"' \
    '"P","","b","","User A","","a@example.com","","Yes","03/02/2024","09:00:00","03/02/2024","09:30:00","00:30:00","0.50"' \
    >"$ambiguous"
reportctl import --workspace "import-ambiguous-$$" "$ambiguous" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
check "ambiguous dates: exit code" "$?" 1
check "ambiguous dates: message names the lines and the option" \
    "$(grep -c 'ambiguous.csv:2: ambiguous dates.*lines 2, 3.*--date-format' "$TEST_TMP/err")" 1
reportctl import --workspace "import-ambiguous-$$" --date-format DD/MM/YYYY "$ambiguous" \
    >"$TEST_TMP/out" 2>"$TEST_TMP/err"
check "ambiguous dates with --date-format: exit code" "$?" 0
check "ambiguous dates with --date-format: day first" \
    "$(sql -e "SELECT MIN(DATE(e.start_at)) FROM time_entries e JOIN workspaces w
               ON w.id = e.workspace_id WHERE w.name = 'import-ambiguous-$$'")" 2024-02-01

# Two identical rows of one file are both kept, and importing the file again adds neither.
twice="$TEST_TMP/identical.csv"
{
    echo 'User,Email,Client,Project,Task,Description,Billable,Start date,Start time,End date,End time,Duration,Tags,Amount ()'
    echo 'User A,a@example.com,,P,,same,No,2024-01-02,09:00:00,2024-01-02,10:00:00,01:00:00,,'
    echo 'User A,a@example.com,,P,,same,No,2024-01-02,09:00:00,2024-01-02,10:00:00,01:00:00,,'
} >"$twice"
reportctl import --workspace "import-identical-$$" "$twice" >/dev/null 2>"$TEST_TMP/err"
reportctl import --workspace "import-identical-$$" "$twice" >/dev/null 2>>"$TEST_TMP/err"
check "identical rows: both kept once" \
    "$(sql -e "SELECT COUNT(*) FROM time_entries e JOIN workspaces w ON w.id = e.workspace_id
               WHERE w.name = 'import-identical-$$'")" 2

# A --format that does not fit the file names the format that does.
reportctl import --workspace "import-wrong-format-$$" --format kimai \
    "$REALDATA/toggl-detailed-no-2018.csv" >/dev/null 2>"$TEST_TMP/err"
check "wrong --format: exit code" "$?" 1
check "wrong --format: the message names --format toggl" \
    "$(grep -c 'does not match a Kimai export but looks like a Toggl Track one; use --format auto or --format toggl' "$TEST_TMP/err")" 1

# Two files imported into one workspace at once take turns: both load whole and the day totals
# hold both.
entries_of() {
    sql -e "SELECT COUNT(*) FROM time_entries e JOIN workspaces w ON w.id = e.workspace_id
            WHERE w.name = '$1'"
}
first_file=clockify-detailed-eur-personal-2023
second_file=toggl-detailed-team-usd-2016
reportctl import --workspace "import-together-$$" "$REALDATA/$first_file.csv" >/dev/null \
    2>"$TEST_TMP/err-first" &
first_pid=$!
reportctl import --workspace "import-together-$$" "$REALDATA/$second_file.csv" >/dev/null \
    2>"$TEST_TMP/err-second" &
second_pid=$!
wait "$first_pid"
first_status=$?
wait "$second_pid"
second_status=$?
check "together: both imports exit 0" "$first_status $second_status" "0 0"
cat "$TEST_TMP/err-first" "$TEST_TMP/err-second"
check "together: entries of both files" "$(entries_of "import-together-$$")" \
    "$(($(entries_of "import-$first_file-$$") + $(entries_of "import-$second_file-$$")))"
together=$(sql -e "SELECT id FROM workspaces WHERE name = 'import-together-$$'")
check "together: day totals match the entries" "$(day_totals_mismatches "$together")" 0

# Local times convert with --timezone, daylight saving time included.
reportctl import --workspace "import-zone-$$" --timezone Europe/Berlin \
    "$REALDATA/clockify-detailed-eur-personal-2023.csv" >"$TEST_TMP/out" 2>"$TEST_TMP/err"
check "time zone: exit code" "$?" 0
cat "$TEST_TMP/err"
check "time zone: 23/05/2023 03:55:30 CEST is 01:55:30 UTC" \
    "$(sql -e "SELECT MAX(e.start_at) FROM time_entries e JOIN workspaces w
               ON w.id = e.workspace_id WHERE w.name = 'import-zone-$$'")" "2023-05-23 01:55:30"

finish
