// SPDX-License-Identifier: Apache-2.0
// The local paths a build's own files name (builder/src/build_refs.cpp): what makes them
// inputs of the build and resolvable in its staging copy.
#include <fstream>

#include <catch2/catch.hpp>

#include "package_internal.hpp"
#include "test_support.hpp"

namespace {

namespace stdfs = std::filesystem;
using namespace fstage::builder::detail;
using fstage::test::Scratch;

void put(const stdfs::path& root, const std::string& rel, const std::string& text) {
  stdfs::create_directories((root / rel).parent_path());
  std::ofstream(root / rel) << text;
}

// "written -> path relative to root @ origin", one per line.
std::string describe(const std::vector<LocalRef>& refs, const stdfs::path& root) {
  std::string out;
  for (const auto& r : refs) {
    out += r.written + " -> " + r.path.lexically_relative(root).generic_string() + " @ " +
           r.origin + "\n";
  }
  return out;
}

}  // namespace

TEST_CASE("builder::local_refs reads requirements files as pip does", "[build]") {
  Scratch s;
  const auto code = s.path() / "fn";
  put(code, "requirements.txt",
      "# a comment\n"
      "requests==2.31  # from an index: not a path\n"
      "--no-index\n"
      "--find-links ./wheels\n"
      "./vendor/mylib\n"
      "-e ../shared/tools\n"
      "local @ file:///opt/pkgs/local-1.0.tar.gz\n"
      "dist/otherlib-1.0-py3-none-any.whl\n"
      "-r more/extra.txt\n");
  put(code, "more/extra.txt",
      "--find-links=../wheels2\n../vendor/deep[fast] ; python_version>'3'\n");
  auto refs = local_refs(BuildKind::pip, code, "requirements.txt");
  REQUIRE(refs);
  CHECK(describe(*refs, s.path()) ==
        "./wheels -> fn/wheels @ requirements.txt:4\n"
        "./vendor/mylib -> fn/vendor/mylib @ requirements.txt:5\n"
        "../shared/tools -> shared/tools @ requirements.txt:6\n"
        "file:///opt/pkgs/local-1.0.tar.gz -> ../../opt/pkgs/local-1.0.tar.gz @ "
        "requirements.txt:7\n"
        "dist/otherlib-1.0-py3-none-any.whl -> fn/dist/otherlib-1.0-py3-none-any.whl @ "
        "requirements.txt:8\n"
        "more/extra.txt -> fn/more/extra.txt @ requirements.txt:9\n"
        "../wheels2 -> fn/wheels2 @ more/extra.txt:1\n"
        "../vendor/deep[fast] -> fn/vendor/deep @ more/extra.txt:2\n");
}

TEST_CASE("builder::local_refs follows go.mod replace directives to directories", "[build]") {
  Scratch s;
  const auto code = s.path() / "functions" / "api";
  put(code, "go.mod",
      "module example.com/api\n\ngo 1.19\n\n"
      "replace example.com/greet => ../../lib/greet // local\n"
      "replace (\n"
      "\thuaweicloud.com/go-runtime => ./lib/go-runtime\n"
      "\texample.com/remote => example.com/fork v1.2.3\n"
      ")\n");
  auto refs = local_refs(BuildKind::go, code, "");
  REQUIRE(refs);
  CHECK(describe(*refs, s.path()) ==
        "../../lib/greet -> lib/greet @ go.mod:5\n"
        "./lib/go-runtime -> functions/api/lib/go-runtime @ go.mod:7\n");
}

TEST_CASE("builder::local_refs finds npm file: and link: dependencies", "[build]") {
  Scratch s;
  const auto code = s.path() / "api";
  put(code, "package.json",
      R"({"dependencies": {"greet": "file:../shared/greet", "is-number": "^7.0.0"},
          "devDependencies": {"tool": "link:./tools/tool"}})");
  put(code, "package-lock.json",
      R"({"lockfileVersion": 3, "packages": {"": {}, "../shared/greet": {"version": "1.0.0"},
          "node_modules/greet": {"resolved": "../shared/greet", "link": true},
          "node_modules/is-number": {"version": "7.0.0"}}})");
  auto refs = local_refs(BuildKind::npm, code, "");
  REQUIRE(refs);
  CHECK(describe(*refs, s.path()) ==
        "../shared/greet -> shared/greet @ package.json dependencies greet\n"
        "./tools/tool -> api/tools/tool @ package.json devDependencies tool\n"
        "../shared/greet -> shared/greet @ package-lock.json ../shared/greet\n");
}
