#!/usr/bin/env bash
# A full disk: the temp folder and the export root on a 512 KiB tmpfs. An XLSX export gets a
# clear JSON error and leaves no file, CSV still streams, and a scheduled export fails its run
# with a clear error, keeps the older file and leaves no partial file.
. "$(dirname "$0")/lib.sh"
STACK_SOURCE=$REPORTD_SOURCE_DIR
. "$STACK_SOURCE/scripts/lib/stack.sh"

FULL=$TEST_TMP/full
mkdir -p "$FULL"
if ! mount -t tmpfs -o size=512k tmpfs "$FULL" 2>/dev/null; then
    echo "SKIP: cannot mount a small tmpfs here (needs root and permission to mount)"
    exit 77
fi
cleanup() {
    stack_nginx_stop 2>/dev/null
    stack_reportd_stop 2>/dev/null
    umount "$FULL" 2>/dev/null
    rm -rf "$TEST_TMP"
}
trap cleanup EXIT

NAME="disk-full-$$"
read -r WS KEY < <(new_workspace "$NAME")
sql -e "INSERT INTO users (email, name) VALUES ('disk-$$@example.com', 'Disk')"
user=$(sql -e "SELECT id FROM users WHERE email = 'disk-$$@example.com'")
sql -e "INSERT INTO memberships (workspace_id, user_id) VALUES ($WS, $user)"
sql -e "INSERT INTO time_entries (workspace_id, user_id, description, start_at, end_at)
        SELECT $WS, $user, CONCAT('entry ', seq, ' ', REPEAT('z', 200)),
               '2026-01-01' + INTERVAL seq MINUTE, '2026-01-01' + INTERVAL seq + 1 MINUTE
        FROM seq_1_to_20000"
refresh_totals

# A reportd and nginx of their own whose temp folder is the full disk.
mkdir -p "$TEST_TMP/stack/run" "$TEST_TMP/stack/log"
sed -e "s|^listen = .*|listen = $TEST_TMP/stack/run/reportd.sock|" \
    -e "s|^temp_dir = .*|temp_dir = $FULL|" -e "s|^export_root = .*|export_root = $FULL|" \
    "$REPORTD_CONFIG" >"$TEST_TMP/stack/reportd.conf"
STACK_DIR=$TEST_TMP/stack
STACK_BUILD=$REPORTD_BUILD_DIR
STACK_HTTP_PORT=$(stack_free_port)
ASAN_OPTIONS=detect_leaks=0 stack_reportd_start
stack_nginx_start
URL="http://127.0.0.1:$STACK_HTTP_PORT/v1/workspaces/$WS/reports"

status=$(curl -s -o "$TEST_TMP/xlsx.json" -w '%{http_code}' -H "X-Api-Key: $KEY" \
    "$URL/detailed.xlsx?start=2026-01-01&end=2026-01-31")
check "XLSX on a full disk is a server error" "$status" 500
check "the error names the temp folder and free space" \
    "$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1]))["message"]; print("temp_dir" in m and "free space" in m)' "$TEST_TMP/xlsx.json")" \
    True
check "no file left on the full disk" "$(find "$FULL" -type f | wc -l)" 0
held=0
for pid in $(pgrep -P "$(cat "$STACK_DIR/run/reportd.pid")"); do
    held=$((held + $(ls -l "/proc/$pid/fd" 2>/dev/null | grep -cF "$FULL")))
done
check "no worker keeps a file open on the full disk" "$held" 0
check "the disk space is free again" "$(df -k --output=used "$FULL" | tail -n 1 | tr -d ' ')" 0
status=$(curl -s -o "$TEST_TMP/all.csv" -w '%{http_code}' -H "X-Api-Key: $KEY" \
    "$URL/detailed.csv?start=2026-01-01&end=2026-01-31")
check "CSV still streams" "$status $(grep -c '^"' "$TEST_TMP/all.csv")" "200 20001"
check "worker still serves" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$STACK_HTTP_PORT/healthz")" 200

# A scheduled export into the full export root: the run fails, the older file stays.
mkdir -p "$FULL/backups"
printf 'an older backup\n' >"$FULL/backups/older.csv"
ctl() { "$REPORTD_BUILD_DIR/reportctl" --config "$TEST_TMP/stack/reportd.conf" "$@"; }
ctl jobs add --workspace "$NAME" --name full --report detailed --format csv --schedule daily \
    --time 02:00 --range everything --folder backups --keep 3 >"$TEST_TMP/add.out" 2>&1
check "job added" "$?" 0
sql -e "UPDATE export_jobs SET next_run_at = NOW() - INTERVAL 1 MINUTE WHERE workspace_id = $WS"
ctl jobs run-due --workspace "$NAME" >"$TEST_TMP/run.out" 2>&1
check "run-due reports the failed run" "$?" 1
# A failed attempt waits for its retry (PENDING with next_retry_at) until the last attempt.
check "run recorded as failed, retry scheduled" "$(sql -e "SELECT CONCAT(r.status, ' ', r.next_retry_at IS NOT NULL) FROM export_runs r JOIN export_jobs j ON j.id = r.job_id WHERE j.workspace_id = $WS ORDER BY r.id DESC LIMIT 1")" "PENDING 1"
error=$(sql -e "SELECT r.error_text FROM export_runs r JOIN export_jobs j ON j.id = r.job_id WHERE j.workspace_id = $WS ORDER BY r.id DESC LIMIT 1")
echo "     run error: $error"
check "error says the disk is full" "$(grep -ci 'space' <<<"$error" | awk '{print ($1 > 0)}')" 1
check "older file kept" "$(cat "$FULL/backups/older.csv")" "an older backup"
check "no partial file" "$(find "$FULL" -type f ! -name older.csv | wc -l)" 0
finish
