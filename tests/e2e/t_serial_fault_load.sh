#!/usr/bin/env bash
# Faults under load, through nginx: a worker killed mid-download, many abandoned downloads, a
# temp folder that cannot be written, MariaDB killed while requests run, SIGHUP under load.
# SPDX-License-Identifier: MIT
. "$(dirname "$0")/lib.sh"
STACK_SOURCE=$REPORTD_SOURCE_DIR
. "$STACK_SOURCE/scripts/lib/stack.sh"
STACK_DIR=$REPORTD_STACK_DIR
STACK_DB_PORT=$(cat "$STACK_DIR/db.port")
STACK_DB_PASSWORD=$REPORTD_DB_PASSWORD
TEMP_DIR=$STACK_DIR/tmp

# Puts the temp folder back if a check below left it replaced by a file.
restore_temp_dir() {
    if [ -d "$TEMP_DIR.saved" ]; then
        rm -f "$TEMP_DIR"
        mv "$TEMP_DIR.saved" "$TEMP_DIR"
    fi
}
trap 'restore_temp_dir; rm -rf "$TEST_TMP"' EXIT

master=$(cat "$STACK_DIR/run/reportd.pid")

# Prints the socket inodes ("socket:[N]") that the process $1 has open, one a line.
sockets_of() {
    find "/proc/$1/fd" -mindepth 1 -maxdepth 1 -printf '%l\n' 2>/dev/null | grep '^socket:' | sort
}

# Prints the worker pids, sorted. The master's children are the workers and the scheduler; the
# workers are the ones that hold the master's listening socket (the scheduler closes it).
workers() {
    local listen child
    listen=$(sockets_of "$master")
    for child in $(pgrep -P "$master"); do
        [ -n "$(comm -12 <(echo "$listen") <(sockets_of "$child"))" ] && echo "$child"
    done | sort -n
}

# Prints the worker that is serving a request while the others are idle. An idle worker has
# the listening socket and at most its MariaDB connection open. The busy one also has the
# FastCGI connection that it accepted from nginx, so it has strictly more sockets than every
# other worker (no other request runs while this is called). Prints nothing when no worker
# has more sockets than the rest.
busy_worker() {
    local pid count best="" best_count=0 second=0
    for pid in $(workers); do
        count=$(sockets_of "$pid" | wc -l)
        if [ "$count" -gt "$best_count" ]; then
            second=$best_count
            best=$pid
            best_count=$count
        elif [ "$count" -gt "$second" ]; then
            second=$count
        fi
    done
    [ "$best_count" -gt "$second" ] && echo "$best"
}

health() { curl -s -m 10 -o /dev/null -w '%{http_code}' "$REPORTD_URL/healthz"; }

read -r WS KEY < <(new_workspace "fault-load-$$")
user=$(sql -e "SELECT id FROM users WHERE email = 'owner-$WS@example.com'")
sql -e "INSERT INTO time_entries (workspace_id, user_id, description, start_at, end_at, billable)
        SELECT $WS, $user, CONCAT('bulk ', seq, ' ', REPEAT('z', 250)),
               '2026-03-01' + INTERVAL seq MINUTE, '2026-03-01' + INTERVAL seq + 1 MINUTE, 1
        FROM seq_1_to_30000"
refresh_totals
sql -e "INSERT INTO time_entries (workspace_id, user_id, description, start_at, end_at)
        VALUES ($WS, $user, 'small', '2026-01-05 09:00:00', '2026-01-05 10:00:00')"
refresh_totals
BASE="/v1/workspaces/$WS/reports"
# The billable and description filters make the export's SQL text unique among the queries
# of this stack, so PROCESSLIST shows whether one still runs.
BIG="$REPORTD_URL$BASE/detailed.csv?start=2026-03-01&end=2026-03-31&billable=true&description=bulk"
BIG_XLSX="$REPORTD_URL$BASE/detailed.xlsx?start=2026-03-01&end=2026-03-31&billable=true&description=bulk"
MINE="INFO LIKE '%e.billable = 1 AND e.description LIKE%' AND ID <> CONNECTION_ID()"
SMALL="$REPORTD_URL$BASE/detailed.json?start=2026-01-01&end=2026-01-31"
small() { curl -s -m 10 -o /dev/null -w '%{http_code}' -H "X-Api-Key: $KEY" "$SMALL"; }
export_queries() { sql -e "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE $MINE"; }
left_xlsx() { find "$STACK_DIR" -name 'reportd-*.xlsx' | wc -l; }

check "small report before the faults" "$(small)" 200

