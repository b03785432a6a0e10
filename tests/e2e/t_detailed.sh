#!/usr/bin/env bash
# Detailed report through nginx: CSV layout and values, JSON page and totals, filters, MEMBER
# restriction, time zones, rounding, amounts, XLSX, bad requests, abandoned and broken downloads.
. "$(dirname "$0")/lib.sh"

NAME="detailed-$$"
reportctl workspace create --name "$NAME" --time-zone Europe/Berlin --currency EUR \
    --rounding-minutes 15 --rounding-mode NEAREST >/dev/null
WS=$(sql -e "SELECT id FROM workspaces WHERE name = '$NAME'")
KEY=$(reportctl apikey create --workspace "$NAME" --user "owner-$$@example.com" --name Owner --role OWNER)
ALICE_KEY=$(reportctl apikey create --workspace "$NAME" --user "alice-$$@example.com" --name Alice --role MEMBER)
reportctl apikey create --workspace "$NAME" --user "bob-$$@example.com" --name Bob --role MEMBER >/dev/null
ALICE=$(sql -e "SELECT id FROM users WHERE email = 'alice-$$@example.com'")
BOB=$(sql -e "SELECT id FROM users WHERE email = 'bob-$$@example.com'")

sql <<SQL
INSERT INTO clients (workspace_id, name) VALUES ($WS, 'Acme, Inc.');
SET @client = LAST_INSERT_ID();
INSERT INTO projects (workspace_id, client_id, name, color) VALUES ($WS, @client, 'Website', '#FF0000');
SET @website = LAST_INSERT_ID();
INSERT INTO projects (workspace_id, name) VALUES ($WS, 'Internal');
SET @internal = LAST_INSERT_ID();
INSERT INTO tasks (workspace_id, project_id, name) VALUES ($WS, @website, 'Design');
SET @design = LAST_INSERT_ID();
INSERT INTO tags (workspace_id, name) VALUES ($WS, 'urgent');
SET @urgent = LAST_INSERT_ID();
INSERT INTO tags (workspace_id, name) VALUES ($WS, 'review');
SET @review = LAST_INSERT_ID();
INSERT INTO time_entries (workspace_id, user_id, project_id, task_id, description, start_at, end_at,
                          billable, hourly_rate, cost_rate, tag_ids)
VALUES ($WS, $ALICE, @website, @design, 'Homepage, hero "v2"', '2026-01-05 09:00:00',
        '2026-01-05 10:30:00', 1, 10000, 4000, CONCAT(@urgent, ',', @review));
SET @first = LAST_INSERT_ID();
INSERT INTO entry_tags VALUES (@first, @urgent), (@first, @review);
INSERT INTO time_entries (workspace_id, user_id, project_id, description, start_at, end_at,
                          billable, hourly_rate, cost_rate)
VALUES ($WS, $BOB, @internal, '=SUM(A1)', '2026-01-05 23:00:00', '2026-01-06 01:00:00', 0, 0, 3000),
       ($WS, $ALICE, NULL, '', '2026-01-06 08:00:00', '2026-01-06 08:20:00', 1, 6000, 0),
       ($WS, $BOB, @internal, 'running', '2026-01-07 10:00:00', NULL, 1, 5000, 0),
       ($WS, $ALICE, @website, 'next month', '2026-02-01 10:00:00', '2026-02-01 11:00:00', 1, 10000, 0);
SQL
refresh_totals
BASE="/v1/workspaces/$WS/reports"
RANGE="start=2026-01-01&end=2026-01-31"

# CSV in Clockify's layout.
status=$(curl -s -D "$TEST_TMP/csv.headers" -o "$TEST_TMP/jan.csv" -w '%{http_code}' \
    -H "X-Api-Key: $KEY" "$REPORTD_URL$BASE/detailed.csv?$RANGE&order=ASCENDING")
