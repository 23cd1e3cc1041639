// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/manifest/manifest.hpp>
#include <fstage/scaffolds/init.hpp>

#include "test_support.hpp"

using namespace fstage;
using namespace fstage::scaffolds;
using fstage::test::file_mode;
using fstage::test::Scratch;
namespace stdfs = std::filesystem;

namespace {

InitRequest request(const stdfs::path& dir, std::string runtime, std::string trigger = "") {
  InitRequest r;
  r.dir = dir;
  r.runtime = std::move(runtime);
  r.trigger = std::move(trigger);
  return r;
}

// Every file below `dir`, relative, sorted.
std::vector<std::string> tree(const stdfs::path& dir) {
  std::vector<std::string> out;
  if (!stdfs::exists(dir)) {
    return out;
  }
  for (const auto& e : stdfs::recursive_directory_iterator(dir)) {
    out.push_back(stdfs::relative(e.path(), dir).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

TEST_CASE("scaffolds::init_project writes a valid project for every template and trigger",
          "[scaffolds][init]") {
  Scratch s;
  auto all = builtin_templates();
  REQUIRE(all);
  int n = 0;
  for (const auto& t : *all) {
    std::vector<std::string> variants = {""};
    variants.insert(variants.end(), t.triggers.begin(), t.triggers.end());
    for (const auto& trig : variants) {
      INFO("template " << t.id << " trigger '" << trig << "'");
      stdfs::path dir = s.path() / (t.id + "-" + (trig.empty() ? "plain" : trig));
      InitRequest req = request(dir, "", trig);
      req.template_ref = t.id;
      auto r = init_project(req);
      REQUIRE(r);
      CHECK(r->runtime == t.runtimes.front());
      CHECK(r->warnings.empty());  // what init validated: not even a warning
      for (const char* must : {"fstage.yaml", "event.json", ".fstageignore", "README.md"}) {
        INFO(must);
        CHECK(stdfs::exists(dir / must));
      }
      auto event = read_file(dir / "event.json");
      REQUIRE(event);
      CHECK(parse_json(*event, "event.json"));
      auto m = manifest::load_manifest(dir / "fstage.yaml");
      if (!m) {
        for (const auto& d : m.error().details) {
          UNSCOPED_INFO(d);
        }
      }
      REQUIRE(m);
      if (t.functions.empty()) {
        REQUIRE(m->functions.size() == 1);
        CHECK(m->functions[0].name == r->name);
        CHECK(m->functions[0].runtime.name == t.runtimes.front());
        CHECK(m->functions[0].triggers.size() == (trig.empty() ? 0U : 1U));
      } else {
        // An example project: exactly the functions template.json names, in that order.
        REQUIRE(m->functions.size() == t.functions.size());
        for (std::size_t i = 0; i < t.functions.size(); ++i) {
          CHECK(m->functions[i].name == t.functions[i]);
          CHECK(m->functions[i].runtime.name == t.runtimes.front());
        }
      }
      for (const auto& exe : t.executable) {
        CHECK(file_mode(dir / exe) == 0755);
      }
      ++n;
    }
  }
  CHECK(n >= 6);
}

TEST_CASE("scaffolds::init_project resolves runtime aliases to API names", "[scaffolds][init]") {
  Scratch s;
  struct Case {
    const char* alias;
    const char* name;
  };
  for (auto c :
       {Case{"python3.9", "Python3.9"}, Case{"nodejs18", "Node.js18.15"}, Case{"java11", "Java11"},
        Case{"go", "Go1.x"}, Case{"custom", "Custom"}, Case{"HTTP", "http"}}) {
    INFO(c.alias);
    InitRequest req = request(s.path() / c.alias, c.alias);
    req.name = "fn";  // "python3.9" is no function name
    auto r = init_project(req);
    REQUIRE(r);
    CHECK(r->runtime == c.name);
    auto text = read_file(s.path() / c.alias / "fstage.yaml");
    REQUIRE(text);
    CHECK(text->find(std::string("runtime: ") + c.name) != std::string::npos);
  }
}

TEST_CASE("scaffolds::init_project never overwrites without force", "[scaffolds][init]") {
  Scratch s;
  stdfs::path dir = s.path() / "proj";
  REQUIRE(init_project(request(dir, "python3.10")));
  REQUIRE(write_file_atomic(dir / "fstage.yaml", "mine\n"));
  auto before = tree(dir);

  auto again = init_project(request(dir, "nodejs18"));
  REQUIRE_FALSE(again);
  CHECK(again.error().code == ErrorCode::already_exists);
  CHECK(std::find(again.error().details.begin(), again.error().details.end(), "fstage.yaml") !=
        again.error().details.end());
  CHECK(*read_file(dir / "fstage.yaml") == "mine\n");
  CHECK(tree(dir) == before);  // no staging directory or partial file left behind

  InitRequest forced = request(dir, "nodejs18");
  forced.force = true;
  REQUIRE(init_project(forced));
  CHECK(read_file(dir / "fstage.yaml")->find("Node.js18.15") != std::string::npos);
  CHECK(stdfs::exists(dir / "index.py"));  // unrelated files are left alone
}

TEST_CASE("scaffolds::init_project fails cleanly on bad requests", "[scaffolds][init]") {
  Scratch s;
  stdfs::path dir = s.path() / "x";
  CHECK(init_project(request(dir, "cobol")).error().code == ErrorCode::usage);
  CHECK(init_project(request(dir, "pyhton3.10")).error().message.find("did you mean") !=
        std::string::npos);
  CHECK(init_project(request(dir, "python3.10", "nosuch")).error().code == ErrorCode::usage);
  InitRequest bad_name = request(dir, "python3.10");
  bad_name.name = "9lives";
  CHECK(init_project(bad_name).error().code == ErrorCode::usage);
  InitRequest mismatch = request(dir, "java17");
  mismatch.template_ref = "python";
  CHECK(init_project(mismatch).error().code == ErrorCode::usage);
  CHECK_FALSE(stdfs::exists(dir));
  CHECK(tree(s.path()).empty());
}

TEST_CASE("scaffolds::init_project writes the runtime API packages for Java and Go",
          "[scaffolds][init]") {
  Scratch s;
  REQUIRE(init_project(request(s.path() / "j", "java17")));
  CHECK(stdfs::file_size(s.path() / "j" / "lib" / "fstage-runtime-api.jar") > 1000);
  REQUIRE(init_project(request(s.path() / "g", "go")));
  CHECK(stdfs::exists(s.path() / "g" / "lib" / "go-runtime" / "go.mod"));
  auto gomod = read_file(s.path() / "g" / "go.mod");
  REQUIRE(gomod);
  CHECK(gomod->find("replace huaweicloud.com/go-runtime => ./lib/go-runtime") != std::string::npos);
}

TEST_CASE("scaffolds::init_project refuses a project inside another unless nested",
          "[scaffolds][init]") {
  Scratch s;
  stdfs::path outer = s.path() / "outer";
  REQUIRE(init_project(request(outer, "python3.10")));
  auto before = tree(outer);
  for (const auto& dir : {outer / "inner", outer / "a" / "b"}) {
    INFO(dir);
    auto r = init_project(request(dir, "nodejs18"));
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::usage);
    CHECK(r.error().message.find((outer / "fstage.yaml").string()) != std::string::npos);
    CHECK(r.error().hint.find("--nested") != std::string::npos);
  }
  CHECK(tree(outer) == before);
  CHECK(enclosing_manifest(outer) == std::nullopt);
  CHECK(enclosing_manifest(outer / "x" / "y") == outer / "fstage.yaml");

  InitRequest nested = request(outer / "inner", "nodejs18");
  nested.nested = true;
  REQUIRE(init_project(nested));
  CHECK(stdfs::exists(outer / "inner" / "fstage.yaml"));
}

TEST_CASE("scaffolds::init_project says which directory it cannot write, and why",
          "[scaffolds][init]") {
  auto r = init_project(request("/proc/nope/deeper", "python3.10"));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::io);
  CHECK(r.error().message ==
        "cannot write the project to /proc/nope/deeper: /proc does not take new files (a "
        "virtual file system, such as /proc or /sys)");
  CHECK_FALSE(r.error().hint.empty());
}