# 1. SIGKILL of the worker serving a large CSV: the transfer breaks, a replacement appears,
#    and the other worker serves requests meanwhile.
before=$(workers)
curl -s --limit-rate 500k -H "X-Api-Key: $KEY" -o "$TEST_TMP/killed.csv" "$BIG" &
curl_pid=$!
victim=""
for _ in $(seq 1 50); do
    [ -s "$TEST_TMP/killed.csv" ] && victim=$(busy_worker)
    [ -n "$victim" ] && break
    sleep 0.1
done
check "serving worker found" "$([ -n "$victim" ] && echo found)" found
[ -n "$victim" ] && kill -KILL "$victim"
check "healthz while the worker is replaced" "$(health)" 200
check "small report while the worker is replaced" "$(small)" 200
wait "$curl_pid"
curl_status=$?
check "curl reports the broken transfer" \
    "$([ "$curl_status" != 0 ] && echo broken || echo "clean ($curl_status)")" broken
check "short file" "$([ "$(wc -l <"$TEST_TMP/killed.csv")" -lt 30001 ] && echo short)" short
after=""
for _ in $(seq 1 50); do
    after=$(workers)
    [ "$(wc -l <<<"$after")" = "$(wc -l <<<"$before")" ] && ! grep -qx "$victim" <<<"$after" && break
    sleep 0.1
done
check "killed worker gone" "$(grep -cx "$victim" <<<"$after")" 0
check "replacement worker started" "$(wc -l <<<"$after")" "$(wc -l <<<"$before")"
check "healthz after the kill" "$(health)" 200
check "small report after the kill" "$(small)" 200

# 2. 100 abandoned downloads, ten of them XLSX: no query left running, no temp file left,
#    no worker lost.
before=$(workers)
abandon() {
    curl -s -N -H "X-Api-Key: $KEY" "$1" | head -c 100000 >/dev/null
}
for round in $(seq 1 25); do
    for slot in 1 2 3 4; do
        if [ $(((round * 4 + slot) % 10)) = 0 ]; then
            abandon "$BIG_XLSX" &
        else
            abandon "$BIG" &
        fi
    done
    wait
done
running=1
for _ in $(seq 1 30); do
    running=$(export_queries)
    [ "$running" = 0 ] && break
    sleep 0.1
done
check "no export query left after 100 abandoned downloads" "$running" 0
check "no XLSX left in the temp folder" "$(left_xlsx)" 0
check "same workers after abandoned downloads" "$(workers | tr '\n' ' ')" "$(tr '\n' ' ' <<<"$before")"
check "full export after abandoned downloads" \
    "$(curl -s -H "X-Api-Key: $KEY" "$BIG" | wc -l)" 30001

# 3. The temp folder replaced by a file (chmod does not stop root): XLSX gets a JSON 5xx that
#    names the temp folder and nothing is left behind, while CSV still works. With the folder
#    back, XLSX works again.
mv "$TEMP_DIR" "$TEMP_DIR.saved"
touch "$TEMP_DIR"
XLSX="$REPORTD_URL$BASE/detailed.xlsx?start=2026-01-01&end=2026-01-31"
status=$(curl -s -m 30 -o "$TEST_TMP/xlsx-error" -w '%{http_code}' -H "X-Api-Key: $KEY" "$XLSX")
check "XLSX without a temp folder is a server error" \
    "$([ "$status" -ge 500 ] && [ "$status" -le 599 ] && [ "$status" != 503 ] && echo 5xx || echo "$status")" 5xx
error=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
print(d["code"], d["message"])' "$TEST_TMP/xlsx-error" 2>/dev/null) || error="not JSON: $(head -c 200 "$TEST_TMP/xlsx-error")"
echo "     XLSX error: $error"
check "error is JSON with its status" "${error%% *}" "$status"
check "error message names the temp folder" \
    "$(grep -Eqi 'temp(orary)? (folder|dir)' <<<"$error" && echo named || echo "$error")" named
for kind in summary weekly; do
    status=$(curl -s -m 30 -o "$TEST_TMP/xlsx-error" -w '%{http_code}' -H "X-Api-Key: $KEY" \
        "$REPORTD_URL$BASE/$kind.xlsx?start=2026-01-01&end=2026-01-31")
    check "$kind XLSX without a temp folder is a server error" \
        "$([ "$status" -ge 500 ] && [ "$status" -le 599 ] && [ "$status" != 503 ] && echo 5xx || echo "$status")" 5xx
done
check "temp path still an empty file" "$([ -f "$TEMP_DIR" ] && [ ! -s "$TEMP_DIR" ] && echo empty)" empty
check "no partial XLSX anywhere" "$(left_xlsx)" 0
check "no file left in the saved folder" "$(find "$TEMP_DIR.saved" -mindepth 1 | wc -l)" 0
status=$(curl -s -m 30 -o "$TEST_TMP/no-temp.csv" -w '%{http_code}' -H "X-Api-Key: $KEY" \
    "$REPORTD_URL$BASE/detailed.csv?start=2026-01-01&end=2026-01-31")