check "CSV status" "$status" 200
check "CSV content type" "$(grep -ci '^content-type: text/csv' "$TEST_TMP/csv.headers")" 1
check "CSV file name" "$(grep -c 'filename="reportd_detailed_2026-01-01_2026-01-31.csv"' "$TEST_TMP/csv.headers")" 1
check "CSV filename* form" "$(grep -c "filename\*=UTF-8''reportd_detailed_2026-01-01_2026-01-31.csv" "$TEST_TMP/csv.headers")" 1
check "CSV header line" "$(head -n 1 "$TEST_TMP/jan.csv" | tr -d '\r')" \
    '"Project","Client","Description","Task","User","Group","Email","Tags","Billable","Start Date","Start Time","End Date","End Time","Duration (h)","Duration (decimal)","Billable Rate (EUR)","Billable Amount (EUR)"'
check "CSV lines end in CRLF" "$(grep -c $'\r$' "$TEST_TMP/jan.csv")" 4
check "CSV has no BOM" "$(head -c 3 "$TEST_TMP/jan.csv" | od -An -tx1 | tr -d ' ')" "225072"

python3 - "$TEST_TMP/jan.csv" "$ALICE" >"$TEST_TMP/rows.txt" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline='', encoding='utf-8')))
for row in rows[1:]:
    print("|".join(row))
PY
check "row 1" "$(sed -n 1p "$TEST_TMP/rows.txt")" \
    "Website|Acme, Inc.|Homepage, hero \"v2\"|Design|Alice||alice-$$@example.com|urgent, review|Yes|2026-01-05|10:00:00|2026-01-05|11:30:00|01:30:00|1.50|100.00|150.00"
check "row 2 crosses midnight, formula neutralised" "$(sed -n 2p "$TEST_TMP/rows.txt")" \
    "Internal||'=SUM(A1)||Bob||bob-$$@example.com||No|2026-01-06|00:00:00|2026-01-06|02:00:00|02:00:00|2.00|0.00|0.00"
check "row 3 without project" "$(sed -n 3p "$TEST_TMP/rows.txt")" \
    "||||Alice||alice-$$@example.com||Yes|2026-01-06|09:00:00|2026-01-06|09:20:00|00:20:00|0.33|60.00|20.00"
check "running and out-of-range entries left out" "$(wc -l <"$TEST_TMP/rows.txt")" 3

# Format options.
curl -s -H "X-Api-Key: $KEY" -o "$TEST_TMP/fmt.csv" \
    "$REPORTD_URL$BASE/detailed.csv?$RANGE&order=ASCENDING&dateFormat=DD/MM/YYYY&timeFormat=12H&durationFormat=COMPACT&csvDelimiter=%3B&decimalSeparator=,&bom=true&amounts=PROFIT"
check "BOM when asked" "$(head -c 3 "$TEST_TMP/fmt.csv" | od -An -tx1 | tr -d ' ')" "efbbbf"
check "semicolon, DD/MM/YYYY, 12H, COMPACT, decimal comma, PROFIT" "$(sed -n 2p "$TEST_TMP/fmt.csv" | tr -d '\r')" \
    "\"Website\";\"Acme, Inc.\";\"Homepage, hero \"\"v2\"\"\";\"Design\";\"Alice\";\"\";\"alice-$$@example.com\";\"urgent, review\";\"Yes\";\"05/01/2026\";\"10:00:00 AM\";\"05/01/2026\";\"11:30:00 AM\";\"1:30\";\"1,50\";\"100,00\";\"150,00\";\"40,00\";\"60,00\";\"90,00\""

# Time zone of the request.
curl -s -H "X-Api-Key: $KEY" -o "$TEST_TMP/utc.csv" "$REPORTD_URL$BASE/detailed.csv?$RANGE&order=ASCENDING&tz=UTC"
check "tz=UTC moves the midnight entry" "$(sed -n 3p "$TEST_TMP/utc.csv" | cut -d, -f10,11)" '"2026-01-05","23:00:00"'

