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
#include <fstage/flow/xml.hpp>

namespace fstage::flow {

// The whole document, UTF-8, ending in a newline.
std::string junit_xml(const std::vector<SuiteResult>& suites);

}  // namespace fstage::flow
