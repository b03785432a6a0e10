#!/usr/bin/env bash
# Summary report through nginx: local days across DST and far-east zones, week and month keys,
# rounding, running timers, the MEMBER restriction, tags counted once per group, totals equal
# to the detailed report's, sorting, CSV layout and options, XLSX, bad requests.
. "$(dirname "$0")/lib.sh"

NAME="summary-$$"
reportctl workspace create --name "$NAME" --time-zone UTC --currency EUR \
    --rounding-minutes 15 --rounding-mode NEAREST >/dev/null
WS=$(sql -e "SELECT id FROM workspaces WHERE name = '$NAME'")
KEY=$(reportctl apikey create --workspace "$NAME" --user "owner-$$@example.com" --name Owner --role OWNER)
ALICE_KEY=$(reportctl apikey create --workspace "$NAME" --user "alice-$$@example.com" --name Alice --role MEMBER)
reportctl apikey create --workspace "$NAME" --user "bob-$$@example.com" --name Bob --role MEMBER >/dev/null
OWNER=$(sql -e "SELECT id FROM users WHERE email = 'owner-$$@example.com'")
ALICE=$(sql -e "SELECT id FROM users WHERE email = 'alice-$$@example.com'")
BOB=$(sql -e "SELECT id FROM users WHERE email = 'bob-$$@example.com'")

# Entries are UTC. The comments give what each one tests.
sql <<SQL
INSERT INTO user_groups (workspace_id, name) VALUES ($WS, 'Engineering');
INSERT INTO user_group_members VALUES (LAST_INSERT_ID(), $ALICE);
INSERT INTO clients (workspace_id, name) VALUES ($WS, 'Acme');
INSERT INTO projects (workspace_id, client_id, name) VALUES ($WS, LAST_INSERT_ID(), 'Website');
SET @website = LAST_INSERT_ID();
INSERT INTO projects (workspace_id, name) VALUES ($WS, 'Internal');
SET @internal = LAST_INSERT_ID();
INSERT INTO tasks (workspace_id, project_id, name) VALUES ($WS, @website, 'Design');
SET @design = LAST_INSERT_ID();
INSERT INTO tags (workspace_id, name) VALUES ($WS, 'alpha');
SET @alpha = LAST_INSERT_ID();
INSERT INTO tags (workspace_id, name) VALUES ($WS, 'beta');
SET @beta = LAST_INSERT_ID();
-- 2026-03-29 00:30-03:30 in Berlin, across the DST change: two hours; tags alpha and beta.
INSERT INTO time_entries (workspace_id, user_id, project_id, task_id, description, start_at, end_at,
                          billable, hourly_rate, cost_rate, tag_ids)
VALUES ($WS, $ALICE, @website, @design, 'dst night', '2026-03-28 23:30:00', '2026-03-29 01:30:00',
        1, 6000, 2500, CONCAT(LEAST(@alpha, @beta), ',', GREATEST(@alpha, @beta)));
INSERT INTO entry_tags VALUES (LAST_INSERT_ID(), @alpha), (LAST_INSERT_ID(), @beta);
-- 2026-06-15 08:30-17:00 in Auckland (UTC+12).
INSERT INTO time_entries (workspace_id, user_id, project_id, description, start_at, end_at,
                          billable, hourly_rate, cost_rate)
VALUES ($WS, $ALICE, @website, 'auckland day', '2026-06-14 20:30:00', '2026-06-15 05:00:00', 1, 6000, 2500),
-- Sunday 2026-03-01 and Saturday 2026-03-07; 2026-12-31 and 2027-01-01.
       ($WS, $BOB, @internal, 'sunday', '2026-03-01 10:00:00', '2026-03-01 11:00:00', 0, 0, 2500),
       ($WS, $BOB, @internal, 'saturday', '2026-03-07 10:00:00', '2026-03-07 11:00:00', 0, 0, 2500),
       ($WS, $OWNER, @internal, 'new year eve', '2026-12-31 10:00:00', '2026-12-31 11:00:00', 1, 6000, 0),
       ($WS, $OWNER, @internal, 'new year', '2027-01-01 10:00:00', '2027-01-01 11:00:00', 1, 6000, 0),
-- Three 20-minute entries, a running timer, and 23:00-01:00.
       ($WS, $ALICE, @website, 'short', '2026-05-04 10:00:00', '2026-05-04 10:20:00', 1, 6000, 2500),
       ($WS, $ALICE, NULL, 'short', '2026-05-04 11:00:00', '2026-05-04 11:20:00', 1, 6000, 2500),
       ($WS, $BOB, @internal, 'running', '2026-05-04 12:00:00', NULL, 1, 6000, 0),
       ($WS, $BOB, @internal, 'late', '2026-05-05 23:00:00', '2026-05-06 01:00:00', 1, 5000, 0);
