#!/usr/bin/env python3
# send.py - sends the malformed and hostile requests described in this folder's *.tsv files to
# nginx over raw sockets (so control bytes, invalid UTF-8 and broken escapes arrive unchanged)
# and checks each response: the expected status, never a 5xx, and for every 4xx a JSON body
# {"code", "message"} whose code is the status and whose message is not empty.
# Usage: send.py CASES_DIR   (environment: REPORTD_URL, BAD_WS, BAD_OTHER_WS, BAD_KEY_OWNER,
#        BAD_KEY_MEMBER, BAD_KEY_OTHER; BAD_SKIP contains "archive" and/or "export-jobs" when
#        those routes do not exist yet)
# Prints one line per case and a summary; exits 1 when a case failed.
# SPDX-License-Identifier: MIT
import json
import os
import re
import socket
import sys
import urllib.parse

KINDS = ["detailed", "summary", "weekly"]
EXTENSIONS = ["json", "csv", "xlsx"]
RANGE_JSON = '"dateRangeStart":"2026-01-01T00:00:00Z","dateRangeEnd":"2026-01-31T23:59:59Z"'
RANGE_QUERY = "start=2026-01-01&end=2026-01-31"


def unescape(text):
    """Turns \\xHH, \\r, \\n, \\t and \\\\ of a data file into bytes."""
    out = bytearray()
    i = 0
    raw = text.encode("utf-8")
    while i < len(raw):
        c = raw[i]
        if c == 0x5C and i + 1 < len(raw):
            n = chr(raw[i + 1])
            if n == "x" and i + 3 < len(raw):
                out.append(int(raw[i + 2:i + 4], 16))
                i += 4
                continue
            mapped = {"r": 13, "n": 10, "t": 9, "\\": 92, "0": 0}.get(n)
            if mapped is not None:
                out.append(mapped)
                i += 2
                continue
        out.append(c)
        i += 1
    return bytes(out)


def read_hostile(folder):
    """Returns the hostile strings (bytes), one per line of hostile.txt."""
    values = []
    with open(os.path.join(folder, "hostile.txt"), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                values.append(unescape(line))
    return values


def json_literal(value):
    """A JSON string literal of value: valid UTF-8 escaped by json.dumps, other bytes raw."""
    try:
        return json.dumps(value.decode("utf-8")).encode("utf-8")
    except UnicodeDecodeError:
        return b'"' + value.replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"'


def generate_body(spec):
    """Builds the bodies too large or too regular to keep in files: gen:NAME:ARG."""
    _, name, arg = spec.split(":", 2)
    if name == "ids":
        count, field = arg.split(":")
        ids = ",".join('"%d"' % (i + 1) for i in range(int(count)))
        return ('{%s,"%s":{"ids":[%s]}}' % (RANGE_JSON, field, ids)).encode()
    if name == "nest":
        depth = int(arg)
        return ('{%s,"users":{"ids":%s}}' % (RANGE_JSON, "[" * depth + "]" * depth)).encode()
    if name == "nestobj":
        depth = int(arg)
        return ('{%s,"detailedFilter":%s}' % (RANGE_JSON, '{"a":' * depth + "1" + "}" * depth)).encode()
    if name == "big":
        padding = "x" * int(arg)
        return ('{%s,"padding":"%s"}' % (RANGE_JSON, padding)).encode()
    if name == "truncate":
        full = ('{%s,"users":{"ids":["1","2"]},"detailedFilter":{"page":1}}' % RANGE_JSON).encode()
        return full[: int(arg)]
    if name == "longdesc":
        return ('{%s,"description":"%s"}' % (RANGE_JSON, "d" * int(arg))).encode()
    raise ValueError("unknown body generator " + spec)


def expand(template, env, hostile=None):
    """Fills the @NAME@ placeholders of template (bytes, already unescaped) and returns a list
    of (label, bytes) variants: one per report kind and export type it names."""
    variants = [("", template)]
    for name, values in (("@kind@", KINDS), ("@ext@", EXTENSIONS)):
        if any(name.encode() in v for _, v in variants):
            variants = [(label + ("," if label else "") + value, v.replace(name.encode(), value.encode()))
                        for label, v in variants for value in values]
    fixed = {
        b"@ws@": env["ws"].encode(),
        b"@other@": env["other"].encode(),
        b"@R@": RANGE_JSON.encode(),
        b"@Q@": RANGE_QUERY.encode(),
        b"@LONG@": b"a" * 70000,
    }
    if hostile is not None:
        fixed[b"@HJ@"] = json_literal(hostile)
        fixed[b"@HQ@"] = urllib.parse.quote_from_bytes(hostile, safe="").encode()
    result = []
    for label, value in variants:
        for key, replacement in fixed.items():
            value = value.replace(key, replacement)
        result.append((label, value))
    return result


class Response:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body


def dechunk(data):
    out = bytearray()
    while True:
        line, _, rest = data.partition(b"\r\n")
        size = int(line.split(b";")[0] or b"0", 16)
        if size == 0:
            return bytes(out)
        out += rest[:size]
        data = rest[size + 2:]


def send(host, port, method, target, headers, body, timeout=60):
    """Sends one request over a fresh connection and reads the response until the server closes."""
    request = method + b" " + target + b" HTTP/1.1\r\nHost: " + host.encode() + b"\r\n"
    for name, value in headers:
        request += name + b": " + value + b"\r\n"
    if body is not None:
        request += b"Content-Type: application/json\r\nContent-Length: %d\r\n" % len(body)
    request += b"Connection: close\r\n\r\n"
    if body is not None:
        request += body
    with socket.create_connection((host, port), timeout=timeout) as conn:
        conn.sendall(request)
        chunks = []
        while True:
            try:
                chunk = conn.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            chunks.append(chunk)
    data = b"".join(chunks)
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    match = re.match(rb"HTTP/1\.[01] (\d{3})", lines[0]) if lines else None
    if match is None:
        return Response(0, {}, data)
    parsed = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        parsed.setdefault(name.strip().lower().decode("latin-1"), []).append(value.strip())
    if b"chunked" in b",".join(parsed.get("transfer-encoding", [])).lower():
        try:
            rest = dechunk(rest)
        except ValueError:
            pass
    return Response(int(match.group(1)), parsed, rest)


def status_matches(status, expect):
    if expect.endswith("xx"):
        return str(status)[0] == expect[0]
    return any(str(status) == e for e in expect.split("|"))


def check_case(response, expect, options):
    """Returns a list of problems with one response."""
    problems = []
    if response.status == 0:
        return ["no HTTP response (%r)" % response.body[:120]]
    if response.status >= 500:
        problems.append("server error %d" % response.status)
    if not status_matches(response.status, expect):
        problems.append("status %d, expected %s" % (response.status, expect))
    if any(name.startswith("x-injected") for name in response.headers):
        problems.append("a header from the request value reached the response")
    if 400 <= response.status < 500 or response.status >= 500:
        content_type = b"".join(response.headers.get("content-type", [])).decode("latin-1")
        if not content_type.startswith("application/json"):
            problems.append("error body is %r, not JSON" % content_type)
        try:
            body = json.loads(response.body)
        except ValueError:
            body = None
            problems.append("error body does not parse as JSON: %r" % response.body[:120])
        if body is not None:
            if not isinstance(body, dict) or body.get("code") != response.status:
                problems.append("error body code differs from the status: %r" % response.body[:120])
            elif not isinstance(body.get("message"), str) or not body["message"].strip():
                problems.append("error body has no message")
    if response.status == 200 and "entries=0" in options:
        try:
            body = json.loads(response.body)
            count = len(body.get("timeentries", [])) + len(body.get("groupOne", []))
            if count != 0:
                problems.append("%d entries or groups matched a hostile value" % count)
        except ValueError:
            problems.append("200 body does not parse as JSON")
    return problems


def read_cases(folder, env, hostile):
    """Yields (file:line label, expect, method, target, body, options) for every case."""
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".tsv"):
            continue
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                line = line.rstrip("\n")
                if not line.strip() or line.startswith("#"):
                    continue
                fields = line.split("\t")
                if len(fields) < 3:
                    raise SystemExit("%s:%d: expected 3 to 5 tab-separated fields" % (name, number))
                expect, method, target = fields[:3]
                body = fields[3] if len(fields) > 3 else "-"
                options = fields[4] if len(fields) > 4 else ""
                per_hostile = "@HJ@" in line or "@HQ@" in line
                for index, value in enumerate(hostile if per_hostile else [None]):
                    targets = expand(unescape(target), env, value)
                    if body == "-":
                        bodies = [("", None)]
                    elif body.startswith("gen:"):
                        bodies = [("", generate_body(body))]
                    elif body.startswith("@"):
                        with open(os.path.join(folder, "bodies", body[1:]), "rb") as b:
                            bodies = [("", b.read())]
                    else:
                        bodies = expand(unescape(body), env, value)
                    if len(targets) > 1 and len(bodies) > 1:
                        pairs = list(zip(targets, bodies))
                    else:
                        pairs = [(t, b) for t in targets for b in bodies]
                    for (tlabel, t), (blabel, b) in pairs:
                        label = "%s:%d" % (name, number)
                        extra = ",".join(x for x in (tlabel or blabel, "h%d" % index if per_hostile else "") if x)
                        if extra:
                            label += "[" + extra + "]"
                        yield label, expect, unescape(method), t, b, options


