#!/usr/bin/env bash
# Isolation between workspaces and users, through nginx: a key of one workspace gets 404 on
# every route of another; a MEMBER key sees only its own entries in every report, format and
# filter (also when it names another user's id), gets only its own entries or 403 from the
# archive, and 403 on export jobs; OWNER and ADMIN keys see every entry. API keys never reach
# the reportd log, and control bytes of request paths reach it escaped.
. "$(dirname "$0")/lib.sh"

# Workspace A: an OWNER, an ADMIN and two MEMBERs, each with entries whose descriptions name
# their author. Workspace B: an OWNER with entries that no key of A may see.
NAME_A="isolation-a-$$"
NAME_B="isolation-b-$$"
reportctl workspace create --name "$NAME_A" --time-zone UTC --currency EUR >/dev/null
reportctl workspace create --name "$NAME_B" --time-zone UTC --currency EUR >/dev/null
WS_A=$(sql -e "SELECT id FROM workspaces WHERE name = '$NAME_A'")
WS_B=$(sql -e "SELECT id FROM workspaces WHERE name = '$NAME_B'")
declare -A KEYS USERS
for role in OWNER ADMIN ALICE BOB; do
    case $role in
    ALICE | BOB) grant=MEMBER ;;
    *) grant=$role ;;
    esac
    KEYS[$role]=$(reportctl apikey create --workspace "$NAME_A" --user "$role-$$@example.com" \
        --name "$role" --role "$grant")
    USERS[$role]=$(sql -e "SELECT id FROM users WHERE email = '$role-$$@example.com'")
done
KEYS[B_OWNER]=$(reportctl apikey create --workspace "$NAME_B" --user "b-owner-$$@example.com" \
    --name "B owner" --role OWNER)
USERS[B_OWNER]=$(sql -e "SELECT id FROM users WHERE email = 'b-owner-$$@example.com'")

sql <<SQL
INSERT INTO projects (workspace_id, name) VALUES ($WS_A, 'Shared');
SET @shared = LAST_INSERT_ID();
INSERT INTO projects (workspace_id, name) VALUES ($WS_A, 'Bob only');
SET @bob_only = LAST_INSERT_ID();
INSERT INTO tags (workspace_id, name) VALUES ($WS_A, 'bobtag');
SET @bobtag = LAST_INSERT_ID();
INSERT INTO projects (workspace_id, name) VALUES ($WS_B, 'Secret B');
SET @secret = LAST_INSERT_ID();
INSERT INTO time_entries (workspace_id, user_id, project_id, description, start_at, end_at, billable, hourly_rate)
VALUES ($WS_A, ${USERS[ALICE]}, @shared, 'entry-of-alice-1', '2026-01-05 09:00:00', '2026-01-05 10:00:00', 1, 6000),
       ($WS_A, ${USERS[ALICE]}, NULL, 'entry-of-alice-2', '2026-01-06 09:00:00', '2026-01-06 09:30:00', 0, 0),
       ($WS_A, ${USERS[BOB]}, @bob_only, 'entry-of-bob', '2026-01-05 11:00:00', '2026-01-05 13:00:00', 1, 9000),
       ($WS_A, ${USERS[OWNER]}, @shared, 'entry-of-owner', '2026-01-07 08:00:00', '2026-01-07 08:15:00', 1, 12000),
       ($WS_B, ${USERS[B_OWNER]}, @secret, 'entry-of-workspace-b', '2026-01-05 09:00:00', '2026-01-05 17:00:00', 1, 20000);