# JSON page and totals.
body='{"dateRangeStart":"2026-01-01T00:00:00Z","dateRangeEnd":"2026-01-31T23:59:59.999Z","sortOrder":"ASCENDING","detailedFilter":{"page":1,"pageSize":2}}'
check "JSON status" "$(api POST "$BASE/detailed" "$KEY" "$body")" 200
python3 - "$TEST_TMP/body" >"$TEST_TMP/json.txt" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
t = d["totals"][0]
print(t["totalTime"], t["totalBillableTime"], t["entriesCount"], t["totalAmount"])
print(len(d["timeentries"]))
e = d["timeentries"][0]
print(e["description"], e["projectName"], e["clientName"], e["taskName"], e["billable"], e["rate"], e["amount"])
print(e["timeInterval"]["start"], e["timeInterval"]["end"], e["timeInterval"]["duration"])
print(",".join(sorted(tag["name"] for tag in e["tags"])))
PY
check "totals" "$(sed -n 1p "$TEST_TMP/json.txt")" "13800 6600 3 17000"
check "page size" "$(sed -n 2p "$TEST_TMP/json.txt")" 2
check "first entry" "$(sed -n 3p "$TEST_TMP/json.txt")" 'Homepage, hero "v2" Website Acme, Inc. Design True 10000 15000'
check "time interval in the zone" "$(sed -n 4p "$TEST_TMP/json.txt")" "2026-01-05T10:00:00+01:00 2026-01-05T11:30:00+01:00 5400"
check "tags" "$(sed -n 5p "$TEST_TMP/json.txt")" "review,urgent"

count() {
    api POST "$BASE/detailed" "${2:-$KEY}" "$1" >/dev/null
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d["timeentries"]), d["totals"][0]["totalTime"] if d["totals"] else "-")' "$TEST_TMP/body"
}
R='"dateRangeStart":"2026-01-01T00:00:00Z","dateRangeEnd":"2026-01-31T23:59:59Z"'
check "member sees own entries" "$(count "{$R}" "$ALICE_KEY")" "2 6600"
check "project NONE" "$(count "{$R,\"projects\":{\"ids\":[\"NONE\"]}}")" "1 1200"
check "tag contains" "$(count "{$R,\"tags\":{\"ids\":[\"$(sql -e "SELECT id FROM tags WHERE workspace_id=$WS AND name='urgent'")\"],\"containedInTimeentry\":\"CONTAINS\"}}")" "1 5400"
check "tag does not contain" "$(count "{$R,\"tags\":{\"ids\":[\"$(sql -e "SELECT id FROM tags WHERE workspace_id=$WS AND name='urgent'")\"],\"containedInTimeentry\":\"DOES_NOT_CONTAIN\"}}")" "2 8400"
check "billable false" "$(count "{$R,\"billable\":false}")" "1 7200"
check "description substring, any case" "$(count "{$R,\"description\":\"HERO\"}")" "1 5400"
check "without description" "$(count "{$R,\"withoutDescription\":true}")" "1 1200"
check "users filter" "$(count "{$R,\"users\":{\"ids\":[\"$BOB\"],\"contains\":\"CONTAINS\"}}")" "1 7200"
check "users does not contain" "$(count "{$R,\"users\":{\"ids\":[\"$BOB\"],\"contains\":\"DOES_NOT_CONTAIN\"}}")" "2 6600"
check "rounding to 15 minutes" "$(count "{$R,\"rounding\":true}")" "3 13500"
check "totals excluded" "$(count "{$R,\"detailedFilter\":{\"options\":{\"totals\":\"EXCLUDE\"}}}")" "3 -"

# Bad requests name the field.
bad() {
    local status
    status=$(api POST "$BASE/detailed" "$KEY" "$1")
    echo "$status $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("field",""))' "$TEST_TMP/body")"
}
check "pageSize 0" "$(bad "{$R,\"detailedFilter\":{\"pageSize\":0}}")" "400 detailedFilter.pageSize"
check "pageSize 5000" "$(bad "{$R,\"detailedFilter\":{\"pageSize\":5000}}")" "400 detailedFilter.pageSize"
check "reversed dates" "$(bad '{"dateRangeStart":"2026-02-01T00:00:00Z","dateRangeEnd":"2026-01-01T00:00:00Z"}' | cut -c1-3)" "400"
check "missing dates" "$(bad '{}')" "400 dateRangeStart"
check "unknown enum" "$(bad "{$R,\"sortOrder\":\"SIDEWAYS\"}")" "400 sortOrder"
check "wrong type" "$(bad "{$R,\"billable\":\"yes\"}")" "400 billable"
check "unknown project id" "$(bad "{$R,\"projects\":{\"ids\":[\"987654321\"]}}" | cut -d' ' -f1)" "400"
check "unknown time zone" "$(bad "{$R,\"timeZone\":\"Mars/Olympus\"}")" "400 timeZone"
check "PDF not supported" "$(bad "{$R,\"exportType\":\"PDF\"}")" "400 exportType"
printf '{"dateRangeStart":"2026-01-01T00:00:00Z","dateRangeEnd":"2026-01-31T00:00:00Z","description":"\xff\xfe"}' >"$TEST_TMP/bad-utf8.json"
status=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "X-Api-Key: $KEY" --data-binary "@$TEST_TMP/bad-utf8.json" "$REPORTD_URL$BASE/detailed")
check "invalid UTF-8" "$status" 400
check "GET with bad pageSize" "$(api GET "$BASE/detailed.json?$RANGE&pageSize=0" "$KEY")" 400

