#!/usr/bin/env bash
# Weekly report through nginx: the week around the start date for each start day, local days
# across DST and far-east zones, entries across midnight, running timers, the MEMBER
# restriction, money subgroups, totals equal to the detailed report's, CSV grid and XLSX.
. "$(dirname "$0")/lib.sh"

NAME="weekly-$$"
reportctl workspace create --name "$NAME" --time-zone UTC --currency EUR >/dev/null
WS=$(sql -e "SELECT id FROM workspaces WHERE name = '$NAME'")
KEY=$(reportctl apikey create --workspace "$NAME" --user "owner-$$@example.com" --name Owner --role OWNER)
ALICE_KEY=$(reportctl apikey create --workspace "$NAME" --user "alice-$$@example.com" --name Alice --role MEMBER)
reportctl apikey create --workspace "$NAME" --user "bob-$$@example.com" --name Bob --role MEMBER >/dev/null
ALICE=$(sql -e "SELECT id FROM users WHERE email = 'alice-$$@example.com'")
BOB=$(sql -e "SELECT id FROM users WHERE email = 'bob-$$@example.com'")

# Entries are UTC.
sql <<SQL
INSERT INTO projects (workspace_id, name) VALUES ($WS, 'Website');
SET @website = LAST_INSERT_ID();
INSERT INTO projects (workspace_id, name) VALUES ($WS, 'Internal');
SET @internal = LAST_INSERT_ID();
INSERT INTO time_entries (workspace_id, user_id, project_id, description, start_at, end_at,
                          billable, hourly_rate, cost_rate)
VALUES ($WS, $ALICE, @website, 'sunday', '2026-03-01 10:00:00', '2026-03-01 11:00:00', 1, 6000, 2500),
       ($WS, $ALICE, NULL, 'across midnight', '2026-03-03 23:00:00', '2026-03-04 01:00:00', 1, 6000, 2500),
       ($WS, $ALICE, @internal, 'twenty minutes', '2026-03-04 09:00:00', '2026-03-04 09:20:00', 1, 6000, 2500),
       ($WS, $BOB, @internal, 'running', '2026-03-04 12:00:00', NULL, 1, 6000, 2500),
       ($WS, $BOB, @internal, 'saturday', '2026-03-07 10:00:00', '2026-03-07 12:00:00', 0, 0, 2500),
       ($WS, $ALICE, @website, 'dst night', '2026-03-28 23:30:00', '2026-03-29 01:30:00', 1, 6000, 0),
       ($WS, $ALICE, @website, 'auckland day', '2026-06-14 20:30:00', '2026-06-15 05:00:00', 1, 6000, 0);
SQL
refresh_totals
BASE="/v1/workspaces/$WS/reports"

# Flattens a weekly JSON body: "totals TIME COUNT AMOUNT", "days D1 .. D7" (durations),
# "dates FIRST LAST", then per group and child "path TOTAL DAY1 .. DAY7".
flatten() {
    python3 - "$TEST_TMP/body" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
t = d["totals"][0]
print("totals", t["totalTime"], t["entriesCount"], t["totalAmount"])
days = d["totalsByDay"]
print("days", *[x["duration"] for x in days])
print("amounts", *[x["amount"] for x in days])
print("dates", days[0]["date"], days[-1]["date"], len(days))
for g in d["groupOne"]:
    print(g["name"], g["duration"], *[x["duration"] for x in g["days"]])
    for c in g.get("children") or []:
        print(g["name"] + " > " + c["name"], c["duration"], *[x["duration"] for x in c["days"]])
PY
}

# weekly QUERY [KEY]: GETs weekly.json with QUERY and prints the flattened result.
weekly() {
    local status
    status=$(api GET "$BASE/weekly.json?$1" "${2:-$KEY}")
    if [ "$status" != 200 ]; then
        echo "HTTP $status: $(cat "$TEST_TMP/body")"
        return
    fi
    flatten
}

field() { # TEXT PREFIX: the rest of the line that starts with "PREFIX "
    printf '%s\n' "$1" | while IFS= read -r l; do
        case "$l" in "$2 "[0-9]*) echo "${l#"$2 "}" ;; esac
    done
}

out=$(weekly "start=2026-03-04&end=2026-03-04&tz=UTC&weekStart=SUNDAY&group=USER&subgroup=TIME")
check "Sunday week runs 03-01 to 03-07" "$(grep '^dates' <<<"$out")" "dates 2026-03-01 2026-03-07 7"
check "days, zero days included; running timer left out" "$(field "$out" days)" "3600 0 7200 1200 0 0 7200"
check "totals" "$(field "$out" totals)" "19200 4 20000"
check "Alice's week" "$(field "$out" Alice)" "12000 3600 0 7200 1200 0 0 0"
check "across midnight counts on its start day" "$(field "$out" "Alice > (Without project)")" "7200 0 0 7200 0 0 0 0"
check "Bob's Saturday" "$(field "$out" "Bob > Internal")" "7200 0 0 0 0 0 0 7200"

out=$(weekly "start=2026-03-04&end=2026-03-04&tz=UTC&weekStart=MONDAY")
check "Monday week runs 03-02 to 03-08" "$(grep '^dates' <<<"$out")" "dates 2026-03-02 2026-03-08 7"
check "Monday week leaves Sunday 03-01 out" "$(field "$out" totals)" "15600 3 14000"

out=$(weekly "start=2026-03-25&end=2026-03-25&tz=Europe/Berlin&weekStart=MONDAY")
check "Berlin DST night: 2 hours on Sunday 03-29" "$(field "$out" days)" "0 0 0 0 0 0 7200"
out=$(weekly "start=2026-06-15&end=2026-06-15&tz=Pacific/Auckland&weekStart=MONDAY")
check "Auckland morning on Monday 06-15" "$(field "$out" days)" "30600 0 0 0 0 0 0"

