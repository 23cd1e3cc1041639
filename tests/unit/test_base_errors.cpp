// SPDX-License-Identifier: Apache-2.0
// Error::from_errno and error_code_for_errno: the one errno -> ErrorCode mapping, and the
// rendering of permission errors.
#include <cerrno>
#include <string>
#include <system_error>

#include <catch2/catch.hpp>

#include <fstage/base/error.hpp>
#include <fstage/base/fs.hpp>

#include "test_support.hpp"

using fstage::test::Scratch;
using namespace fstage;

TEST_CASE("Error::from_errno: one errno mapping, permission errors say who may read",
          "[base][error]") {
  CHECK(error_code_for_errno(ENOENT) == ErrorCode::not_found);
  CHECK(error_code_for_errno(ENOTDIR) == ErrorCode::not_found);
  CHECK(error_code_for_errno(EEXIST) == ErrorCode::already_exists);
  CHECK(error_code_for_errno(EACCES) == ErrorCode::io);
  CHECK(error_code_for_errno(EPERM) == ErrorCode::io);
  Scratch s;
  const auto file = s.path() / "secret.yaml";
  REQUIRE(write_file_atomic(file, "x", 0));
  Error e = Error::from_errno("open", file.string(), EACCES);
  CHECK(e.code == ErrorCode::io);
  CHECK(e.message == "permission denied: " + file.string());
  CHECK(e.hint.find("is mode 0000, owned by ") != std::string::npos);
  CHECK(e.hint.find("chmod u+r " + file.string()) != std::string::npos);
  Error w = Error::from_errno("create", (s.path() / "new").string(), EACCES);
  CHECK(w.hint.find("chmod u+w " + s.path().string()) != std::string::npos);
  Error gone = Error::from_errno("open", "/nonexistent/x", ENOENT);
  CHECK(gone.code == ErrorCode::not_found);
  CHECK(gone.message == "open /nonexistent/x: No such file or directory");
  auto fs_error =
      Error::from_error_code("stat", "x", std::make_error_code(std::errc::permission_denied));
  CHECK(fs_error.message == "permission denied: x");
}