# XLSX: typed cells, sent with its length.
status=$(curl -s -D "$TEST_TMP/xlsx.headers" -o "$TEST_TMP/jan.xlsx" -w '%{http_code}' \
    -H "X-Api-Key: $KEY" "$REPORTD_URL$BASE/detailed.xlsx?$RANGE")
check "XLSX status" "$status" 200
check "XLSX length header" "$(grep -i '^content-length:' "$TEST_TMP/xlsx.headers" | tr -dc 0-9)" "$(stat -c %s "$TEST_TMP/jan.xlsx")"
unzip -p "$TEST_TMP/jan.xlsx" xl/worksheets/sheet1.xml >"$TEST_TMP/sheet1.xml"
check "XLSX rows" "$(grep -o '<row ' "$TEST_TMP/sheet1.xml" | wc -l)" 4
check "XLSX duration format" "$(unzip -p "$TEST_TMP/jan.xlsx" xl/styles.xml | grep -c '\[h\]:mm:ss')" 1
check "XLSX frozen header" "$(grep -c 'state="frozen"' "$TEST_TMP/sheet1.xml")" 1
check "no temp file left" "$(find "$(dirname "$REPORTD_CONFIG")/tmp" -name '*.xlsx' | wc -l)" 0

# A client that leaves mid-download: the query stops and the worker serves the next request.
sql -e "INSERT INTO time_entries (workspace_id, user_id, description, start_at, end_at)
        SELECT $WS, $BOB, CONCAT('bulk ', seq, ' ', REPEAT('y', 300)),
               '2026-03-01' + INTERVAL seq MINUTE, '2026-03-01' + INTERVAL seq + 1 MINUTE
        FROM seq_1_to_30000"
refresh_totals
# The filters make this export's SQL text unique among the queries of tests running alongside.
BIG="$REPORTD_URL$BASE/detailed.csv?start=2026-03-01&end=2026-03-31&billable=false&description=bulk"
MINE="INFO LIKE '%e.billable = 0 AND e.description LIKE%' AND ID <> CONNECTION_ID()"
curl -s -N -H "X-Api-Key: $KEY" "$BIG" | head -c 200000 >/dev/null
running=1
for _ in $(seq 1 20); do
    running=$(sql -e "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE $MINE")
    [ "$running" = 0 ] && break
    sleep 0.1
done
check "query stopped after the client left" "$running" 0
check "workers still serve" "$(curl -s -o /dev/null -w '%{http_code}' "$REPORTD_URL/healthz")" 200

# An error after the first byte breaks the transfer instead of ending the file cleanly.
curl -s --limit-rate 300k -H "X-Api-Key: $KEY" -o "$TEST_TMP/broken.csv" "$BIG" &
curl_pid=$!
thread=""
for _ in $(seq 1 50); do
    thread=$(sql -e "SELECT ID FROM information_schema.PROCESSLIST WHERE $MINE LIMIT 1")
    [ -n "$thread" ] && break
    sleep 0.1
done
[ -n "$thread" ] && sql -e "KILL $thread"
wait "$curl_pid"
curl_status=$?
check "curl reports the broken transfer" "$([ "$curl_status" != 0 ] && echo broken || echo "clean ($curl_status)")" broken
full=$(curl -s -H "X-Api-Key: $KEY" "$BIG" | wc -l)
check "full export after the failure" "$full" 30001
finish
