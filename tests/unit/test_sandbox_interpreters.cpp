// SPDX-License-Identifier: Apache-2.0
// The Python shim's bytecode cache (compiled_python): compiled by the host's interpreter once,
// then read back; a source that does not compile yields nothing (the shim runs from source).
#include <filesystem>
#include <map>
#include <string>

#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/manifest/runtimes.hpp>
#include <fstage/sandbox/interpreters.hpp>

namespace fs = std::filesystem;
using namespace fstage;
using namespace fstage::sandbox;

TEST_CASE("compiled_python compiles once per interpreter and source, then reads the cache",
          "[sandbox][interpreters]") {
  if (!fs::exists("/usr/bin/python3")) {
    WARN("SKIPPED: no /usr/bin/python3 on this machine");
    return;
  }
  auto dir = TempDir::create({}, "fstage-pyc-");
  REQUIRE(dir);
  std::map<std::string, std::string> env = {{"XDG_CACHE_HOME", dir->path().string()},
                                            {"PATH", "/usr/bin:/bin"}};
  auto python = find_interpreter(manifest::Language::python, env);
  REQUIRE(python);

  const std::string source = "import sys\nprint('shim', sys.argv)\n";
  auto first = compiled_python(*python, source, "/home/snuser/runtime/python/bootstrap.py", env);
  REQUIRE(first);
  // A pyc: the interpreter's magic number ends in \r\n; flags 0b01 = hash-based, unchecked.
  REQUIRE(first->size() > 16);
  CHECK(first->substr(2, 2) == "\r\n");
  CHECK(static_cast<unsigned char>((*first)[4]) == 1);
  // The file name tracebacks show is baked in.
  CHECK(first->find("/home/snuser/runtime/python/bootstrap.py") != std::string::npos);

  std::size_t files = 0;
  for (const auto& e : fs::directory_iterator(dir->path() / "fstage/pyc")) {
    CHECK(e.path().extension() == ".pyc");  // no temporary left behind
    ++files;
  }
  CHECK(files == 1);

  // The second call is served from the cache: make the cached file recognisably different.
  fs::path cached = fs::directory_iterator(dir->path() / "fstage/pyc")->path();
  REQUIRE(write_file_atomic(cached, *first + "#"));
  auto second = compiled_python(*python, source, "/home/snuser/runtime/python/bootstrap.py", env);
  REQUIRE(second);
  CHECK(*second == *first + "#");

  // Another source is another entry; one that does not compile gives nothing.
  CHECK(compiled_python(*python, source + "x = 1\n", "/x.py", env));
  CHECK_FALSE(compiled_python(*python, "def broken(:\n", "/x.py", env));
  files = 0;
  for (const auto& e : fs::directory_iterator(dir->path() / "fstage/pyc")) {
    CHECK(e.path().extension() == ".pyc");
    ++files;
  }
  CHECK(files == 2);

  // Without a cache directory there is no bytecode, and no error either.
  CHECK_FALSE(compiled_python(*python, source, "/x.py", {{"HOME", "/"}}));
}
