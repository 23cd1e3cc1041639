// SPDX-License-Identifier: Apache-2.0
// validate_file / load_manifest / find_manifest against files on disk, and the fixture set in
// tests/fixtures/manifests (bad/*.yaml say on their first line where they must fail).
#include <filesystem>
#include <fstream>
#include <string>

#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/manifest/manifest.hpp>

#include <sys/stat.h>

using namespace fstage::manifest;
namespace fs = std::filesystem;

namespace {

const fs::path k_fixtures = fs::path(FSTAGE_SOURCE_DIR) / "tests/fixtures/manifests";

void write(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream(p, std::ios::binary) << text;
}

}  // namespace

TEST_CASE("manifest fixtures in bad/ fail where their first line says", "[manifest]") {
  int count = 0;
  for (const auto& entry : fs::directory_iterator(k_fixtures / "bad")) {
    if (entry.path().extension() != ".yaml") {
      continue;
    }
    ++count;
    std::ifstream in(entry.path(), std::ios::binary);
    std::string header;
    std::getline(in, header);
    INFO(entry.path().filename().string() << ": " << header);
    REQUIRE(header.starts_with("# expect: "));
    std::string spec = header.substr(10);
    std::size_t colon = spec.find(':');
    std::size_t space = spec.find(' ');
    int line = std::stoi(spec.substr(0, colon));
    int column = std::stoi(spec.substr(colon + 1, space - colon - 1));
    std::string needle = spec.substr(space + 1);

    auto v = validate_file(entry.path(), "fstage.yaml");
    std::string all;
    for (const auto& d : v.errors) {
      all += d.str() + "\n";
    }
    INFO(all);
    CHECK_FALSE(v.manifest);
    REQUIRE_FALSE(v.errors.empty());
    CHECK(v.errors.front().where.line == line);
    CHECK(v.errors.front().where.column == column);
    CHECK_THAT(v.errors.front().str(), Catch::Contains(needle));
  }
  CHECK(count >= 10);
}

TEST_CASE("manifest::validate_file accepts the good fixture and checks code dirs", "[manifest]") {
  auto v = validate_file(k_fixtures / "good/fstage.yaml");
  for (const auto& d : v.errors) {
    UNSCOPED_INFO(d.str());
  }
  REQUIRE(v.errors.empty());
  CHECK(v.warnings.empty());
  REQUIRE(v.manifest);
  CHECK(v.manifest->root == k_fixtures / "good");
  CHECK(v.manifest->path == k_fixtures / "good/fstage.yaml");
  CHECK(v.manifest->functions.size() == 2);
  CHECK(v.manifest->find("orders")->code == "src/orders");
}

TEST_CASE("manifest::validate_file warns when a handler's file is missing", "[manifest]") {
  auto dir = fstage::TempDir::create({}, "fstage-manifest-test");
  REQUIRE(dir);
  write(dir->path() / "fstage.yaml",
        "name: p\nfunctions:\n  a:\n    runtime: python3.10\n    handler: main.handler\n");
  auto v = validate_file(dir->path() / "fstage.yaml", "fstage.yaml");
  REQUIRE(v.errors.empty());
  REQUIRE(v.warnings.size() == 1);
  CHECK(v.warnings[0].str() ==
        "fstage.yaml:5:14: functions.a.handler: 'main.py' not found in '.'; the handler names a "
        "file in the code directory");
  write(dir->path() / "main.py", "def handler(e, c):\n    return 1\n");
  CHECK(validate_file(dir->path() / "fstage.yaml").warnings.empty());
}

TEST_CASE("manifest::validate_file refuses a bootstrap without the execute bit", "[manifest]") {
  // The platform runs bootstrap and refuses one that is not executable (PLATFORM.md §1.6).
  auto dir = fstage::TempDir::create({}, "fstage-manifest-test");
  REQUIRE(dir);
  write(dir->path() / "fstage.yaml",
        "name: p\nfunctions:\n  web:\n    runtime: http\n    code: app\n");
  std::filesystem::create_directories(dir->path() / "app");
  auto v = validate_file(dir->path() / "fstage.yaml", "fstage.yaml");
  REQUIRE(v.errors.empty());
  REQUIRE(v.warnings.size() == 1);
  CHECK(v.warnings[0].str().find("no `bootstrap` in 'app'") != std::string::npos);
  const auto bootstrap = dir->path() / "app/bootstrap";
  write(bootstrap, "python3 -u $RUNTIME_CODE_ROOT/server.py\n");
  ::chmod(bootstrap.c_str(), 0644);
  v = validate_file(dir->path() / "fstage.yaml", "fstage.yaml");
  REQUIRE(v.errors.size() == 1);
  CHECK(v.errors[0].where.line == 3);
  CHECK(v.errors[0].str().find("functions.web: 'app/bootstrap' is not executable") !=
        std::string::npos);
  CHECK(v.errors[0].hint == "chmod +x app/bootstrap");
  ::chmod(bootstrap.c_str(), 0755);
  v = validate_file(dir->path() / "fstage.yaml", "fstage.yaml");
  CHECK(v.errors.empty());
  CHECK(v.warnings.empty());

  // The hint is a command to paste: a code directory with a space is quoted.
  write(dir->path() / "fstage.yaml",
        "name: p\nfunctions:\n  web:\n    runtime: http\n    code: my app\n");
  write(dir->path() / "my app/bootstrap", "true\n");
  ::chmod((dir->path() / "my app/bootstrap").c_str(), 0644);
  v = validate_file(dir->path() / "fstage.yaml", "fstage.yaml");
  REQUIRE(v.errors.size() == 1);
  CHECK(v.errors[0].hint == "chmod +x 'my app/bootstrap'");
}