INSERT INTO time_entries (workspace_id, user_id, project_id, description, start_at, end_at,
                          billable, hourly_rate, cost_rate, tag_ids)
VALUES ($WS, $ALICE, @website, 'short', '2026-05-04 09:00:00', '2026-05-04 09:20:00', 1, 6000, 2500, @alpha);
INSERT INTO entry_tags VALUES (LAST_INSERT_ID(), @alpha);
SQL
refresh_totals
BASE="/v1/workspaces/$WS/reports"
ALPHA=$(sql -e "SELECT id FROM tags WHERE workspace_id = $WS AND name = 'alpha'")
WEBSITE=$(sql -e "SELECT id FROM projects WHERE workspace_id = $WS AND name = 'Website'")

# Flattens a summary JSON body: "totals TIME BILLABLE COUNT AMOUNT", then one line per group
# "path DURATION AMOUNT" with the path joined by " > ".
flatten() {
    python3 - "$TEST_TMP/body" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
t = d["totals"][0]
print("totals", t["totalTime"], t["totalBillableTime"], t["entriesCount"], t["totalAmount"])
def walk(groups, path):
    for g in groups:
        name = path + [g["name"]]
        print(" > ".join(name), g["duration"], g["amount"])
        walk(g.get("children") or [], name)
walk(d["groupOne"], [])
PY
}

# summary BODY [KEY]: POSTs a summary and prints the flattened result.
summary() {
    local status
    status=$(api POST "$BASE/summary" "${2:-$KEY}" "$1")
    if [ "$status" != 200 ]; then
        echo "HTTP $status: $(cat "$TEST_TMP/body")"
        return
    fi
    flatten
}

# line TEXT PATH: the "DURATION AMOUNT" of the group at PATH.
line() {
    printf '%s\n' "$1" | python3 -c '
import sys
path = sys.argv[1]
for line in sys.stdin:
    head, _, rest = line.rstrip("\n").rpartition(" ")
    head, _, duration = head.rpartition(" ")
    if head == path:
        print(duration, rest)
' "$2"
}

range() { # START END ZONE: the date fields of a body
    echo "\"dateRangeStart\":\"${1}T00:00:00\",\"dateRangeEnd\":\"${2}T23:59:59\",\"timeZone\":\"$3\""
}

# Local days.
out=$(summary "{$(range 2026-03-29 2026-03-29 Europe/Berlin),\"summaryFilter\":{\"groups\":[\"DATE\"]}}")
check "Berlin DST night is 2 hours on 2026-03-29" "$(line "$out" 2026-03-29)" "7200 12000"
check "Berlin DST night: one group" "$(grep -c '^2026' <<<"$out")" 1
out=$(summary "{$(range 2026-06-14 2026-06-16 Pacific/Auckland),\"summaryFilter\":{\"groups\":[\"DATE\"]}}")
check "Auckland morning sits on 2026-06-15" "$(line "$out" 2026-06-15)" "30600 51000"
check "Auckland: nothing on 2026-06-14" "$(line "$out" 2026-06-14)" ""
out=$(summary "{$(range 2026-05-05 2026-05-06 UTC),\"summaryFilter\":{\"groups\":[\"DATE\"]}}")
check "23:00-01:00 counts on its start day" "$(line "$out" 2026-05-05)" "7200 10000"
check "23:00-01:00: nothing on the next day" "$(line "$out" 2026-05-06)" ""

# Week and month keys.
out=$(summary "{$(range 2026-03-01 2026-03-07 UTC),\"weekStart\":\"SUNDAY\",\"summaryFilter\":{\"groups\":[\"WEEK\"]}}")
check "Sunday weeks: 03-01 and 03-07 in one week" "$(line "$out" 2026-03-01)" "7200 0"
out=$(summary "{$(range 2026-03-01 2026-03-07 UTC),\"weekStart\":\"MONDAY\",\"summaryFilter\":{\"groups\":[\"WEEK\"]}}")
check "Monday weeks: Sunday 03-01 in ISO week 9" "$(line "$out" 2026-W09)" "3600 0"
check "Monday weeks: Saturday 03-07 in ISO week 10" "$(line "$out" 2026-W10)" "3600 0"
out=$(summary "{$(range 2026-12-28 2027-01-03 UTC),\"weekStart\":\"MONDAY\",\"summaryFilter\":{\"groups\":[\"WEEK\",\"MONTH\"]}}")
check "2026-12-31 and 2027-01-01 both in 2026-W53" "$(line "$out" 2026-W53)" "7200 12000"
check "months below the week" "$(line "$out" "2026-W53 > 2027-01")" "3600 6000"

