# SPDX-License-Identifier: Apache-2.0
"""Function statistics and the LTS log query, on top of fgs.Store.

Statistics (FunctionGraph v2, "Querying Metrics in a Specified Period"):
    GET /v2/{project_id}/fgs/functions/{func_urn}/statistics/{period}
period is the last 5, 15 or 60 minutes (the API's enumeration; anything else is 400). The
answer holds arrays of SlaReportsValue {timestamp, value}, one per minute of the period,
oldest first: count, duration (average ms), fail_count, max_duration, min_duration,
reject_count, function_error_count, system_error_count. Timestamps are the minute's start in
ms since the epoch (the SDKs type them int32 in old versions and int64 in new ones: fstage
reads either and uses only the values).

LTS log query (POST /v2/{project_id}/groups/{gid}/streams/{sid}/content/query), QueryLtsLogParams:
start_time and end_time (strings of ms since the epoch, required, start <= end), limit (1..5000,
default 50), is_desc (newest first), search_type init|forwards|backwards with line_num (the
paging cursor from a previous answer, required unless init). Lines carry a line_num that grows
with time, and labels. The error codes of the LTS checks below are the fake's own choice: the
public material gives the fields, not the codes.
"""
import time

from fgs import ApiError

PERIODS = ("5", "15", "60")
LTS_MAX_LIMIT = 5000


def lts_bad(msg):
    return ApiError(400, "LTS.0009", "Invalid parameter: " + msg)


def now_ms():
    return int(time.time() * 1000)


def record_invocation(store, name, duration_ms, failed):
    store.invocations.append({"name": name, "time": now_ms(), "duration": duration_ms,
                              "failed": failed})


def append_log(store, name, line):
    # line_num: the time in ns plus a sequence, unique and growing as LTS's are.
    store.log_seq += 1
    t = now_ms()
    store.logs.append({"name": name, "content": line, "time": t,
                       "line_num": "%d%06d" % (t, store.log_seq % 1000000)})


def statistics(store, urn, period):
    fn, _ = store.get(urn)
    if period not in PERIODS:
        raise ApiError(400, "FSS.0400", "Invalid period %r: it must be one of 5, 15, 60 "
                       "(minutes)" % period)
    name = fn["config"]["func_name"]
    minutes = int(period)
    end = now_ms() // 60000 * 60000 + 60000  # the current minute included
    start = end - minutes * 60000
    series = {k: [] for k in ("count", "duration", "fail_count", "max_duration", "min_duration",
                              "reject_count", "function_error_count", "system_error_count")}
    for m in range(minutes):
        lo = start + m * 60000
        calls = [c for c in store.invocations
                 if c["name"] == name and lo <= c["time"] < lo + 60000]
        durations = [c["duration"] for c in calls] or [0]
        fails = sum(1 for c in calls if c["failed"])
        values = {"count": len(calls), "duration": sum(durations) // max(len(calls), 1),
                  "fail_count": fails, "max_duration": max(durations),
                  "min_duration": min(durations), "reject_count": 0,
                  "function_error_count": fails, "system_error_count": 0}
        for k, v in values.items():
            series[k].append({"timestamp": lo, "value": v})
    return 200, series


def _ms(body, key):
    v = body.get(key)
    if not isinstance(v, str) or not v.isdigit():
        raise lts_bad("%s must be a string of milliseconds since the epoch" % key)
    return int(v)


def query_logs(store, group_id, stream_id, body):
    if not isinstance(body, dict):
        raise lts_bad("the body must be a JSON object")
    start, end = _ms(body, "start_time"), _ms(body, "end_time")
    if start > end:
        raise lts_bad("start_time is after end_time")
    limit = body.get("limit", 50)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= LTS_MAX_LIMIT:
        raise lts_bad("limit must be an integer from 1 to %d" % LTS_MAX_LIMIT)
    is_desc = body.get("is_desc", False)
    if not isinstance(is_desc, bool):
        raise lts_bad("is_desc must be a boolean")
    search_type = body.get("search_type", "init")
    if search_type not in ("init", "forwards", "backwards"):
        raise lts_bad("search_type must be init, forwards or backwards")
    line_num = body.get("line_num")
    if search_type != "init" and not (isinstance(line_num, str) and line_num.isdigit()):
        raise lts_bad("line_num is required when paging (search_type %s)" % search_type)
    names = [f["config"]["func_name"] for f in store.functions.values()
             if f["config"]["log_group_id"] == group_id and
             f["config"]["log_stream_id"] == stream_id]
    if not names:
        raise ApiError(404, "LTS.0208", "The log stream does not exist")
    lines = [l for l in store.logs if l["name"] == names[0] and start <= l["time"] <= end]
    lines.sort(key=lambda l: int(l["line_num"]), reverse=is_desc)
    if search_type != "init":
        cursor = int(line_num)
        # forwards: on past the cursor in the query's order; backwards: before it.
        after = (lambda n: n < cursor) if is_desc else (lambda n: n > cursor)
        if search_type == "backwards":
            lines = [l for l in lines if not after(int(l["line_num"])) and
                     int(l["line_num"]) != cursor][-limit:]
        else:
            lines = [l for l in lines if after(int(l["line_num"]))]
    page = lines[:limit]
    return 200, {"count": len(page),
                 "logs": [{"content": l["content"], "line_num": l["line_num"],
                           "labels": {"hostName": "fakecloud", "__time__": str(l["time"])}}
                          for l in page],
                 "isQueryComplete": True}
