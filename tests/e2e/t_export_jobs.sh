#!/usr/bin/env bash
# Scheduled export jobs through nginx: create, list, get, runs and delete. MEMBER keys and
# folders that leave the export root are rejected. `reportctl jobs run-due` writes the file and
# its run record, and `reportctl export` writes the same CSV as the API.
. "$(dirname "$0")/lib.sh"

if reportctl jobs list 2>&1 | grep -q "unknown command"; then
    echo "SKIP: reportctl jobs is not wired into reportctl_main.c yet"
    exit 77
fi

NAME="jobs-$$"
read -r WS KEY < <(new_workspace "$NAME" Europe/Berlin)
MEMBER_KEY=$(reportctl apikey create --workspace "$NAME" --user "member-$WS@example.com" \
    --role MEMBER)
EXPORTS=$(sed -n 's/^export_root *= *//p' "$REPORTD_CONFIG")
BASE="/v1/workspaces/$WS/export-jobs"

# Three entries in January 2026 (one crossing midnight in Berlin), one still running.
OWNER=$(sql -e "SELECT user_id FROM memberships WHERE workspace_id = $WS AND role = 'OWNER'")
sql -e "INSERT INTO projects (workspace_id, name, hourly_rate) VALUES ($WS, 'Apollo', 5000)"
PROJECT=$(sql -e "SELECT id FROM projects WHERE workspace_id = $WS")
sql -e "INSERT INTO time_entries (workspace_id, user_id, project_id, description, start_at,
        end_at, billable, hourly_rate) VALUES
        ($WS, $OWNER, $PROJECT, 'Design review', '2026-01-05 08:00:00', '2026-01-05 09:30:00', 1, 5000),
        ($WS, $OWNER, NULL, 'Late, \"quoted\" work', '2026-01-12 22:30:00', '2026-01-13 00:15:00', 0, 0),
        ($WS, $OWNER, $PROJECT, '=SUM(A1)', '2026-01-20 12:00:00', '2026-01-20 12:45:00', 1, 5000),
        ($WS, $OWNER, $PROJECT, 'running', '2026-01-21 12:00:00', NULL, 1, 5000)"
refresh_totals

job_body() { # job_body FOLDER [TIME] [REQUEST]
    local folder=$1 time=${2:-02:30} request=${3:-'{}'}
    printf '{"name":"nightly","report":"DETAILED","format":"CSV","request":%s,' "$request"
    printf '"schedule":{"kind":"DAILY","time":"%s","timeZone":"Europe/Berlin"},' "$time"
    printf '"range":"EVERYTHING","folder":"%s","keep":2}' "$folder"
}
json() { python3 -c "import json,sys; d=json.load(open('$TEST_TMP/body')); print($1)"; }

# ---- the API ----
check "empty list" "$(api GET "$BASE" "$KEY")" 200
check "empty list body" "$(cat "$TEST_TMP/body")" "[]"
check "create is 201" "$(api POST "$BASE" "$KEY" "$(job_body "team-$$/nightly")")" 201
JOB=$(json 'd["id"]')
check "created job's folder" "$(json 'd["folder"]')" "team-$$/nightly"
check "created job's schedule" "$(json 'd["schedule"]["time"], d["schedule"]["timeZone"]')" \
    "02:30 Europe/Berlin"
check "next run is in the future" \
    "$(json 'd["nextRunAt"] > __import__("time").strftime("%Y-%m-%dT%H:%M:%SZ", __import__("time").gmtime())')" \
    True
check "folder was created" "$([ -d "$EXPORTS/team-$$/nightly" ] && echo yes)" yes
check "list has the job" "$(api GET "$BASE" "$KEY")" 200
check "list body" "$(json '[j["id"] for j in d]')" "[$JOB]"
check "get is 200" "$(api GET "$BASE/$JOB" "$KEY")" 200
check "get body" "$(json 'd["name"], d["range"], d["keep"]')" "nightly EVERYTHING 2"
check "no runs yet" "$(api GET "$BASE/$JOB/runs" "$KEY")" 200
check "runs body" "$(cat "$TEST_TMP/body")" "[]"
check "unknown job is 404" "$(api GET "$BASE/999999999" "$KEY")" 404
check "PUT is 405" "$(api PUT "$BASE/$JOB" "$KEY" '{}')" 405

check "MEMBER list is 403" "$(api GET "$BASE" "$MEMBER_KEY")" 403
check "403 is JSON" "$(json 'd["code"]')" 403
check "MEMBER create is 403" "$(api POST "$BASE" "$MEMBER_KEY" "$(job_body member)")" 403
check "MEMBER delete is 403" "$(api DELETE "$BASE/$JOB" "$MEMBER_KEY")" 403

