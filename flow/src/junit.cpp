// SPDX-License-Identifier: Apache-2.0
#include <cstdio>

#include <fstage/base/strings.hpp>
#include <fstage/flow/junit.hpp>
#include <fstage/flow/xml.hpp>

namespace fstage::flow {

namespace {

// Milliseconds as seconds with three decimals ("0.013"), in integers: libstdc++'s floating
// to_chars calls fesetround, which would link libm into fstage's start (startup_libs.sh).
std::string seconds(double ms) {
  const long long thousandths = ms > 0 && ms < 1e15 ? static_cast<long long>(ms + 0.5) : 0;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lld.%03lld", thousandths / 1000, thousandths % 1000);
  return buf;
}

std::string attr(std::string_view name, std::string_view value) {
  return " " + std::string(name) + "=\"" + xml_escape(value, true) + "\"";
}

// The one-line summary a CI page shows beside the case's name.
std::string failure_message(const CaseResult& r) {
  if (r.mismatches.size() == 1 && !r.mismatches[0].lines.empty()) {
    return r.mismatches[0].what + ": " + r.mismatches[0].lines[0];
  }
  std::vector<std::string> what;
  for (const auto& m : r.mismatches) {
    what.push_back(m.what);
  }
  return std::to_string(r.mismatches.size()) + " expectations not met: " + join(what, ", ");
}

void write_case(std::string& out, const SuiteResult& suite, const CaseResult& c) {
  out += "    <testcase" + attr("name", c.name) + attr("classname", "flow." + suite.flow) +
         attr("file", suite.file) + attr("time", seconds(c.duration_ms));
  if (c.outcome == CaseResult::Outcome::passed) {
    out += "/>\n";
    return;
  }
  out += ">\n";
  std::string body = join(failure_lines(c), "\n");
  if (c.where.line > 0) {
    body = suite.file + ":" + std::to_string(c.where.line) + ":" + std::to_string(c.where.column) +
           ": case " + quote(c.name) + "\n" + body;
  }
  if (c.outcome == CaseResult::Outcome::failed) {
    out += "      <failure" + attr("message", failure_message(c)) +
           attr("type", "flow.ExpectationFailed") + ">" + xml_escape(body) + "</failure>\n";
  } else {
    out += "      <error" + attr("message", c.error) + attr("type", "flow.TestError") + ">" +
           xml_escape(body) + "</error>\n";
  }
  out += "    </testcase>\n";
}

}  // namespace

std::string junit_xml(const std::vector<SuiteResult>& suites) {
  std::size_t tests = 0;
  std::size_t failures = 0;
  std::size_t errors = 0;
  double ms = 0;
  for (const auto& s : suites) {
    tests += s.cases.size();
    failures += s.count(CaseResult::Outcome::failed);
    errors += s.count(CaseResult::Outcome::error);
    ms += s.duration_ms;
  }
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<testsuites" + attr("name", "fstage flow test") + attr("tests", std::to_string(tests)) +
         attr("failures", std::to_string(failures)) + attr("errors", std::to_string(errors)) +
         attr("time", seconds(ms)) + ">\n";
  for (const auto& s : suites) {
    out += "  <testsuite" + attr("name", "flow." + s.flow) +
           attr("tests", std::to_string(s.cases.size())) +
           attr("failures", std::to_string(s.count(CaseResult::Outcome::failed))) +
           attr("errors", std::to_string(s.count(CaseResult::Outcome::error))) +
           attr("skipped", "0") + attr("time", seconds(s.duration_ms)) +
           attr("timestamp", s.timestamp) + attr("file", s.file) + ">\n";
    for (const auto& c : s.cases) {
      write_case(out, s, c);
    }
    out += "  </testsuite>\n";
  }
  out += "</testsuites>\n";
  return out;
}

}  // namespace fstage::flow
