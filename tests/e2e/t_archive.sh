#!/usr/bin/env bash
# Workspace archives through nginx and reportctl: download, restore under a new name, archive
# again and compare (detailed CSV byte for byte, data files after mapping ids), MEMBER archives,
# damaged archives and restore onto a workspace with data. Also round-trips every real export
# that `reportctl import` can load, when $REPORTD_REALDATA exists.
# SPDX-License-Identifier: MIT
. "$(dirname "$0")/lib.sh"


NAME="archive-e2e-$$"
if ! reportctl generate --workspace "$NAME" --entries 100000 --users 40 --projects 30 --seed 11 \
    --from 2025-01-01 --to 2025-06-30 >"$TEST_TMP/generate.log" 2>&1; then
    echo "FAIL - reportctl generate: $(tail -n 3 "$TEST_TMP/generate.log")"
    exit 1
fi
WS=$(sql -e "SELECT id FROM workspaces WHERE name = '$NAME'")
KEY=$(reportctl apikey create --workspace "$NAME" --user "archive-owner-$$@example.com" \
    --name "Archive Owner" --role OWNER)

# Compares two archives: detailed-report.csv byte for byte, data files after mapping the ids of
# the second onto the first (rows of users by email, of other tables by position), manifests
# apart from generatedAt, the workspace and the data files' hashes. Prints "same" or the first
# difference.
compare_archives() {
    python3 - "$1" "$2" <<'PY'
import csv, io, json, sys, zipfile
a, b = zipfile.ZipFile(sys.argv[1]), zipfile.ZipFile(sys.argv[2])
def rows(z, name):
    return list(csv.reader(io.StringIO(z.read(name).decode("utf-8"), newline="")))
if a.read("detailed-report.csv") != b.read("detailed-report.csv"):
    print("detailed-report.csv differs"); sys.exit()
own = {"workspaces": "workspace", "users": "user", "user_groups": "group", "clients": "client",
       "projects": "project", "tasks": "task", "tags": "tag", "time_entries": "entry"}
refs = {"workspace_id": "workspace", "user_id": "user", "group_id": "group", "client_id": "client",
        "project_id": "project", "task_id": "task", "tag_id": "tag", "entry_id": "entry"}
order = ["workspaces", "users", "memberships", "user_groups", "user_group_members", "clients",
         "projects", "project_members", "tasks", "tags", "time_entries", "entry_tags"]
maps = {}
for table in order:
    ra, rb = rows(a, "data/%s.csv" % table), rows(b, "data/%s.csv" % table)
    if ra[0] != rb[0] or len(ra) != len(rb):
        print("data/%s.csv: header or row count differs" % table); sys.exit()
    head = ra[0]
    if table in own:
        if table == "users":
            by_key = {(r[1], r[2]): r[0] for r in rb[1:]}
            maps["user"] = {r[0]: by_key.get((r[1], r[2])) for r in ra[1:]}
        else:
            maps[own[table]] = {x[0]: y[0] for x, y in zip(ra[1:], rb[1:])}
    def mapped(r):
        out = []
        for name, value in zip(head, r):
            if value == "\\N":
                out.append(value)
            elif name == "id":
                out.append(maps[own[table]].get(value))
            elif name in refs:
                out.append(maps[refs[name]].get(value))
            elif name == "tag_ids":
                out.append(",".join(sorted((maps["tag"][t] for t in value.split(",") if t),
                                           key=int)))
            elif table == "workspaces" and name == "name":
                out.append("")
            else:
                out.append(value)
        return out
    if sorted(map(mapped, ra[1:])) != sorted([r if table != "workspaces" else
                                              [v if n != "name" else "" for n, v in zip(head, r)]
                                              for r in rb[1:]]):
        print("data/%s.csv differs after mapping ids" % table); sys.exit()
ma, mb = json.loads(a.read("manifest.json")), json.loads(b.read("manifest.json"))
if ma["format"] != "reportd-archive" or ma["version"] != 1:
    print("manifest format or version"); sys.exit()
for fa, fb in zip(ma["files"], mb["files"]):
    if (fa["name"], fa["rows"]) != (fb["name"], fb["rows"]):
        print("manifest entry %s differs" % fa["name"]); sys.exit()
    if fa["name"] == "detailed-report.csv" and fa != fb:
        print("manifest entry of detailed-report.csv differs"); sys.exit()
print("same")
PY
}

# Over HTTP, as the OWNER.
headers=$(curl -s -D - -o "$TEST_TMP/http.zip" -H "X-Api-Key: $KEY" \
    "$REPORTD_URL/v1/workspaces/$WS/archive.zip")
check "archive.zip status" "$(head -n1 <<<"$headers" | awk '{print $2}')" 200
check "archive.zip content type" "$(grep -i '^content-type:' <<<"$headers" | tr -d '\r' | awk '{print $2}')" \
    "application/zip"
check "archive.zip is not buffered" "$(grep -ci '^x-accel-buffering: no' <<<"$headers")" 1
check "archive.zip is an attachment" "$(grep -ci '^content-disposition: attachment' <<<"$headers")" 1
check "archive.zip passes unzip -t" "$(unzip -tq "$TEST_TMP/http.zip" >/dev/null 2>&1; echo $?)" 0
entries=$(sql -e "SELECT COUNT(*) FROM time_entries WHERE workspace_id = $WS")
running=$(sql -e "SELECT COUNT(*) FROM time_entries WHERE workspace_id = $WS AND end_at IS NULL")
detailed_rows=$(python3 -c 'import json,sys,zipfile; m=json.loads(zipfile.ZipFile(sys.argv[1]).read("manifest.json")); print([f["rows"] for f in m["files"] if f["name"]=="detailed-report.csv"][0])' "$TEST_TMP/http.zip")
check "every entry is in detailed-report.csv, running ones too ($running)" "$detailed_rows" "$entries"