check "CSV without a temp folder" "$status $(wc -l <"$TEST_TMP/no-temp.csv")" "200 2"
restore_temp_dir
status=$(curl -s -m 30 -o "$TEST_TMP/back.xlsx" -w '%{http_code}' -H "X-Api-Key: $KEY" "$XLSX")
check "XLSX with the folder back" "$status $(head -c 2 "$TEST_TMP/back.xlsx")" "200 PK"
check "no XLSX left after the folder is back" "$(left_xlsx)" 0

# 5. SIGHUP during four parallel loops of report requests for 5 s: no request fails.
load_loop() {
    local end=$((SECONDS + 5)) code
    while [ "$SECONDS" -lt "$end" ]; do
        code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' -H "X-Api-Key: $KEY" "$SMALL")
        echo "$code"
    done
}
before=$(workers)
for n in 1 2 3 4; do
    load_loop >"$TEST_TMP/hup-$n.codes" &
done
sleep 1
kill -HUP "$master"
wait
total=$(cat "$TEST_TMP"/hup-*.codes | wc -l)
failed=$(cat "$TEST_TMP"/hup-*.codes | grep -vcx 200)
echo "     SIGHUP under load: $total requests, $failed failed"
check "requests during SIGHUP" "$([ "$total" -ge 20 ] && echo enough || echo "$total")" enough
check "no failed request during SIGHUP" "$failed" 0
after=$(workers)
check "all workers replaced after SIGHUP" "$(comm -12 <(echo "$before") <(echo "$after") | grep -c .)" 0
check "worker count after SIGHUP" "$(wc -l <<<"$after")" "$(wc -l <<<"$before")"

# 4. MariaDB killed while requests run: 503 with Retry-After and no hang during the outage.
#    After a restart, service resumes within 2 s of MariaDB accepting connections, with the
#    same reportd.

# Prints "STATUS SECONDS RETRY-AFTER-PRESENT" for one request.
probe() {
    local headers code took
    headers=$(curl -s -m 10 -D - -o /dev/null -w 'status=%{http_code} time=%{time_total}\n' \
        -H "X-Api-Key: $KEY" "$1")
    code=$(sed -n 's/^status=\([0-9]*\) .*/\1/p' <<<"$headers")
    took=$(sed -n 's/.* time=\([0-9.]*\)$/\1/p' <<<"$headers")
    echo "$code $took $(grep -ci '^retry-after:' <<<"$headers")"
}
outage_loop() {
    while [ ! -e "$TEST_TMP/outage.stop" ]; do
        probe "$REPORTD_URL/healthz"
        probe "$SMALL"
        sleep 0.05
    done
}
outage_loop >"$TEST_TMP/outage.log" &
loop_pid=$!
sleep 0.5
kill -KILL "$(cat "$STACK_DIR/run/mariadb.pid")"
for _ in $(seq 1 50); do
    kill -0 "$(cat "$STACK_DIR/run/mariadb.pid")" 2>/dev/null || break
    sleep 0.1
done
sleep 3
touch "$TEST_TMP/outage.stop"
wait "$loop_pid"
rm -f "$TEST_TMP/outage.stop"
echo "     during the outage: $(cut -d' ' -f1 "$TEST_TMP/outage.log" | sort | uniq -c | tr '\n' ' ')"
check "503 seen during the outage" "$(grep -c '^503 ' "$TEST_TMP/outage.log" | awk '{print ($1 > 0)}')" 1
check "only 200 or 503 during the outage" "$(grep -Evc '^(200|503) ' "$TEST_TMP/outage.log")" 0
check "every 503 has Retry-After" "$(grep -c '^503 .* 0$' "$TEST_TMP/outage.log")" 0
check "no request took 3 s or more" \
    "$(awk '$2 >= 3 { n++ } END { print n + 0 }' "$TEST_TMP/outage.log")" 0
stack_db_start >/dev/null 2>&1
answering=$(date +%s.%N)
ok=0
for _ in $(seq 1 40); do
    # Four requests in a row succeed, so a worker still without a connection would show.
    ok=1
    for _ in 1 2; do
        [ "$(health)" = 200 ] || ok=0
        [ "$(small)" = 200 ] || ok=0
    done
    [ "$ok" = 1 ] && break
    sleep 0.05
done
recovered=$(python3 -c "import time; print(round(time.time() - $answering, 2))")
echo "     service back ${recovered} s after MariaDB answered"
check "service back after the restart" "$ok" 1
check "back within 2 s" "$(python3 -c "print($recovered < 2.0)")" True
check "reportd not restarted" "$(cat "$STACK_DIR/run/reportd.pid") $(kill -0 "$master" && echo alive)" "$master alive"
finish