out=$(weekly "start=2026-03-01&end=2026-03-01&tz=UTC&weekStart=SUNDAY&group=PROJECT&subgroup=EARNED")
check "earned per day" "$(grep '^amounts' <<<"$out")" "amounts 6000 0 12000 2000 0 0 0"
check "project groups" "$(field "$out" Website)" "3600 3600 0 0 0 0 0 0"
check "users below projects" "$(field "$out" "Internal > Bob")" "7200 0 0 0 0 0 0 7200"
out=$(weekly "start=2026-03-01&end=2026-03-01&tz=UTC&weekStart=SUNDAY&subgroup=COST")
check "cost per day" "$(grep '^amounts' <<<"$out")" "amounts 2500 0 5000 833 0 0 5000"

out=$(weekly "start=2026-03-04&end=2026-03-04&tz=UTC&weekStart=SUNDAY" "$ALICE_KEY")
check "member sees only their own time" "$(field "$out" totals)" "12000 3 20000"
check "member: no other users" "$(field "$out" Bob)" ""

# Totals equal the detailed report's over the same seven days.
same_totals() { # DESCRIPTION WEEKLY_BODY DETAILED_BODY [KEY]
    local weekly_totals detailed_totals
    api POST "$BASE/weekly" "${4:-$KEY}" "$2" >/dev/null
    weekly_totals=$(jq -cS '.totals[0]' "$TEST_TMP/body")
    api POST "$BASE/detailed" "${4:-$KEY}" "$3" >/dev/null
    detailed_totals=$(jq -cS '.totals[0]' "$TEST_TMP/body")
    check "totals equal the detailed report's: $1" "$weekly_totals" "$detailed_totals"
}
WEEK='"dateRangeStart":"2026-03-01T00:00:00Z","dateRangeEnd":"2026-03-07T23:59:59Z","timeZone":"UTC","weekStart":"SUNDAY"'
same_totals "Sunday week" "{$WEEK,\"weeklyFilter\":{\"group\":\"USER\",\"subgroup\":\"TIME\"}}" "{$WEEK}"
same_totals "rounding, profit" "{$WEEK,\"rounding\":true,\"amountShown\":\"PROFIT\",\"weeklyFilter\":{\"group\":\"PROJECT\",\"subgroup\":\"TIME\"}}" \
    "{$WEEK,\"rounding\":true,\"amountShown\":\"PROFIT\"}"
same_totals "member" "{$WEEK}" "{$WEEK}" "$ALICE_KEY"

# CSV grid.
status=$(curl -s -o "$TEST_TMP/w.csv" -w '%{http_code}' -H "X-Api-Key: $KEY" \
    "$REPORTD_URL$BASE/weekly.csv?start=2026-03-04&end=2026-03-04&tz=UTC&weekStart=SUNDAY&group=USER&subgroup=TIME&dateFormat=DD/MM/YYYY&order=ASCENDING")
check "CSV status" "$status" 200
check "CSV grid" "$(tr -d '\r' <"$TEST_TMP/w.csv")" '"User","Project","01/03/2026","02/03/2026","03/03/2026","04/03/2026","05/03/2026","06/03/2026","07/03/2026","Total"
"Alice","","01:00:00","00:00:00","02:00:00","00:20:00","00:00:00","00:00:00","00:00:00","03:20:00"
"Alice","(Without project)","00:00:00","00:00:00","02:00:00","00:00:00","00:00:00","00:00:00","00:00:00","02:00:00"
"Alice","Internal","00:00:00","00:00:00","00:00:00","00:20:00","00:00:00","00:00:00","00:00:00","00:20:00"
"Alice","Website","01:00:00","00:00:00","00:00:00","00:00:00","00:00:00","00:00:00","00:00:00","01:00:00"
"Bob","","00:00:00","00:00:00","00:00:00","00:00:00","00:00:00","00:00:00","02:00:00","02:00:00"
"Bob","Internal","00:00:00","00:00:00","00:00:00","00:00:00","00:00:00","00:00:00","02:00:00","02:00:00"
"Total","","01:00:00","00:00:00","02:00:00","00:20:00","00:00:00","00:00:00","02:00:00","05:20:00"'
curl -s -o "$TEST_TMP/m.csv" -H "X-Api-Key: $KEY" \
    "$REPORTD_URL$BASE/weekly.csv?start=2026-03-04&end=2026-03-04&tz=UTC&weekStart=SUNDAY&group=PROJECT&subgroup=PROFIT&decimalSeparator=,&csvDelimiter=%3B"
check "CSV money grid, total row" "$(tail -n 1 "$TEST_TMP/m.csv" | tr -d '\r')" \
    '"Total";"";"35,00";"0,00";"70,00";"11,67";"0,00";"0,00";"-50,00";"66,67"'

# XLSX.
status=$(curl -s -o "$TEST_TMP/w.xlsx" -w '%{http_code}' -H "X-Api-Key: $KEY" \
    "$REPORTD_URL$BASE/weekly.xlsx?start=2026-03-04&end=2026-03-04&tz=UTC&weekStart=SUNDAY")
check "XLSX status" "$status" 200
python3 - "$TEST_TMP/w.xlsx" >"$TEST_TMP/xlsx.txt" <<'PY'
import re, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
sheet = z.read("xl/worksheets/sheet1.xml").decode()
print(len(re.findall(r"<row ", sheet)))
print(len(re.findall(r'outlineLevel="1"', sheet)))
PY
check "XLSX rows: header, 2 users, 4 children, total" "$(sed -n 1p "$TEST_TMP/xlsx.txt")" 8
check "XLSX children outlined" "$(sed -n 2p "$TEST_TMP/xlsx.txt")" 4

finish
