// SPDX-License-Identifier: Apache-2.0
// remote flow's history lines: a ShowWorkflowExecution record rendered as `flow run`'s
// timeline, and only the new lines while an execution is followed.
#include <set>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <fstage/base/json.hpp>

#include "../../cli/commands/remote_flow_history.hpp"

using fstage::Json;
using namespace fstage::cli;

namespace {

Json attempt(const char* status, long long begin, Json end, const char* error = "") {
  return Json{{"status", status},    {"input", Json::object()}, {"output", nullptr},
              {"begin_time", begin}, {"end_time", end},         {"error_message", error},
              {"request_id", "r"}};
}

Json record(const char* status, Json nodes) {
  return Json{{"execution_id", "e1"}, {"status", status}, {"node_execution_details", nodes}};
}

Json node(const char* id, const char* name, Json executions) {
  return Json{
      {"node_id", id}, {"node_name", name}, {"execution_id", "e1"}, {"executions", executions}};
}

std::vector<std::string> texts(const Json& r) {
  std::vector<std::string> out;
  for (const auto& l : history_lines(r)) {
    out.push_back(l.text);
  }
  return out;
}

}  // namespace

TEST_CASE("remote flow history: lines in time order, relative to the first node", "[remote_flow]") {
  const Json r = record(
      "success",
      Json::array({node("check", "check", Json::array({attempt("success", 1000000, 1000250)})),
                   node("done", "finish", Json::array({attempt("success", 1000250, 1000250)}))}));
  CHECK(texts(r) == std::vector<std::string>{
                        "+     0.000 ms  check  start",
                        "+   250.000 ms  check  end  250.000 ms  success",
                        "+   250.000 ms  done   start (finish)",
                        "+   250.000 ms  done   end  0.000 ms  success",
                    });
  CHECK(history_summary(r) == "SUMMARY Status: success\tStates: 2\tAttempts: 2\tWall: 250.000 ms");
}

TEST_CASE("remote flow history: retries, errors' first line, running attempts", "[remote_flow]") {
  const Json r =
      record("running", Json::array({node("op", "op",
                                          Json::array({attempt("fail", 0, 100, "boom\ntrace"),
                                                       attempt("running", 1100, nullptr)}))}));
  CHECK(texts(r) == std::vector<std::string>{
                        "+     0.000 ms  op     start",
                        "+   100.000 ms  op     end  100.000 ms  fail  boom ...",
                        "+  1100.000 ms  op     start (attempt 2)",
                    });
  CHECK_FALSE(is_end_status("running"));
  CHECK(is_end_status("cancel"));
  CHECK(is_end_status("timeout"));
  CHECK(exit_code_for_status("success") == 0);
  CHECK(exit_code_for_status("fail") == 14);
  CHECK(exit_code_for_status("cancel") == 14);
  CHECK(exit_code_for_status("timeout") == 11);
}

TEST_CASE("remote flow history: following prints each line once", "[remote_flow]") {
  std::set<std::string> printed;
  Json r = record("running",
                  Json::array({node("op", "op", Json::array({attempt("running", 0, nullptr)}))}));
  CHECK(new_history_lines(r, printed).size() == 1);
  CHECK(new_history_lines(r, printed).empty());
  r["node_execution_details"][0]["executions"][0] = attempt("success", 0, 40);
  r["node_execution_details"].push_back(
      node("end", "end", Json::array({attempt("success", 40, 40)})));
  r["status"] = "success";
  const auto more = new_history_lines(r, printed);
  REQUIRE(more.size() == 3);
  CHECK(more[0] == "+    40.000 ms  op     end  40.000 ms  success");
  CHECK(more[1] == "+    40.000 ms  end    start");
}

TEST_CASE("remote flow history: a record without nodes", "[remote_flow]") {
  const Json r = Json{{"status", "fail"}};
  CHECK(history_lines(r).empty());
  CHECK(history_summary(r) == "SUMMARY Status: fail\tStates: 0\tAttempts: 0");
}