INSERT INTO entry_tags SELECT id, @bobtag FROM time_entries WHERE description = 'entry-of-bob' AND workspace_id = $WS_A;
UPDATE time_entries SET tag_ids = @bobtag WHERE description = 'entry-of-bob' AND workspace_id = $WS_A;
SQL
refresh_totals
BOB_PROJECT=$(sql -e "SELECT id FROM projects WHERE workspace_id = $WS_A AND name = 'Bob only'")
BOB_TAG=$(sql -e "SELECT id FROM tags WHERE workspace_id = $WS_A AND name = 'bobtag'")
RANGE_JSON='"dateRangeStart":"2026-01-01T00:00:00Z","dateRangeEnd":"2026-01-31T23:59:59Z"'
RANGE_QUERY="start=2026-01-01&end=2026-01-31"
ALL_A="entry-of-alice-1 entry-of-alice-2 entry-of-bob entry-of-owner"
ALL_A_USERS="$ALL_A user:ALICE user:BOB user:OWNER"

# Prints the sorted entry descriptions, or the names of the summary and weekly USER groups, found
# in $TEST_TMP/body for format $1 (json, csv or xlsx). Text of the whole file is searched, so an
# entry that leaks anywhere in it shows.
found_in_body() {
    python3 - "$TEST_TMP/body" "$1" <<'PY'
import re, sys, zipfile
path, kind = sys.argv[1], sys.argv[2]
if kind == "xlsx":
    with zipfile.ZipFile(path) as z:
        text = " ".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
else:
    text = open(path, encoding="utf-8", errors="replace").read()
names = set(re.findall(r"entry-of-[a-z0-9-]+", text))
names |= {"user:" + u for u in re.findall(r"\b(ALICE|BOB|OWNER|ADMIN)\b", text)}
print(" ".join(sorted(names)))
PY
}

# Counts the entries and user names in its input (from found_in_body) that are not Alice's.
leaks() {
    tr ' ' '\n' | grep -c -E 'bob|owner|BOB|OWNER|ADMIN|workspace-b'
}

# entries_seen ROLE METHOD PATH [BODY] FORMAT: the descriptions the key of ROLE receives.
entries_seen() {
    local role=$1 method=$2 path=$3 body=$4 format=$5 status
    status=$(api "$method" "$path" "${KEYS[$role]}" "$body")
    if [ "$status" != 200 ]; then
        echo "status $status"
        return
    fi
    found_in_body "$format"
}

# --- A key of one workspace never reads another (404), through every route. ---
routes() {
    local ws=$1
    for kind in detailed summary weekly; do
        echo "POST /v1/workspaces/$ws/reports/$kind"
        for ext in json csv xlsx; do
            echo "GET /v1/workspaces/$ws/reports/$kind.$ext?$RANGE_QUERY"
        done
    done
    echo "GET /v1/workspaces/$ws/archive.zip"
    echo "GET /v1/workspaces/$ws/export-jobs"
    echo "POST /v1/workspaces/$ws/export-jobs"
    echo "GET /v1/workspaces/$ws/export-jobs/1"
    echo "GET /v1/workspaces/$ws/export-jobs/1/runs"
    echo "DELETE /v1/workspaces/$ws/export-jobs/1"
}
for role in OWNER ADMIN ALICE B_OWNER; do
    target=$WS_B
    [ "$role" = B_OWNER ] && target=$WS_A
    while read -r method path; do
        body=""
        [ "$method" = POST ] && body="{$RANGE_JSON}"
        status=$(api "$method" "$path" "${KEYS[$role]}" "$body")
        check "$role key on the other workspace: $method ${path%%\?*}" "$status" 404
        check "$role key on the other workspace leaks no entry: $method ${path%%\?*}" \
            "$(grep -c -o 'entry-of-' "$TEST_TMP/body")" 0
    done < <(routes "$target")
done

