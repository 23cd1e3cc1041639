# SPDX-License-Identifier: Apache-2.0
"""Checks the fake server's function statistics and LTS log query (observe.py): the statistics
count the invocations made (failures in fail_count) per minute over 5, 15 or 60 minutes and
refuse any other period, an unknown function and an unsigned call; the log query keeps to its
time window, pages forwards from a line_num, orders newest first with is_desc, and refuses a
missing or malformed time, a bad limit, a bad search_type and paging without line_num. Exit 0
when every check passes."""
import base64
import io
import json
import sys
import time
import urllib.error
import urllib.request
import zipfile

sys.dont_write_bytecode = True  # keep the source tree clean
import sign
import workflows_selftest as base_test
from workflows_selftest import AK, PID, SK, call, expect, failures

URN = "urn:fss:cn-north-4:%s:function:default:test:latest" % PID


def lts(base, gid, sid, body):
    data = json.dumps(body).encode()
    url = "%s/v2/%s/groups/%s/streams/%s/content/query" % (base, PID, gid, sid)
    req = urllib.request.Request(url, data=data, method="POST",
                                 headers=sign.sign_headers(AK, SK, "POST", url, data, PID))
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"{}")


def run(base):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.py", "def handler(event, context):\n    return event\n")
    fn = {"func_name": "test", "package": "default", "runtime": "Python3.10",
          "handler": "index.handler", "memory_size": 128, "timeout": 30, "code_type": "zip",
          "func_code": {"file": base64.b64encode(buf.getvalue()).decode()}}
    expect("create function", call(base, "POST", "/functions", fn), 200)
    t0 = int(time.time() * 1000)
    for event in ({"a": 1}, {"a": 2}, {"fail": "no"}):
        expect("invoke", call(base, "POST", "/functions/%s/invocations" % URN, event), 200)
    expect("async invoke", call(base, "POST", "/functions/%s/invocations-async" % URN, {}), 202)

    for period in ("5", "15", "60"):
        stats = expect("statistics " + period,
                       call(base, "GET", "/functions/%s/statistics/%s" % (URN, period)), 200)
        count = [v["value"] for v in stats.get("count", [])]
        if len(count) != int(period) or sum(count) != 4:
            failures.append("statistics %s count: %s" % (period, stats.get("count")))
        if sum(v["value"] for v in stats.get("fail_count", [])) != 1:
            failures.append("statistics %s fail_count: %s" % (period, stats.get("fail_count")))
        stamps = [v["timestamp"] for v in stats.get("count", [])]
        if stamps != sorted(stamps) or any(b - a != 60000 for a, b in zip(stamps, stamps[1:])):
            failures.append("statistics %s timestamps: %s" % (period, stamps))
    for period in ("1", "30", "1440", "5m"):
        expect("statistics period " + period,
               call(base, "GET", "/functions/%s/statistics/%s" % (URN, period)), 400, "FSS.0400",
               "5, 15, 60")
    expect("statistics of an unknown function",
           call(base, "GET", "/functions/%s/statistics/5" % URN.replace("test", "nope")), 404,
           "FSS.1051")
    expect("unsigned statistics", call(base, "GET", "/functions/%s/statistics/5" % URN,
                                       signed=False), 401, "APIGW.0301")
    expect("POST statistics", call(base, "POST", "/functions/%s/statistics/5" % URN, {}), 405)

    detail = expect("log detail", call(base, "GET", "/functions/%s/lts-log-detail" % URN), 200)
    gid, sid = detail.get("group_id"), detail.get("stream_id")
    t1 = int(time.time() * 1000) + 1
    window = {"start_time": str(t0), "end_time": str(t1)}
    first = lts(base, gid, sid, dict(window, limit=3))
    if first[0] != 200 or first[1].get("count") != 3 or len(first[1].get("logs", [])) != 3:
        failures.append("first page: %s" % (first,))
        return
    nums = [int(l["line_num"]) for l in first[1]["logs"]]
    if nums != sorted(nums) or "Start invoke request" not in first[1]["logs"][0]["content"]:
        failures.append("first page order: %s" % first[1])
    rest = lts(base, gid, sid, dict(window, limit=5000, search_type="forwards",
                                    line_num=first[1]["logs"][-1]["line_num"]))[1]
    everything = lts(base, gid, sid, dict(window, limit=5000))[1]
    if [l["line_num"] for l in first[1]["logs"] + rest.get("logs", [])] != \
            [l["line_num"] for l in everything.get("logs", [])]:
        failures.append("forwards paging does not continue the first page: %s" % rest)
    if everything.get("count") != 4 * 4:
        failures.append("4 invocations should log 16 lines: %s" % everything.get("count"))
    newest = lts(base, gid, sid, dict(window, limit=2, is_desc=True))[1]
    if [l["line_num"] for l in newest.get("logs", [])] != \
            [l["line_num"] for l in everything["logs"][::-1][:2]]:
        failures.append("is_desc: %s" % newest)
    later = lts(base, gid, sid, {"start_time": str(t1 + 1), "end_time": str(t1 + 60000)})[1]
    if later.get("count") != 0:
        failures.append("a window after the lines holds %s lines" % later.get("count"))
    for name, body, says in [
            ("no start_time", {"end_time": str(t1)}, "start_time"),
            ("a numeric start_time", {"start_time": t0, "end_time": str(t1)}, "start_time"),
            ("start after end", {"start_time": str(t1), "end_time": str(t0)}, "after"),
            ("limit 0", dict(window, limit=0), "limit"),
            ("limit 5001", dict(window, limit=5001), "limit"),
            ("search_type sideways", dict(window, search_type="sideways"), "search_type"),
            ("forwards without line_num", dict(window, search_type="forwards"), "line_num"),
            ("is_desc a string", dict(window, is_desc="true"), "is_desc")]:
        expect("LTS " + name, lts(base, gid, sid, body), 400, "LTS.0009", says)
    expect("LTS unknown stream", lts(base, gid, "nope", window), 404, "LTS.0208")


if __name__ == "__main__":
    base_test.run = run
    code = base_test.main()
    if code == 0:
        print("fakecloud statistics and log query: all checks pass")
    sys.exit(code)
