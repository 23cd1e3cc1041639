// SPDX-License-Identifier: Apache-2.0
// The JUnit report of `fstage flow test --junit`: escaped for any text a case name, a value or
// an error message may hold, and read back by a real XML parser (Python's xml.etree) with the
// counts, names and failure texts a CI system shows.
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include <fstage/flow/junit.hpp>

#include "test_support.hpp"

using namespace fstage;
using namespace fstage::flow;

namespace {

const char* k_python = "/usr/bin/python3";

SuiteResult suite() {
  SuiteResult s;
  s.flow = "orders";
  s.file = "flows/orders.test.yaml";
  s.timestamp = "2026-12-04T20:00:00";
  s.duration_ms = 12.5;
  CaseResult pass;
  pass.name = "happy path";
  pass.duration_ms = 4.25;
  s.cases.push_back(pass);
  CaseResult failed;
  failed.name = "<declined> & \"quoted\" 'case'";
  failed.where = {"flows/orders.test.yaml", 14, 5};
  failed.outcome = CaseResult::Outcome::failed;
  failed.duration_ms = 3;
  // A value with markup, a control character, invalid UTF-8 and a CDATA end.
  failed.mismatches.push_back(Mismatch{"output",
                                       {"flows/orders.test.yaml", 20, 9},
                                       {"$.note: expected \"<b>&\x01\xff]]>\", got 1"}});
  failed.mismatches.push_back(Mismatch{"path", {}, {"step 2: expected 'ship', got 'cancel'"}});
  s.cases.push_back(failed);
  CaseResult error;
  error.name = "missing mock";
  error.outcome = CaseResult::Outcome::error;
  error.error = "state 'charge' was called for attempt 1\nline two\ttab";
  s.cases.push_back(error);
  return s;
}

}  // namespace

TEST_CASE("flow::xml_escape escapes markup and replaces what XML 1.0 cannot hold", "[flow][test]") {
  CHECK(xml_escape("a<b>&c") == "a&lt;b&gt;&amp;c");
  CHECK(xml_escape("\"'") == "\"'");
  CHECK(xml_escape("\"'", true) == "&quot;&apos;");
  CHECK(xml_escape("a\nb\tc", false) == "a\nb\tc");
  CHECK(xml_escape("a\nb\tc", true) == "a&#10;b&#9;c");
  CHECK(xml_escape("a\rb") == "a&#13;b");
  CHECK(xml_escape(std::string("x\0y", 3)) == "x\xEF\xBF\xBDy");
  CHECK(xml_escape("\x01\x1f") == "\xEF\xBF\xBD\xEF\xBF\xBD");
  CHECK(xml_escape("\xff") == "\xEF\xBF\xBD");
  CHECK(xml_escape("\xC0\xAF") == "\xEF\xBF\xBD\xEF\xBF\xBD");                  // overlong '/'
  CHECK(xml_escape("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // a surrogate
  CHECK(xml_escape("\xEF\xBF\xBE") == "\xEF\xBF\xBD");                          // U+FFFE
  CHECK(xml_escape("h\xC3\xA9 \xE4\xB8\xAD \xF0\x9F\x99\x82") ==
        "h\xC3\xA9 \xE4\xB8\xAD \xF0\x9F\x99\x82");
}

TEST_CASE("flow::junit_xml writes a report an XML parser reads back", "[flow][test]") {
  if (!std::filesystem::exists(k_python)) {
    WARN("no /usr/bin/python3: the JUnit XML is not parsed back");
    return;
  }
  test::Scratch dir;
  const auto xml_path = dir.path() / "junit.xml";
  const std::string xml = junit_xml({suite()});
  std::ofstream(xml_path) << xml;
  CHECK(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"));
  const auto script = dir.path() / "check.py";
  std::ofstream(script) << R"(import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
assert root.tag == "testsuites", root.tag
assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("3", "1", "1"), root.attrib
assert root.get("time") == "0.013", root.get("time")
suites = root.findall("testsuite")
assert len(suites) == 1
s = suites[0]
assert s.get("name") == "flow.orders" and s.get("timestamp") == "2026-12-04T20:00:00", s.attrib
assert (s.get("tests"), s.get("failures"), s.get("errors"), s.get("skipped")) == ("3", "1", "1", "0")
cases = s.findall("testcase")
assert [c.get("name") for c in cases] == ["happy path", "<declined> & \"quoted\" 'case'", "missing mock"], [c.get("name") for c in cases]
assert cases[0].get("time") == "0.004" and cases[0].get("classname") == "flow.orders"
assert list(cases[0]) == []
f = cases[1].find("failure")
assert f.get("message") == "2 expectations not met: output, path", f.get("message")
assert f.text.startswith("flows/orders.test.yaml:14:5: case "), f.text
assert "$.note: expected \"<b>&\ufffd\ufffd]]>\", got 1" in f.text, f.text
assert "path:\n  step 2: expected 'ship', got 'cancel'" in f.text, f.text
e = cases[2].find("error")
assert e.get("message") == "state 'charge' was called for attempt 1\nline two\ttab", repr(e.get("message"))
assert e.get("type") == "flow.TestError"
print("ok")
)";
  CHECK(test::sh(std::string(k_python) + " " + script.string() + " " + xml_path.string() + " > " +
                 (dir.path() / "out").string() + " 2>&1") == 0);
  std::ifstream out(dir.path() / "out");
  std::string text((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
  INFO(xml);
  CHECK(text == "ok\n");
}

TEST_CASE("flow::junit_xml with no suites is still a document", "[flow][test]") {
  CHECK(junit_xml({}) ==
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"fstage flow test\" "
        "tests=\"0\" failures=\"0\" errors=\"0\" time=\"0.000\">\n</testsuites>\n");
}
