// SPDX-License-Identifier: Apache-2.0
#include "remote_flow_history.hpp"

#include <algorithm>
#include <cstdio>

#include <fstage/cli/exit_codes.hpp>

namespace fstage::cli {

namespace {

std::string fixed3(double v) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.3f", v);
  return buf;
}

std::string pad_left(std::string s, std::size_t n) {
  if (s.size() < n) {
    s.insert(0, n - s.size(), ' ');
  }
  return s;
}

long long ms_of(const Json& j, const char* key) {
  return j.contains(key) && j[key].is_number() ? j[key].get<long long>() : -1;
}

std::string first_line(const std::string& s) {
  auto nl = s.find('\n');
  return nl == std::string::npos ? s : s.substr(0, nl) + " ...";
}

const Json& nodes_of(const Json& record) {
  static const Json none = Json::array();
  return record.is_object() && record.contains("node_execution_details") &&
                 record["node_execution_details"].is_array()
             ? record["node_execution_details"]
             : none;
}

}  // namespace

bool is_end_status(const std::string& s) {
  return s == "success" || s == "fail" || s == "timeout" || s == "cancel";
}

int exit_code_for_status(const std::string& s) {
  return s == "success" ? k_exit_ok : s == "timeout" ? k_exit_timeout : k_exit_flow_failed;
}

std::vector<HistoryLine> history_lines(const Json& record) {
  // The first node's begin is time zero: the execution's begin_time has whole seconds only.
  long long zero = -1;
  std::size_t width = 5;
  for (const auto& node : nodes_of(record)) {
    width = std::max(width, node.value("node_id", std::string()).size());
    for (const auto& a : node.value("executions", Json::array())) {
      const long long b = ms_of(a, "begin_time");
      if (b >= 0 && (zero < 0 || b < zero)) {
        zero = b;
      }
    }
  }
  width = std::min<std::size_t>(width, 24);
  std::vector<HistoryLine> out;
  for (const auto& node : nodes_of(record)) {
    std::string id = node.value("node_id", std::string());
    const std::string name = node.value("node_name", std::string());
    const std::string padded = id.size() < width ? id + std::string(width - id.size(), ' ') : id;
    int n = 0;
    for (const auto& a : node.value("executions", Json::array())) {
      const std::string key = id + "#" + std::to_string(n);
      const long long b = ms_of(a, "begin_time");
      const long long e = ms_of(a, "end_time");
      const std::string status = a.value("status", std::string());
      auto line = [&](long long at, const std::string& what, const char* kind) {
        out.push_back({key + kind, at,
                       "+" + pad_left(fixed3(static_cast<double>(at - zero)), 10) + " ms  " +
                           padded + "  " + what});
      };
      if (b >= 0) {
        std::string what = n == 0 ? "start" : "start (attempt " + std::to_string(n + 1) + ")";
        if (n == 0 && !name.empty() && name != id) {
          what += " (" + name + ")";
        }
        line(b, what, "<");
      }
      if (e >= 0 && b >= 0 && status != "running") {
        std::string what = "end  " + fixed3(static_cast<double>(e - b)) + " ms  " + status;
        const std::string err = a.value("error_message", std::string());
        if (!err.empty()) {
          what += "  " + first_line(err);
        }
        line(e, what, ">");
      }
      ++n;
    }
  }
  std::stable_sort(out.begin(), out.end(),
                   [](const HistoryLine& x, const HistoryLine& y) { return x.at_ms < y.at_ms; });
  return out;
}

std::string history_summary(const Json& record) {
  std::size_t attempts = 0;
  long long first = -1;
  long long last = -1;
  for (const auto& node : nodes_of(record)) {
    for (const auto& a : node.value("executions", Json::array())) {
      ++attempts;
      const long long b = ms_of(a, "begin_time");
      const long long e = ms_of(a, "end_time");
      if (b >= 0 && (first < 0 || b < first)) {
        first = b;
      }
      last = std::max(last, e);
    }
  }
  std::string s = "SUMMARY Status: " + record.value("status", std::string()) +
                  "\tStates: " + std::to_string(nodes_of(record).size()) +
                  "\tAttempts: " + std::to_string(attempts);
  if (first >= 0 && last >= first) {
    s += "\tWall: " + fixed3(static_cast<double>(last - first)) + " ms";
  }
  return s;
}

std::vector<std::string> new_history_lines(const Json& record, std::set<std::string>& printed) {
  std::vector<std::string> out;
  for (auto& l : history_lines(record)) {
    if (printed.insert(l.key).second) {
      out.push_back(std::move(l.text));
    }
  }
  return out;
}

}  // namespace fstage::cli