# --- OWNER and ADMIN see every entry of their workspace, in every format. ---
for role in OWNER ADMIN; do
    check "$role detailed JSON" "$(entries_seen "$role" POST "/v1/workspaces/$WS_A/reports/detailed" "{$RANGE_JSON}" json)" "$ALL_A_USERS"
    for ext in csv xlsx; do
        check "$role detailed $ext" "$(entries_seen "$role" GET "/v1/workspaces/$WS_A/reports/detailed.$ext?$RANGE_QUERY" "" "$ext")" "$ALL_A_USERS"
    done
    check "$role summary by user" \
        "$(entries_seen "$role" POST "/v1/workspaces/$WS_A/reports/summary" "{$RANGE_JSON,\"summaryFilter\":{\"groups\":[\"USER\"]}}" json)" \
        "user:ALICE user:BOB user:OWNER"
    check "$role weekly by user" \
        "$(entries_seen "$role" POST "/v1/workspaces/$WS_A/reports/weekly" "{\"dateRangeStart\":\"2026-01-05T00:00:00Z\",\"dateRangeEnd\":\"2026-01-11T23:59:59Z\",\"weeklyFilter\":{\"group\":\"USER\"}}" json)" \
        "user:ALICE user:BOB user:OWNER"
    check "$role filter on bob" \
        "$(entries_seen "$role" POST "/v1/workspaces/$WS_A/reports/detailed" "{$RANGE_JSON,\"users\":{\"ids\":[\"${USERS[BOB]}\"]}}" json)" \
        "entry-of-bob user:BOB"
done

# --- A MEMBER sees only its own entries, whatever it asks for. ---
ALICE_ONLY="entry-of-alice-1 entry-of-alice-2 user:ALICE"
D="/v1/workspaces/$WS_A/reports/detailed"
check "member detailed JSON" "$(entries_seen ALICE POST "$D" "{$RANGE_JSON}" json)" "$ALICE_ONLY"
for ext in json csv xlsx; do
    check "member detailed $ext link" "$(entries_seen ALICE GET "$D.$ext?$RANGE_QUERY" "" "$ext")" "$ALICE_ONLY"
    check "member detailed $ext asking for bob" \
        "$(entries_seen ALICE GET "$D.$ext?$RANGE_QUERY&users=${USERS[BOB]}" "" "$ext" | leaks)" 0
done
for format in CSV XLSX; do
    ext=$(tr 'A-Z' 'a-z' <<<"$format")
    check "member detailed exportType $format" \
        "$(entries_seen ALICE POST "$D" "{$RANGE_JSON,\"exportType\":\"$format\"}" "$ext")" "$ALICE_ONLY"
done

# Every filter that names bob's data, explicitly or by exclusion, must not reveal his entries.
for filter in \
    "\"users\":{\"ids\":[\"${USERS[BOB]}\"]}" \
    "\"users\":{\"ids\":[\"${USERS[BOB]}\",\"${USERS[OWNER]}\"],\"contains\":\"CONTAINS\"}" \
    "\"users\":{\"ids\":[\"${USERS[ALICE]}\"],\"contains\":\"DOES_NOT_CONTAIN\"}" \
    "\"users\":{\"ids\":[\"NONE\"]}" \
    "\"users\":{\"ids\":[\"${USERS[BOB]}\"],\"status\":\"ALL\"}" \
    "\"projects\":{\"ids\":[\"$BOB_PROJECT\"]}" \
    "\"tags\":{\"ids\":[\"$BOB_TAG\"],\"containedInTimeentry\":\"CONTAINS\"}" \
    "\"tags\":{\"ids\":[\"$BOB_TAG\"],\"containedInTimeentry\":\"CONTAINS_ONLY\"}" \
    "\"description\":\"entry-of-bob\"" \
    "\"billable\":true" \
    "\"detailedFilter\":{\"pageSize\":1000,\"sortColumn\":\"USER\"}"; do
    for kind in detailed summary weekly; do
        body="{$RANGE_JSON,$filter"
        case $kind in
        summary) body="$body,\"summaryFilter\":{\"groups\":[\"USER\",\"TIMEENTRY\"]}}" ;;
        weekly) body="{\"dateRangeStart\":\"2026-01-05T00:00:00Z\",\"dateRangeEnd\":\"2026-01-11T23:59:59Z\",$filter,\"weeklyFilter\":{\"group\":\"USER\"}}" ;;
        *) body="$body}" ;;
        esac
        leaked=$(entries_seen ALICE POST "/v1/workspaces/$WS_A/reports/$kind" "$body" json | leaks)
        check "member $kind with ${filter:0:60} shows only its own" "$leaked" 0
    done
