// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <fstage/base/strings.hpp>

using fstage::shell_word;

TEST_CASE("shell_word leaves plain words alone and quotes the rest", "[base][strings]") {
  CHECK(shell_word("demo") == "demo");
  CHECK(shell_word("a/b-c_d.e:f,g@h%i+j") == "a/b-c_d.e:f,g@h%i+j");
  CHECK(shell_word("bad name!") == "'bad name!'");
  CHECK(shell_word("it's") == "'it'\\''s'");
  CHECK(shell_word("$HOME") == "'$HOME'");
  CHECK(shell_word("~/x") == "'~/x'");
  CHECK(shell_word("a=b") == "'a=b'");
  CHECK(shell_word("") == "''");
  CHECK(shell_word("-dash") == "./-dash");
  CHECK(shell_word("-n x") == "'./-n x'");
  CHECK(shell_word("-n", false) == "-n");
}
