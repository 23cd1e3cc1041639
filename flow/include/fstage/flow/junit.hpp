// SPDX-License-Identifier: Apache-2.0
// Flow test results as JUnit XML, the report CI systems read (Jenkins, GitLab, GitHub
// actions): <testsuites> with one <testsuite> per test file, a <testcase> per case, and a
// <failure> (an expectation missed) or <error> (the case could not be judged) in each that
// did not pass. Times in seconds.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <fstage/flow/testrun.hpp>

namespace fstage::flow {

// The whole document, UTF-8, ending in a newline.
std::string junit_xml(const std::vector<SuiteResult>& suites);

// `text` as XML 1.0 character data, or (`attribute`) as an attribute value in double quotes:
// markup characters escaped; bytes that are not UTF-8 and characters XML 1.0 cannot hold
// (control characters, U+FFFE, U+FFFF) replaced by U+FFFD; in attributes, tabs and line
// breaks kept as character references so a parser does not fold them into spaces.
std::string xml_escape(std::string_view text, bool attribute = false);

}  // namespace fstage::flow
