#!/usr/bin/env bash
# Process faults: a killed worker is replaced, MariaDB going away turns /healthz into 503 and
# back without a restart, SIGHUP restarts workers one by one, SIGTERM lets a long download end.
. "$(dirname "$0")/lib.sh"
STACK_SOURCE=$REPORTD_SOURCE_DIR
. "$STACK_SOURCE/scripts/lib/stack.sh"

master=$(cat "$REPORTD_STACK_DIR/run/reportd.pid")
workers() { pgrep -P "$master" | sort; }
health() { curl -s -o /dev/null -w '%{http_code}' "$REPORTD_URL/healthz"; }

# A worker killed with SIGKILL is replaced and the next request succeeds.
before=$(workers)
victim=$(head -n 1 <<<"$before")
kill -KILL "$victim"
for _ in $(seq 1 50); do
    after=$(workers)
    [ "$(wc -l <<<"$after")" = "$(wc -l <<<"$before")" ] && ! grep -qx "$victim" <<<"$after" && break
    sleep 0.1
done
check "killed worker replaced" "$(grep -cx "$victim" <<<"$(workers)")" 0
check "worker count kept" "$(workers | wc -l)" "$(wc -l <<<"$before")"
check "request after the kill" "$(health)" 200
check "death logged" "$(grep -c "worker $victim killed by signal 9" "$REPORTD_STACK_DIR/log/reportd.log")" 1

# MariaDB stops: 503 with Retry-After; it starts again: 200 without restarting reportd.
STACK_DIR=$REPORTD_STACK_DIR
STACK_DB_PORT=$(cat "$STACK_DIR/db.port")
STACK_DB_PASSWORD=$REPORTD_DB_PASSWORD
stack_db_stop
for _ in 1 2 3 4; do
    code=$(health)
done
check "healthz while MariaDB is down" "$code" 503
headers=$(curl -s -D - -o "$TEST_TMP/down" "$REPORTD_URL/healthz")
check "Retry-After while down" "$(grep -ci '^retry-after:' <<<"$headers")" 1
check "503 body is JSON" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["code"])' "$TEST_TMP/down")" 503
stack_db_start >/dev/null 2>&1
started=$(date +%s.%N)
code=000
for _ in $(seq 1 40); do
    code=$(health)
    [ "$code" = 200 ] && break
    sleep 0.05
done
elapsed=$(python3 -c "import time; print(time.time() - $started < 2.0)")
check "healthz back to 200" "$code" 200
check "recovered within 2 s" "$elapsed" True
check "same master" "$(cat "$REPORTD_STACK_DIR/run/reportd.pid")" "$master"
for _ in 1 2 3 4 5 6; do code=$(health); [ "$code" = 200 ] || break; done
check "every worker reconnected" "$code" 200

# SIGHUP: every worker is replaced, one by one, and requests keep succeeding.
before=$(workers)
kill -HUP "$master"
failures=0
for _ in $(seq 1 30); do
    [ "$(health)" = 200 ] || failures=$((failures + 1))
    sleep 0.1
done
after=$(workers)
check "no failed request during SIGHUP" "$failures" 0
check "all workers replaced" "$(comm -12 <(echo "$before") <(echo "$after") | grep -c .)" 0
check "worker count after SIGHUP" "$(wc -l <<<"$after")" "$(wc -l <<<"$before")"

# SIGTERM during a long download: a separate reportd and nginx, so the shared ones keep going.
read -r WS KEY < <(new_workspace "faults-$$")
sql -e "INSERT INTO users (email, name) VALUES ('worker-$$@example.com', 'Worker')"
user=$(sql -e "SELECT id FROM users WHERE email = 'worker-$$@example.com'")
sql -e "INSERT INTO memberships (workspace_id, user_id) VALUES ($WS, $user)"
sql -e "INSERT INTO time_entries (workspace_id, user_id, description, start_at, end_at)
        SELECT $WS, $user, CONCAT('entry ', seq, ' ', REPEAT('x', 200)),
               '2026-01-01' + INTERVAL seq MINUTE, '2026-01-01' + INTERVAL seq + 1 MINUTE
        FROM seq_1_to_20000"
refresh_totals
mkdir -p "$TEST_TMP/stack/run" "$TEST_TMP/stack/log"
sed -e "s|^listen = .*|listen = $TEST_TMP/stack/run/reportd.sock|" "$REPORTD_CONFIG" \
    >"$TEST_TMP/stack/reportd.conf"
STACK_DIR=$TEST_TMP/stack
STACK_BUILD=$REPORTD_BUILD_DIR
STACK_HTTP_PORT=$(stack_free_port)
ASAN_OPTIONS=detect_leaks=0 stack_reportd_start
stack_nginx_start
url="http://127.0.0.1:$STACK_HTTP_PORT/v1/workspaces/$WS/reports/detailed.csv?start=2026-01-01&end=2026-01-31"
# Four downloads on two workers: two are served and two wait in the socket's queue when
# SIGTERM arrives. All four must finish whole.
pids=()
for n in 1 2 3 4; do
    curl -s --limit-rate 3000k -H "X-Api-Key: $KEY" -o "$TEST_TMP/long-$n.csv" "$url" &
    pids+=($!)
done
sleep 1
kill -TERM "$(cat "$STACK_DIR/run/reportd.pid")"
for n in 1 2 3 4; do
    wait "${pids[$((n - 1))]}"
    check "download $n finished cleanly after SIGTERM" "$?" 0
    check "download $n has every row" "$(grep -c '^"' "$TEST_TMP/long-$n.csv")" 20001
done
stack_nginx_stop
stack_reportd_stop
finish