done

check "member summary by user" \
    "$(entries_seen ALICE POST "/v1/workspaces/$WS_A/reports/summary" "{$RANGE_JSON,\"summaryFilter\":{\"groups\":[\"USER\",\"TIMEENTRY\"]}}" json)" \
    "entry-of-alice-1 entry-of-alice-2 user:ALICE"
check "member summary totals are its own" \
    "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["totals"][0]["totalTime"])' "$TEST_TMP/body")" 5400
for ext in csv xlsx; do
    check "member summary $ext" \
        "$(entries_seen ALICE GET "/v1/workspaces/$WS_A/reports/summary.$ext?$RANGE_QUERY&groups=USER,TIMEENTRY&users=${USERS[BOB]}" "" "$ext" | leaks)" 0
    check "member weekly $ext" \
        "$(entries_seen ALICE GET "/v1/workspaces/$WS_A/reports/weekly.$ext?start=2026-01-05&end=2026-01-11&group=USER" "" "$ext")" "user:ALICE"
done
check "member weekly by project" \
    "$(api POST "/v1/workspaces/$WS_A/reports/weekly" "${KEYS[ALICE]}" "{\"dateRangeStart\":\"2026-01-05T00:00:00Z\",\"dateRangeEnd\":\"2026-01-11T23:59:59Z\",\"weeklyFilter\":{\"group\":\"PROJECT\"}}") $(grep -c 'Bob only' "$TEST_TMP/body")" "200 0"
check "member weekly totals are its own" \
    "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["totals"][0]["totalTime"])' "$TEST_TMP/body")" 5400
check "bob sees only bob" "$(entries_seen BOB POST "$D" "{$RANGE_JSON}" json)" "entry-of-bob user:BOB"

# --- Archive and export jobs: OWNER and ADMIN only. ---
route_exists() {
    local status
    status=$(api GET "$1" "${KEYS[OWNER]}")
    ! { [ "$status" = 404 ] && grep -q 'no such resource in this workspace' "$TEST_TMP/body"; }
}
if route_exists "/v1/workspaces/$WS_A/archive.zip"; then
    # A MEMBER either gets 403 or an archive of its own entries only.
    status=$(api GET "/v1/workspaces/$WS_A/archive.zip" "${KEYS[ALICE]}")
    if [ "$status" = 200 ]; then
        check "member archive holds only its own entries" \
            "$(unzip -p "$TEST_TMP/body" 2>/dev/null | grep -a -o -e 'entry-of-[a-z0-9-]*' -e 'Secret B' | sort -u | tr '\n' ' ')" \
            "entry-of-alice-1 entry-of-alice-2 "
    else
        check "member archive is 403" "$status" 403
        check "member archive error leaks nothing" "$(grep -c -o 'entry-of-' "$TEST_TMP/body")" 0
    fi
    for role in OWNER ADMIN; do
        status=$(api GET "/v1/workspaces/$WS_A/archive.zip" "${KEYS[$role]}")
        check "$role archive status" "$status" 200
        if [ "$status" = 200 ]; then
            unzip -p "$TEST_TMP/body" detailed-report.csv >"$TEST_TMP/archive.csv" 2>/dev/null
            check "$role archive holds every entry of A and none of B" \
                "$(grep -o 'entry-of-[a-z0-9-]*' "$TEST_TMP/archive.csv" | sort -u | tr '\n' ' ')" "$ALL_A "
            check "$role archive data files hold nothing of B" \
                "$(unzip -p "$TEST_TMP/body" 'data/*' 2>/dev/null | grep -c -e 'entry-of-workspace-b' -e 'Secret B')" 0
        fi
    done
else
    echo "SKIP archive checks: GET .../archive.zip is not routed yet"