# Rounding, running timers and the MEMBER restriction.
DAY=$(range 2026-05-04 2026-05-04 UTC)
out=$(summary "{$DAY,\"rounding\":true,\"summaryFilter\":{\"groups\":[\"PROJECT\"]}}")
check "three 20-minute entries round to 45 minutes; running timer left out" \
    "$(grep '^totals' <<<"$out")" "totals 2700 2700 3 4500"
check "rounded Website" "$(line "$out" Website)" "1800 3000"
check "rounded (Without project)" "$(line "$out" "(Without project)")" "900 1500"
out=$(summary "{$DAY,\"summaryFilter\":{\"groups\":[\"USER\"]}}" "$ALICE_KEY")
check "member sees only their own time" "$(grep -c . <<<"$out")" 2
check "member's own group" "$(line "$out" Alice)" "3600 6000"
out=$(summary "{$(range 2026-01-01 2027-12-31 UTC),\"summaryFilter\":{\"groups\":[\"PROJECT\"]}}" "$ALICE_KEY")
check "member totals over all time" "$(grep '^totals' <<<"$out")" "totals 41400 41400 5 69000"

# Tags and user groups: an entry counts once in each tag's group, once in its project.
YEAR=$(range 2026-01-01 2027-12-31 UTC)
out=$(summary "{$YEAR,\"summaryFilter\":{\"groups\":[\"PROJECT\",\"TAG\",\"USER_GROUP\"],\"sortColumn\":\"DURATION\"},\"sortOrder\":\"DESCENDING\"}")
check "project above tags counts the entry once" "$(line "$out" Website)" "40200 67000"
check "tag alpha" "$(line "$out" "Website > alpha")" "8400 14000"
check "tag beta" "$(line "$out" "Website > beta")" "7200 12000"
check "without tag" "$(line "$out" "Website > (Without tag)")" "31800 53000"
check "group below a tag" "$(line "$out" "Website > alpha > Engineering")" "8400 14000"
check "without group" "$(line "$out" "Internal > (Without tag) > (Without group)")" "21600 22000"
check "sorted by duration, descending" "$(sed -n 2p <<<"$out" | cut -d' ' -f1)" "Website"
out=$(summary "{$YEAR,\"summaryFilter\":{\"groups\":[\"CLIENT\",\"TASK\"],\"sortColumn\":\"GROUP\"},\"sortOrder\":\"ASCENDING\"}")
check "client Acme" "$(line "$out" Acme)" "40200 67000"
check "task Design" "$(line "$out" "Acme > Design")" "7200 12000"
check "without task" "$(line "$out" "Acme > (Without task)")" "33000 55000"
check "without client" "$(line "$out" "(Without client)")" "22800 24000"
check "sorted by name, ascending" "$(sed -n 2p <<<"$out" | cut -d' ' -f1)" "(Without"
out=$(summary "{$YEAR,\"summaryFilter\":{\"groups\":[\"TIMEENTRY\"],\"sortColumn\":\"AMOUNT\"},\"sortOrder\":\"ASCENDING\",\"amountShown\":\"COST\"}")
check "description group, cost amounts" "$(line "$out" "dst night")" "7200 5000"
check "sorted by amount, then name, ascending" "$(sed -n 2p <<<"$out" | cut -d' ' -f1)" "late"

# The summary's totals equal the detailed report's for every filter combination.
same_totals() { # DESCRIPTION FIELDS [KEY]
    local summary_totals detailed_totals
    api POST "$BASE/summary" "${3:-$KEY}" "{$2,\"summaryFilter\":{\"groups\":[\"PROJECT\",\"TAG\",\"USER_GROUP\"]}}" >/dev/null
    summary_totals=$(jq -cS '.totals[0]' "$TEST_TMP/body")
    api POST "$BASE/detailed" "${3:-$KEY}" "{$2,\"detailedFilter\":{\"pageSize\":1}}" >/dev/null
    detailed_totals=$(jq -cS '.totals[0]' "$TEST_TMP/body")
    check "totals equal the detailed report's: $1" "$summary_totals" "$detailed_totals"
}
same_totals "all time" "$YEAR"
same_totals "rounding, profit" "$YEAR,\"rounding\":true,\"amountShown\":\"PROFIT\""
same_totals "Berlin, cost" "$(range 2026-01-01 2027-12-31 Europe/Berlin),\"amountShown\":\"COST\""
same_totals "tag alpha" "$YEAR,\"tags\":{\"ids\":[\"$ALPHA\"],\"containedInTimeentry\":\"CONTAINS\"}"
same_totals "without tag alpha" "$YEAR,\"tags\":{\"ids\":[\"$ALPHA\"],\"containedInTimeentry\":\"DOES_NOT_CONTAIN\"}"
same_totals "project NONE" "$YEAR,\"projects\":{\"ids\":[\"NONE\"]}"
same_totals "Website, billable" "$YEAR,\"projects\":{\"ids\":[\"$WEBSITE\"]},\"billable\":true"
same_totals "description" "$YEAR,\"description\":\"SHORT\",\"rounding\":true"
same_totals "member" "$YEAR,\"rounding\":true" "$ALICE_KEY"
same_totals "empty range" "$(range 2025-01-01 2025-01-31 UTC)"

