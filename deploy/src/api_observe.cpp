// SPDX-License-Identifier: Apache-2.0
// Observing the deployed function: LTS log queries and the function statistics API.
#include <algorithm>

#include <fstage/base/strings.hpp>
#include <fstage/deploy/api.hpp>

namespace fstage::deploy {

namespace {

std::vector<LogLine> log_lines(const Json& j) {
  std::vector<LogLine> lines;
  if (!j.is_object() || !j.contains("logs") || !j["logs"].is_array()) {
    return lines;
  }
  for (const auto& l : j["logs"]) {
    if (!l.is_object()) {
      continue;
    }
    LogLine line;
    line.content = l.value("content", "");
    if (l.contains("line_num")) {
      line.line_num =
          l["line_num"].is_string() ? l["line_num"].get<std::string>() : l["line_num"].dump();
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

}  // namespace

Expected<Json> Api::lts_query(const Json& detail, const Json& body) {
  const std::string group = detail.value("group_id", "");
  const std::string stream = detail.value("stream_id", "");
  if (group.empty() || stream.empty()) {
    return fail(ErrorCode::not_found, "the function has no LTS log group/stream",
                "enable log reporting to LTS for the function");
  }
  // LTS is a separate service: lts.<region>.<domain>, or the custom endpoint.
  std::string base = m_target.endpoint;
  if (const std::string fg = "https://functiongraph."; base.starts_with(fg)) {
    base = "https://lts." + base.substr(fg.size());
  }
  const std::string text = body.dump();
  Call c;
  c.method = "POST";
  c.base = base;
  c.path =
      "/v2/" + m_target.project_id + "/groups/" + group + "/streams/" + stream + "/content/query";
  c.body = text;
  return call(c);
}

Expected<std::vector<LogLine>> Api::query_log_page(const Json& detail, long long start_ms,
                                                   long long end_ms, int limit,
                                                   const std::string& after_line_num) {
  // QueryLtsLogParams: times are strings of milliseconds; paging goes "forwards" from the
  // line_num of the last line seen, in the query's (ascending) order.
  Json body = {{"start_time", std::to_string(start_ms)},
               {"end_time", std::to_string(end_ms)},
               {"limit", limit},
               {"is_desc", false}};
  if (!after_line_num.empty()) {
    body["search_type"] = "forwards";
    body["line_num"] = after_line_num;
  }
  return log_lines(FSTAGE_TRY(lts_query(detail, body)));
}

Expected<std::vector<std::string>> Api::query_logs(const Json& detail, long long start_ms,
                                                   long long end_ms, int limit) {
  // The newest lines first (is_desc), turned back into reading order: an ascending query
  // would answer the oldest `limit` lines of the window.
  Json body = {{"start_time", std::to_string(start_ms)},
               {"end_time", std::to_string(end_ms)},
               {"limit", limit},
               {"is_desc", true}};
  std::vector<std::string> lines;
  for (auto& l : log_lines(FSTAGE_TRY(lts_query(detail, body)))) {
    lines.push_back(std::move(l.content));
  }
  std::reverse(lines.begin(), lines.end());
  return lines;
}

Expected<Json> Api::function_statistics(const std::string& name, int minutes) {
  Call c;
  c.path = fgs("/functions/" + urn(name) + "/statistics/" + std::to_string(minutes));
  return call(c);
}

}  // namespace fstage::deploy