check "'..' folder is 400" "$(api POST "$BASE" "$KEY" "$(job_body "../outside")")" 400
check "'..' names the folder" "$(json 'd["field"]')" folder
check "absolute folder is 400" "$(api POST "$BASE" "$KEY" "$(job_body "/etc")")" 400
ln -s /tmp "$EXPORTS/link-$$"
check "symlink folder is 400" "$(api POST "$BASE" "$KEY" "$(job_body "link-$$")")" 400
check "symlink message" "$(json '"symbolic link" in d["message"]')" True
check "folder below a symlink is 400" "$(api POST "$BASE" "$KEY" "$(job_body "link-$$/sub")")" 400
check "nothing created through the link" "$([ -e "/tmp/sub" ] && echo yes || echo no)" no
rm -f "$EXPORTS/link-$$"
check "bad time is 400" "$(api POST "$BASE" "$KEY" "$(job_body ok 25:00)")" 400
check "bad time field" "$(json 'd["field"]')" schedule.time
check "unknown project is 400" \
    "$(api POST "$BASE" "$KEY" "$(job_body ok 02:30 '{"projects":{"ids":["999999999"]}}')")" 400
check "unknown project field" "$(json 'd["field"].startswith("request.projects")')" True
check "malformed JSON is 400" "$(api POST "$BASE" "$KEY" '{"name":')" 400
check "still one job" "$(api GET "$BASE" "$KEY" >/dev/null; json 'len(d)')" 1

# ---- run-due ----
sql -e "UPDATE export_jobs SET next_run_at = UTC_TIMESTAMP() - INTERVAL 1 MINUTE WHERE id = $JOB"
reportctl jobs run-due --workspace "$NAME" >"$TEST_TMP/run-due.out" 2>&1
check "run-due exit status" "$?" 0
# A scheduler process of the stack may have taken the run first; either way one run succeeds.
for _ in $(seq 1 50); do
    api GET "$BASE/$JOB/runs" "$KEY" >/dev/null
    [ "$(json 'len(d) and d[0]["status"]')" == SUCCEEDED ] && break
    sleep 0.2
done
check "one run" "$(json 'len(d)')" 1
check "run succeeded" "$(json 'd[0]["status"], d[0]["attempt"]')" "SUCCEEDED 1"
check "run rows (the running entry is left out)" "$(json 'd[0]["rows"]')" 3
FILE=$(json 'd[0]["fileName"]')
OUT="$EXPORTS/team-$$/nightly/$FILE"
check "file exists" "$([ -f "$OUT" ] && echo yes)" yes
check "run bytes" "$(json 'd[0]["bytes"]')" "$(stat -c %s "$OUT" 2>/dev/null)"
check "run sha256" "$(json 'd[0]["sha256"]')" "$(sha256sum "$OUT" 2>/dev/null | cut -d' ' -f1)"
check "no temporary files" "$(find "$EXPORTS/team-$$" -name '.*' -type f | wc -l)" 0
check "next run moved on" "$(sql -e "SELECT next_run_at > UTC_TIMESTAMP() FROM export_jobs WHERE id = $JOB")" 1

# The job's file is byte for byte the API's CSV of the same entries.
check "API CSV" "$(api GET "/v1/workspaces/$WS/reports/detailed.csv?start=2026-01-01&end=2026-01-31" "$KEY")" 200
cp "$TEST_TMP/body" "$TEST_TMP/api.csv"
check "job file equals the API CSV" "$(cmp -s "$OUT" "$TEST_TMP/api.csv" && echo same)" same

# ---- reportctl export ----
reportctl export --workspace "$NAME" --report detailed --format csv --from 2026-01-01 \
    --to 2026-01-31 --output "$TEST_TMP/cli.csv" >"$TEST_TMP/export.out" 2>"$TEST_TMP/export.err"
check "export exit status" "$?" 0
check "export CSV equals the API CSV" "$(cmp -s "$TEST_TMP/cli.csv" "$TEST_TMP/api.csv" && echo same)" same
check "export CSV rows" "$(grep -c $'\r$' "$TEST_TMP/cli.csv")" 4
check "no progress bar without a terminal" "$(wc -c <"$TEST_TMP/export.err")" 0
check "export reports rows" "$(grep -c ': 3 rows' "$TEST_TMP/export.out")" 1
reportctl export --workspace "$NAME" --report summary --format xlsx --from 2026-01-01 \
    --to 2026-01-31 --output "$TEST_TMP/summary.xlsx" >/dev/null 2>&1
check "summary XLSX export" "$(head -c 2 "$TEST_TMP/summary.xlsx" 2>/dev/null)" PK
reportctl export --workspace "$NAME" --report detailed --format pdf --from 2026-01-01 \
    --to 2026-01-31 --output "$TEST_TMP/x.pdf" >/dev/null 2>&1
check "unknown format is a usage error" "$?" 2
reportctl export --workspace "$NAME" --report detailed --format csv --from 2026-01-01 \
    --to 2026-01-31 --output "$TEST_TMP/missing-folder/x.csv" >/dev/null 2>&1
check "missing output folder is bad input" "$?" 1

# ---- delete ----
check "delete is 204" "$(api DELETE "$BASE/$JOB" "$KEY")" 204
check "deleted job is 404" "$(api GET "$BASE/$JOB" "$KEY")" 404
check "delete again is 404" "$(api DELETE "$BASE/$JOB" "$KEY")" 404
check "runs went with the job" "$(sql -e "SELECT COUNT(*) FROM export_runs WHERE job_id = $JOB")" 0
check "the file stays" "$([ -f "$OUT" ] && echo yes)" yes
rm -rf "${EXPORTS:?}/team-$$"
finish