# CSV through a GET link.
status=$(curl -s -D "$TEST_TMP/csv.headers" -o "$TEST_TMP/s.csv" -w '%{http_code}' -H "X-Api-Key: $KEY" \
    "$REPORTD_URL$BASE/summary.csv?start=2026-05-04&end=2026-05-04&tz=UTC&groups=PROJECT,TIMEENTRY&rounding=true&amounts=PROFIT&sort=GROUP&order=ASCENDING")
check "CSV status" "$status" 200
check "CSV file name" "$(grep -c 'filename="reportd_summary_2026-05-04_2026-05-04.csv"' "$TEST_TMP/csv.headers")" 1
check "CSV" "$(tr -d '\r' <"$TEST_TMP/s.csv")" '"Project","Description","Time (h)","Time (decimal)","Amount (EUR)","Cost (EUR)","Profit (EUR)"
"(Without project)","short","00:15:00","0.25","15.00","6.25","8.75"
"Website","short","00:30:00","0.50","30.00","12.50","17.50"
"Total","","00:45:00","0.75","45.00","18.75","26.25"'
check "CSV lines end in CRLF" "$(grep -c $'\r$' "$TEST_TMP/s.csv")" 4
curl -s -o "$TEST_TMP/opt.csv" -H "X-Api-Key: $KEY" \
    "$REPORTD_URL$BASE/summary.csv?start=2026-01-01&end=2027-12-31&tz=UTC&groups=USER&amounts=HIDE_AMOUNT&order=ASCENDING&csvDelimiter=%3B&decimalSeparator=,&bom=true&durationFormat=DECIMAL"
check "CSV with BOM" "$(head -c 3 "$TEST_TMP/opt.csv" | od -An -tx1 | tr -d ' ')" "efbbbf"
check "CSV options: semicolon, decimal comma, no amounts" "$(sed -n 1,2p "$TEST_TMP/opt.csv" | tail -c +4 | tr -d '\r')" '"User";"Time (h)";"Time (decimal)"
"Alice";"11,50";"11,50"'

# XLSX.
status=$(curl -s -o "$TEST_TMP/s.xlsx" -w '%{http_code}' -H "X-Api-Key: $KEY" \
    "$REPORTD_URL$BASE/summary.xlsx?start=2026-01-01&end=2027-12-31&tz=UTC&groups=PROJECT,DATE")
check "XLSX status" "$status" 200
python3 - "$TEST_TMP/s.xlsx" >"$TEST_TMP/xlsx.txt" <<'PY'
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
sheet = z.read("xl/worksheets/sheet1.xml").decode()
strings = z.read("xl/sharedStrings.xml").decode() if "xl/sharedStrings.xml" in z.namelist() else ""
print(len(re.findall(r"<row ", sheet)))
print(len(re.findall(r'outlineLevel="1"', sheet)))
print("Total" in strings or "Total" in sheet)
PY
# Header, 2 projects + (Without project), 9 dates below them, the Total row.
check "XLSX rows" "$(sed -n 1p "$TEST_TMP/xlsx.txt")" 14
check "XLSX date rows outlined below their project" "$(sed -n 2p "$TEST_TMP/xlsx.txt")" 9
check "XLSX total row" "$(sed -n 3p "$TEST_TMP/xlsx.txt")" True

# Bad requests.
status=$(api POST "$BASE/summary" "$KEY" "{$YEAR,\"summaryFilter\":{\"groups\":[\"PROJECT\",\"USER\",\"TAG\",\"DATE\"]}}")
check "four groups rejected" "$status $(jq -r .field "$TEST_TMP/body")" "400 summaryFilter.groups[3]"
status=$(api POST "$BASE/summary" "$KEY" "{$YEAR,\"summaryFilter\":{\"groups\":[\"COLOR\"]}}")
check "unknown group rejected" "$status" 400

finish
