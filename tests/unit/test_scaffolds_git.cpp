// SPDX-License-Identifier: Apache-2.0
#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/scaffolds/init.hpp>

#include "test_support.hpp"

using namespace fstage;
using namespace fstage::scaffolds;
using fstage::test::file_mode;
using fstage::test::Scratch;
using fstage::test::sh;
namespace stdfs = std::filesystem;

namespace {

const char* k_git = "git -c user.name=t -c user.email=t@example.com -c init.defaultBranch=main";

// Shell that writes a Custom-runtime fstage.yaml and bootstrap into directory $1.
std::string project_in(const std::string& dir) {
  return "printf 'name: {{name}}\\nfunctions:\\n  {{name}}:\\n    runtime: Custom\\n    "
         "handler: bootstrap\\n' > " +
         dir + "/fstage.yaml; printf '#!/bin/sh\\n' > " + dir + "/bootstrap; chmod +x " + dir +
         "/bootstrap";
}

// A bare repository at `s/<name>.git` whose tree is built by `setup` (shell, run in a work tree).
stdfs::path make_repo(const Scratch& s, const std::string& name, const std::string& setup) {
  stdfs::path work = s.path() / (name + "-work");
  std::string cmd = std::string("set -e; mkdir -p '") + work.string() + "'; cd '" + work.string() +
                    "'; " + k_git + " init -q .; " + setup + "; " + k_git + " add -A; " + k_git +
                    " commit -qm init; " + k_git + " tag v1; " + k_git + " clone -q --bare . '" +
                    (s.path() / (name + ".git")).string() + "'";
  REQUIRE(sh(cmd) == 0);
  return s.path() / (name + ".git");
}

Expected<InitResult> init_from(const stdfs::path& dir, const std::string& ref) {
  InitRequest r;
  r.dir = dir;
  r.template_ref = ref;
  r.name = "myfn";
  return init_project(r);
}

}  // namespace

TEST_CASE("scaffolds::init_project from a git template renders files and keeps modes",
          "[scaffolds][git]") {
  Scratch s;
  auto repo = make_repo(s, "good",
                        "mkdir -p py/src; printf 'hello {{name}}\\n' > py/README.md; "
                        "printf '#!/bin/sh\\necho {{name}}\\n' > py/run.sh; chmod +x py/run.sh; "
                        "printf 'x' > py/src/a.txt; ln -s ../README.md py/src/link; "
                        "printf 'root' > top.txt; " +
                            project_in("py") + "; " + project_in("."));
  stdfs::path dir = s.path() / "out";
  auto r = init_from(dir, "git+file://" + repo.string() + "#v1:py");
  REQUIRE(r);
  CHECK(*read_file(dir / "README.md") == "hello myfn\n");
  CHECK(*read_file(dir / "run.sh") == "#!/bin/sh\necho myfn\n");
  CHECK(file_mode(dir / "run.sh") == 0755);
  CHECK(file_mode(dir / "README.md") == 0644);
  CHECK(stdfs::is_symlink(dir / "src" / "link"));
  CHECK(stdfs::read_symlink(dir / "src" / "link") == "../README.md");
  CHECK_FALSE(stdfs::exists(dir / "top.txt"));
  CHECK_FALSE(stdfs::exists(dir / ".git"));

  SECTION("a plain local path and the default branch work too") {
    stdfs::path dir2 = s.path() / "out2";
    auto r2 = init_from(dir2, "git+" + repo.string());
    REQUIRE(r2);
    CHECK(stdfs::exists(dir2 / "top.txt"));
    CHECK(stdfs::exists(dir2 / "py" / "README.md"));
  }
}

TEST_CASE("scaffolds::init_project refuses git templates that escape the target",
          "[scaffolds][git]") {
  Scratch s;
  stdfs::path dir = s.path() / "victim";

  SECTION("a symlink pointing out of the template") {
    auto repo = make_repo(s, "esc", "printf a > a.txt; ln -s ../../../../etc/passwd link");
    auto r = init_from(dir, "git+file://" + repo.string());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::unsafe);
    CHECK(r.error().message.find("link") != std::string::npos);
  }
  SECTION("an absolute symlink") {
    auto repo = make_repo(s, "abs", "printf a > a.txt; ln -s /etc/passwd link");
    auto r = init_from(dir, "git+file://" + repo.string());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::unsafe);
  }
  SECTION("a crafted tree with a '..' entry") {
    // git itself refuses to add such a path, so build the tree objects by hand.
    stdfs::path bare = s.path() / "dotdot.git";
    std::string cmd =
        std::string("set -e; ") + k_git + " init -q --bare '" + bare.string() + "'; cd '" +
        bare.string() +
        "'; b=$(echo pwned | git hash-object -w --stdin); "
        "in=$(printf \"100644 blob $b\\tevil.txt\\n\" | git mktree); "
        "out=$(printf \"040000 tree $in\\t..\\n100644 blob $b\\tok.txt\\n\" | git mktree); "
        "c=$(" +
        k_git + " commit-tree $out -m x); git update-ref refs/heads/main $c";
    REQUIRE(sh(cmd) == 0);
    auto r = init_from(dir, "git+file://" + bare.string());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::unsafe);
    CHECK_FALSE(stdfs::exists(s.path() / "evil.txt"));
  }
  CHECK_FALSE(stdfs::exists(dir));
}