def main():
    folder = sys.argv[1]
    url = urllib.parse.urlparse(os.environ["REPORTD_URL"])
    env = {"ws": os.environ["BAD_WS"], "other": os.environ["BAD_OTHER_WS"]}
    keys = {
        "owner": os.environ["BAD_KEY_OWNER"].encode(),
        "member": os.environ["BAD_KEY_MEMBER"].encode(),
        "other": os.environ["BAD_KEY_OTHER"].encode(),
        "bogus": b"rk_not_a_key_' OR '1'='1",
        "none": None,
    }
    skip = os.environ.get("BAD_SKIP", "").split()
    hostile = read_hostile(folder)
    failures = 0
    sent = 0
    client_errors = 0
    skipped = 0
    for label, expect, method, target, body, options in read_cases(folder, env, hostile):
        opts = dict(o.split("=", 1) for o in options.split(",") if "=" in o)
        if opts.get("needs") in skip:
            skipped += 1
            continue
        key = keys[opts.get("key", "owner")]
        headers = [] if key is None else [(b"X-Api-Key", key)]
        if "header" in opts:
            headers.append(tuple(unescape(opts["header"]).split(b":", 1)))
        response = send(url.hostname, url.port, method, target, headers, body)
        sent += 1
        problems = check_case(response, expect, options)
        if 400 <= response.status < 500:
            client_errors += 1
        shown = target[:90].decode("latin-1").encode("unicode_escape").decode()
        if problems:
            failures += 1
            print("FAIL - %s %s %s -> %d: %s" % (label, method.decode("latin-1"), shown,
                                                 response.status, "; ".join(problems)))
            print("       body: %r" % response.body[:200])
        else:
            print("ok   - %s %s %s -> %d" % (label, method.decode("latin-1"), shown, response.status))
    print("%d requests sent, %d answered 4xx, %d skipped, %d failed" % (sent, client_errors, skipped, failures))
    if client_errors < 200:
        print("FAIL - the corpus must hold at least 200 requests that get a 4xx")
        failures += 1
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