# Through reportctl: the same content apart from generatedAt.
check "reportctl archive" "$(reportctl archive --workspace "$NAME" --output "$TEST_TMP/a1.zip"; echo $?)" 0
check "no temporary file left" "$(ls "$TEST_TMP" | grep -c 'tmp-')" 0
check "HTTP and reportctl archives agree" "$(compare_archives "$TEST_TMP/http.zip" "$TEST_TMP/a1.zip")" same

# Restore under a new name and archive again.
COPY="$NAME-copy"
check "restore under a new name" "$(reportctl restore --workspace "$COPY" "$TEST_TMP/a1.zip" >/dev/null 2>&1; echo $?)" 0
check "archive of the copy" "$(reportctl archive --workspace "$COPY" --output "$TEST_TMP/a2.zip"; echo $?)" 0
check "restored archive equals the original" "$(compare_archives "$TEST_TMP/a1.zip" "$TEST_TMP/a2.zip")" same

# Damaged archives are rejected and nothing is written.
size=$(stat -c %s "$TEST_TMP/a1.zip")
head -c $((size - 100)) "$TEST_TMP/a1.zip" >"$TEST_TMP/cut.zip"
check "truncated archive rejected" "$(reportctl restore --workspace "$NAME-cut" "$TEST_TMP/cut.zip" 2>"$TEST_TMP/err"; echo $?)" 1
check "truncated: the message says so" "$(grep -c 'truncated' "$TEST_TMP/err")" 1
cp "$TEST_TMP/a1.zip" "$TEST_TMP/flip.zip"
python3 -c 'import sys; p=sys.argv[1]; d=bytearray(open(p,"rb").read()); d[len(d)//2]^=0x20; open(p,"wb").write(d)' "$TEST_TMP/flip.zip"
check "archive with a flipped byte rejected" "$(reportctl restore --workspace "$NAME-flip" "$TEST_TMP/flip.zip" 2>/dev/null; echo $?)" 1
# Other tests write at the same time, so only the workspaces these restores would create count.
check "nothing written" "$(sql -e "SELECT COUNT(*) FROM workspaces WHERE name IN ('$NAME-cut', '$NAME-flip')")" 0
check "restore onto data needs --replace" "$(reportctl restore --workspace "$COPY" "$TEST_TMP/a1.zip" 2>/dev/null; echo $?)" 1
check "--replace restores" "$(reportctl restore --workspace "$COPY" --replace "$TEST_TMP/a1.zip" >/dev/null 2>&1; echo $?)" 0
check "entries after --replace" "$(sql -e "SELECT COUNT(*) FROM time_entries e JOIN workspaces w ON w.id = e.workspace_id WHERE w.name = '$COPY'")" "$entries"
COPY_ID=$(sql -e "SELECT id FROM workspaces WHERE name = '$COPY'")
check "day totals of the restore match its entries" "$(day_totals_mismatches "$COPY_ID")" 0

# A MEMBER gets their own entries only.
read -r MEMBER_ID MEMBER_EMAIL < <(sql -e "SELECT u.id, u.email FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.workspace_id = $WS AND m.role = 'MEMBER' AND u.email IS NOT NULL ORDER BY u.id LIMIT 1")
MEMBER_KEY=$(reportctl apikey create --workspace "$NAME" --user "$MEMBER_EMAIL" --role MEMBER)
check "member archive status" "$(api GET "/v1/workspaces/$WS/archive.zip" "$MEMBER_KEY")" 200
mv "$TEST_TMP/body" "$TEST_TMP/member.zip"
own=$(sql -e "SELECT COUNT(*) FROM time_entries WHERE workspace_id = $WS AND user_id = $MEMBER_ID")
check "member archive holds only their entries" "$(python3 -c '
import csv,io,sys,zipfile
z=zipfile.ZipFile(sys.argv[1]); r=list(csv.reader(io.StringIO(z.read("data/time_entries.csv").decode(), newline="")))
u=list(csv.reader(io.StringIO(z.read("data/users.csv").decode(), newline="")))
print(len(r)-1, set(x[2] for x in r[1:]) <= {sys.argv[2]}, len(u)-1)' "$TEST_TMP/member.zip" "$MEMBER_ID")" "$own True 1"

# Real exports, when the importer and the folder are there.
if [ -d "${REPORTD_REALDATA:-}" ] && ! reportctl import 2>&1 | grep -q "unknown command"; then
    n=0
    for file in "$REPORTD_REALDATA"/*detailed*.csv "$REPORTD_REALDATA"/kimai-*.csv; do
        n=$((n + 1))
        real="archive-real-$$-$n"
        if ! reportctl import --workspace "$real" "$file" >/dev/null 2>&1; then
            echo "note - $(basename "$file") does not import; not archived"
            continue
        fi
        reportctl archive --workspace "$real" --output "$TEST_TMP/r1.zip" &&
            reportctl restore --workspace "$real-copy" "$TEST_TMP/r1.zip" >/dev/null 2>&1 &&
            reportctl archive --workspace "$real-copy" --output "$TEST_TMP/r2.zip"
        check "real data $(basename "$file") round trip" "$(compare_archives "$TEST_TMP/r1.zip" "$TEST_TMP/r2.zip")" same
    done
else
    echo "note - real data part skipped: no \$REPORTD_REALDATA folder or no reportctl import"
fi
finish