TEST_CASE("scaffolds::init_project reports bad git template references", "[scaffolds][git]") {
  Scratch s;
  auto repo = make_repo(s, "r", "printf a > a.txt");
  stdfs::path dir = s.path() / "out";
  CHECK(init_from(dir, "git+file://" + repo.string() + "#nosuchref").error().code ==
        ErrorCode::not_found);
  CHECK(init_from(dir, "git+file://" + repo.string() + "#main:nosuchdir").error().code ==
        ErrorCode::not_found);
  CHECK(init_from(dir, "git+file://" + (s.path() / "missing.git").string()).error().code ==
        ErrorCode::not_found);
  CHECK_FALSE(stdfs::exists(dir));
}

TEST_CASE("scaffolds::init_project validates what a git template makes before writing it",
          "[scaffolds][git]") {
  Scratch s;
  stdfs::path dir = s.path() / "out";
  SECTION("no fstage.yaml") {
    auto repo = make_repo(s, "bare", "printf a > a.txt");
    auto r = init_from(dir, "git+file://" + repo.string());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::invalid_input);
    CHECK(r.error().message.find("has no fstage.yaml") != std::string::npos);
  }
  SECTION("an empty runtime and a {{handler}} nothing replaces") {
    auto repo = make_repo(s, "nojson",
                          "printf 'name: x\\nfunctions:\\n  {{name}}:\\n    runtime: "
                          "{{runtime}}\\n    handler: {{handler}}\\n' > fstage.yaml");
    auto r = init_from(dir, "git+file://" + repo.string());
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::invalid_input);
    const auto& d = r.error().details;
    REQUIRE_FALSE(d.empty());
    CHECK(d.front().find("fstage.yaml:5: {{handler}} was not replaced") == 0);
    CHECK(r.error().hint.find("pass -r RUNTIME") != std::string::npos);
  }
  CHECK_FALSE(stdfs::exists(dir));
  for (const auto& e : stdfs::directory_iterator(s.path())) {
    CHECK(e.path().filename().string().find(".fstage-init") == std::string::npos);
  }
}

TEST_CASE("scaffolds::init_project reads a git template's template.json", "[scaffolds][git]") {
  Scratch s;
  // A built-in template's layout: template.json, base/, triggers/<t>/.
  auto repo = make_repo(
      s, "layered",
      "mkdir -p base triggers/apig; "
      "printf '{\"runtimes\": [\"custom\"], \"handler\": \"bootstrap\", "
      "\"executable\": [\"bootstrap\"], \"triggers\": [\"apig\"]}' > template.json; "
      "printf 'name: {{name}}\\nfunctions:\\n  {{name}}:\\n    runtime: {{runtime}}\\n    "
      "handler: {{handler}}\\n{{triggers}}' > base/fstage.yaml; "
      "printf '#!/bin/sh\\n' > base/bootstrap; printf base > base/which.txt; "
      "printf apig > triggers/apig/which.txt");
  InitRequest r;
  r.dir = s.path() / "out";
  r.template_ref = "git+file://" + repo.string();
  r.name = "myfn";
  r.trigger = "apig";
  auto res = init_project(r);
  REQUIRE(res);
  CHECK(res->runtime == "Custom");
  CHECK(file_mode(r.dir / "bootstrap") == 0755);
  CHECK(*read_file(r.dir / "which.txt") == "apig");
  CHECK_FALSE(stdfs::exists(r.dir / "template.json"));
  CHECK_FALSE(stdfs::exists(r.dir / "base"));
  auto yaml = read_file(r.dir / "fstage.yaml");
  CHECK(yaml->find("handler: bootstrap") != std::string::npos);
  CHECK(yaml->find("type: APIG") != std::string::npos);

  r.dir = s.path() / "out2";
  r.trigger = "timer";
  auto bad = init_project(r);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == ErrorCode::usage);
  CHECK(bad.error().hint == "its variants: apig");
}
