#!/usr/bin/env bash
# Health, authentication, routing and error bodies through nginx.
. "$(dirname "$0")/lib.sh"

read -r WS KEY < <(new_workspace "backbone-$$")
read -r OTHER_WS OTHER_KEY < <(new_workspace "backbone-other-$$")

status=$(curl -s -o "$TEST_TMP/health" -w '%{http_code}' "$REPORTD_URL/healthz")
check "healthz status" "$status" 200
check "healthz body" "$(cat "$TEST_TMP/health")" '{"status":"ok"}'

path="/v1/workspaces/$WS/reports/detailed.json?start=2026-01-01&end=2026-01-31"
check "no key is 401" "$(api GET "$path" "")" 401
check "401 body names the header" \
    "$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["code"], "X-Api-Key" in d["message"])' "$TEST_TMP/body")" \
    "401 True"
check "unknown key is 401" "$(api GET "$path" "rpd_0000000000000000000000000000000000000000")" 401
check "short key is 401" "$(api GET "$path" "nope")" 401
check "own workspace is 200" "$(api GET "$path" "$KEY")" 200
check "other workspace is 404" "$(api GET "/v1/workspaces/$OTHER_WS/reports/detailed.json?start=2026-01-01&end=2026-01-31" "$KEY")" 404
check "404 body" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["message"])' "$TEST_TMP/body")" \
    "workspace not found"
check "missing workspace is 404" "$(api GET "/v1/workspaces/999999999/reports/detailed.json" "$KEY")" 404
check "unknown path is 404" "$(api GET "/nothing/here" "$KEY")" 404
check "unknown report is 404" "$(api GET "/v1/workspaces/$WS/reports/monthly.json" "$KEY")" 404
check "GET on the POST route is 405" "$(api GET "/v1/workspaces/$WS/reports/detailed" "$KEY")" 405
check "POST on healthz is 405" "$(api POST "/healthz" "$KEY" '{}')" 405

head -c 2097152 /dev/zero | tr '\0' 'a' >"$TEST_TMP/big.json"
status=$(curl -s -o "$TEST_TMP/body" -w '%{http_code}' -X POST -H "X-Api-Key: $KEY" \
    -H 'Content-Type: application/json' --data-binary "@$TEST_TMP/big.json" \
    "$REPORTD_URL/v1/workspaces/$WS/reports/detailed")
check "2 MiB body is 413" "$status" 413

check "malformed JSON is 400" "$(api POST "/v1/workspaces/$WS/reports/detailed" "$KEY" '{"dateRangeStart":')" 400
check "error body has code 400" "$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["code"])' "$TEST_TMP/body")" 400

headers=$(curl -s -D - -o /dev/null "$REPORTD_URL/healthz")
check "X-Request-Id header" "$(grep -ci '^x-request-id:' <<<"$headers")" 1

# One log line per request, without the key.
sleep 0.2
log=$REPORTD_STACK_DIR/log/reportd.log
check "request logged" "$(grep -c 'path="/healthz" status=200' "$log" | awk '{print ($1 > 0)}')" 1
check "key never logged" "$(grep -c "$KEY" "$log")" 0
finish