TEST_CASE("manifest::load_manifest turns diagnostics into one invalid_input error", "[manifest]") {
  auto dir = fstage::TempDir::create({}, "fstage-manifest-test");
  REQUIRE(dir);
  const fs::path file = dir->path() / "fstage.yaml";

  SECTION("several errors become details") {
    write(file,
          "name: p\nfunctions:\n  a:\n    runtime: go\n    handler: h\n    memory: 100\n"
          "    timeout: 0\n    code: nowhere\n");
    auto m = load_manifest(file, "fstage.yaml");
    REQUIRE_FALSE(m);
    CHECK(m.error().code == fstage::ErrorCode::invalid_input);
    CHECK(m.error().message == "fstage.yaml: 3 errors");
    REQUIRE(m.error().details.size() == 3);
    CHECK(m.error().details[0].starts_with("fstage.yaml:6:13: functions.a.memory: 100"));
    CHECK(m.error().details[1].starts_with("fstage.yaml:7:14: functions.a.timeout: 0"));
    CHECK(m.error().details[2] ==
          "fstage.yaml:8:11: functions.a.code: directory 'nowhere' does not exist; expected an "
          "existing directory relative to fstage.yaml");
    CHECK(m.error().hint ==
          "change each field as its line above says; 'fstage validate' re-checks");
  }
  SECTION("a single error is the message") {
    write(file, "name: p\nfunctions:\n  a: {runtime: go, handler: h, memory: 100}\n");
    auto m = load_manifest(file);
    REQUIRE_FALSE(m);
    CHECK(m.error().message.starts_with(file.string() + ":3:40: functions.a.memory: 100"));
    CHECK(m.error().details.empty());
  }
  SECTION("a valid file loads, with its warnings") {
    write(file, "name: p\nfunctions:\n  a: {runtime: PHP7.3, handler: index.handler}\n");
    auto m = load_manifest(file);
    REQUIRE(m);
    CHECK(m->functions.size() == 1);
    CHECK(m->warnings.size() == 1);  // the runtime cannot run locally
  }
  SECTION("a missing file is not_found") {
    auto m = load_manifest(dir->path() / "nope.yaml");
    REQUIRE_FALSE(m);
    CHECK(m.error().code == fstage::ErrorCode::not_found);
    CHECK_THAT(m.error().hint, Catch::Contains("fstage init"));
  }
}

TEST_CASE("manifest::find_manifest looks in the directory and its parents", "[manifest]") {
  auto dir = fstage::TempDir::create({}, "fstage-manifest-test");
  REQUIRE(dir);
  const fs::path root = dir->path();
  fs::create_directories(root / "a/b/c");
  auto none = find_manifest(root / "a/b/c");
  if (none) {
    // Some parent of $TMPDIR holds a fstage.yaml: the search walked up as designed.
    CHECK_FALSE(none->string().starts_with(root.string()));
  } else {
    CHECK(none.error().code == fstage::ErrorCode::not_found);
    CHECK_THAT(none.error().hint, Catch::Contains("fstage init"));
  }
  write(root / "a/fstage.yaml", "name: p\n");
  auto found = find_manifest(root / "a/b/c");
  REQUIRE(found);
  CHECK(*found == root / "a/fstage.yaml");
  write(root / "a/b/c/fstage.yaml", "name: q\n");
  CHECK(*find_manifest(root / "a/b/c") == root / "a/b/c/fstage.yaml");
  fs::create_directories(root / "d/fstage.yaml");  // a directory is not a manifest
  auto dir_named = find_manifest(root / "d");
  CHECK((!dir_named || *dir_named != root / "d/fstage.yaml"));
}