fi

if route_exists "/v1/workspaces/$WS_A/export-jobs"; then
    JOBS="/v1/workspaces/$WS_A/export-jobs"
    JOB='{"name":"isolation","report":"DETAILED","format":"CSV","request":{},"schedule":{"kind":"DAILY","time":"06:00","timeZone":"UTC"},"range":"PREVIOUS_DAY","folder":"isolation"}'
    check "member lists jobs: 403" "$(api GET "$JOBS" "${KEYS[ALICE]}")" 403
    check "member creates a job: 403" "$(api POST "$JOBS" "${KEYS[ALICE]}" "$JOB")" 403
    status=$(api POST "$JOBS" "${KEYS[OWNER]}" "$JOB")
    check "owner creates a job" "$(cut -c1 <<<"$status")" 2
    JOB_ID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1])).get("id",""))' "$TEST_TMP/body" 2>/dev/null)
    check "admin lists jobs" "$(api GET "$JOBS" "${KEYS[ADMIN]}")" 200
    if [ -n "$JOB_ID" ]; then
        check "member reads a job: 403" "$(api GET "$JOBS/$JOB_ID" "${KEYS[ALICE]}")" 403
        check "member reads runs: 403" "$(api GET "$JOBS/$JOB_ID/runs" "${KEYS[ALICE]}")" 403
        check "member deletes a job: 403" "$(api DELETE "$JOBS/$JOB_ID" "${KEYS[ALICE]}")" 403
        check "other workspace reads the job through its own path: 404" \
            "$(api GET "/v1/workspaces/$WS_B/export-jobs/$JOB_ID" "${KEYS[B_OWNER]}")" 404
        check "other workspace deletes the job through its own path: 404" \
            "$(api DELETE "/v1/workspaces/$WS_B/export-jobs/$JOB_ID" "${KEYS[B_OWNER]}")" 404
        check "other workspace reads the job's runs: 404" \
            "$(api GET "/v1/workspaces/$WS_B/export-jobs/$JOB_ID/runs" "${KEYS[B_OWNER]}")" 404
        check "the job survives" "$(api GET "$JOBS/$JOB_ID" "${KEYS[OWNER]}")" 200
        check "other workspace's list is empty of it" \
            "$(api GET "/v1/workspaces/$WS_B/export-jobs" "${KEYS[B_OWNER]}") $(grep -c '"isolation"' "$TEST_TMP/body")" "200 0"
    fi
else
    echo "SKIP export job checks: .../export-jobs is not routed yet"
fi

# --- The log: no key, and control bytes of paths escaped. ---
LOG="$REPORTD_STACK_DIR/log/reportd.log"
for path in "/v1/workspaces/$WS_A/ctl%01%1b%5b31m%7fend" "/v1/workspaces/$WS_A/line%0d%0aINFO%20forged" \
    "/v1/workspaces/$WS_A/tab%09quote%22back%5c"; do
    api GET "$path" "${KEYS[OWNER]}" >/dev/null
done
sleep 0.3
check "escaped control bytes logged" "$(grep -c -F "$WS_A/ctl\\x01\\x1b[31m\\x7fend" "$LOG")" 1
check "escaped CRLF logged" "$(grep -c -F "$WS_A/line\\x0d\\x0aINFO forged" "$LOG")" 1
check "escaped tab, quote and backslash logged" "$(grep -c -F "$WS_A/tab\\x09quote\\x22back\\x5c" "$LOG")" 1
check "no line starts with the forged text" "$(grep -c '^INFO forged' "$LOG")" 0
check "no raw control byte in the log" \
    "$(LC_ALL=C grep -c -P '[\x00-\x08\x0b-\x1f\x7f]' "$LOG")" 0
for role in OWNER ADMIN ALICE BOB B_OWNER; do
    check "$role key never logged" "$(grep -c -F "${KEYS[$role]}" "$LOG")" 0
done
finish
