// SPDX-License-Identifier: Apache-2.0
// .fstageignore semantics, with git as the oracle: the same tree carries .gitignore copies of
// every .fstageignore, and `git check-ignore` / `git ls-files -o` must agree with fstage.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>

#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/builder/ignore.hpp>
#include <fstage/builder/package.hpp>
#include <fstage/manifest/manifest.hpp>

#include "test_support.hpp"

using namespace fstage;
using namespace fstage::builder;
using fstage::test::Scratch;
namespace stdfs = std::filesystem;

namespace {

void put(const stdfs::path& root, const std::string& rel, const std::string& text = "x\n") {
  stdfs::create_directories((root / rel).parent_path());
  std::ofstream(root / rel, std::ios::binary) << text;
}

// Runs a command and returns its stdout (test setup only).
std::string capture(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (p == nullptr) {
    return out;
  }
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) {
    out.append(buf, n);
  }
  ::pclose(p);
  return out;
}

std::vector<std::string> split0(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\0') {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

std::string git(const stdfs::path& repo) {
  return "cd '" + repo.string() + "' && HOME='" + repo.string() +
         "' GIT_CONFIG_NOSYSTEM=1 git -c core.excludesFile=/dev/null ";
}

const char* k_root_rules =
    "# comment line\n"
    "*.log\n"
    "!important.log\n"
    "/root-only.txt\n"
    "build/\n"
    "doc/*.txt\n"
    "**/cache\n"
    "logs/**\n"
    "a/**/b.txt\n"
    "\\#hash.txt\n"
    "\\!bang.txt\n"
    "trailing.txt\\ \n"
    "spaces.txt   \n"
    "[!x]y.dat\n"
    "file[0-9].bin\n"
    "[[:upper:]]*.cap\n"
    "?.q\n"
    "deep/**/keep/\n"
    "!deep/**/keep/wanted.txt\n"
    "vendor/\n"
    "!vendor/keep.txt\n"
    "*.tmp\n"
    "!*.tmp/\n"
    "crlf.txt\r\n"
    "mid/dle/*.c\n"
    "\n"
    "***/triple.txt\n";

const char* k_sub_rules =
    "!*.log\n"
    "/local.txt\n"
    "nested/\n";

const std::vector<std::string> k_files = {"app.log",
                                          "important.log",
                                          "sub/app.log",
                                          "sub/deeper/x.log",
                                          "root-only.txt",
                                          "sub/root-only.txt",
                                          "build/out.o",
                                          "src/build/x.o",
                                          "other/build",
                                          "doc/readme.txt",
                                          "doc/sub/readme.txt",
                                          "x/cache",
                                          "x/y/cache/z.txt",
                                          "cache/q",
                                          "logs/a/b.txt",
                                          "logsx/a.txt",
                                          "a/b.txt",
                                          "a/x/y/b.txt",
                                          "a/b.txt.bak",
                                          "#hash.txt",
                                          "!bang.txt",
                                          "trailing.txt ",
                                          "trailing.txt",
                                          "spaces.txt",
                                          "ay.dat",
                                          "xy.dat",
                                          "file1.bin",
                                          "filex.bin",
                                          "Upper.cap",
                                          "lower.cap",
                                          "a.q",
                                          "ab.q",
                                          "deep/1/keep/wanted.txt",
                                          "deep/keep/other.txt",
                                          "vendor/keep.txt",
                                          "vendor/lib.js",
                                          "t.tmp",
                                          "dir.tmp/f",
                                          "sub/local.txt",
                                          "sub/x/local.txt",
                                          "sub/nested/f.txt",
                                          "nested/f.txt",
                                          "crlf.txt",
                                          "normal.txt",
                                          "mid/dle/x.c",
                                          "sub/mid/dle/x.c",
                                          "z/triple.txt",
                                          "triple.txt"};

const std::vector<std::string> k_dirs = {"build",  "deep/1/keep", "dir.tmp",   "logs",
                                         "vendor", "sub/nested",  "x/y/cache", "doc/sub"};

struct Tree {
  Scratch s;
  stdfs::path root() const { return s.path(); }
  Tree() {
    for (const auto& f : k_files) {
      put(root(), f);
    }
    put(root(), ".fstageignore", k_root_rules);
    put(root(), ".gitignore", k_root_rules);
    put(root(), "sub/.fstageignore", k_sub_rules);
    put(root(), "sub/.gitignore", k_sub_rules);
  }
};

bool have_git() {
  return fstage::test::sh("git --version >/dev/null 2>&1") == 0;
}

}  // namespace

TEST_CASE("builder::wildmatch follows git's glob rules", "[package][ignore]") {
  CHECK(wildmatch("*.log", "a.log"));
  CHECK_FALSE(wildmatch("*.log", "d/a.log"));
  CHECK(wildmatch("*.log", "d/a.log", false));
  CHECK(wildmatch("a/**/b", "a/b"));
  CHECK(wildmatch("a/**/b", "a/x/y/b"));
  CHECK(wildmatch("**/b", "b"));
  CHECK(wildmatch("a/**", "a/x/y"));
  CHECK_FALSE(wildmatch("a/**", "a"));
  CHECK(wildmatch("a**b", "axxb"));
  CHECK_FALSE(wildmatch("a**b", "ax/xb"));
  CHECK(wildmatch("[a-c]x", "bx"));
  CHECK_FALSE(wildmatch("[!a-c]x", "bx"));
  CHECK(wildmatch("[]]x", "]x"));
  CHECK(wildmatch("[[:digit:]]", "7"));
  CHECK_FALSE(wildmatch("[[:bogus:]]", "7"));
  CHECK(wildmatch("\\*", "*"));
  CHECK_FALSE(wildmatch("\\*", "x"));
  CHECK_FALSE(wildmatch("?", "/"));
  CHECK_FALSE(wildmatch("x\\", "x"));
  CHECK_FALSE(wildmatch("[a", "a"));
}

TEST_CASE("builder::parse_ignore reads lines as git does", "[package][ignore]") {
  auto rules = parse_ignore("\xEF\xBB\xBF# c\n\n!/a/b/\r\nx\\ \ny  \n\\#z\n", ".fstageignore", "");
  REQUIRE(rules.size() == 4);
  CHECK(rules[0].negative);
  CHECK(rules[0].dir_only);
  CHECK_FALSE(rules[0].basename_only);
  CHECK(rules[0].pattern == "a/b");
  CHECK(rules[0].line == 3);
  CHECK(rules[1].pattern == "x\\ ");
  CHECK(rules[2].pattern == "y");
  CHECK(rules[3].pattern == "\\#z");
  CHECK(rules[3].where() == ".fstageignore:6");
}

TEST_CASE("builder::IgnoreMatcher negation re-includes a file", "[package][ignore]") {
  Scratch s;
  put(s.path(), ".fstageignore", "*.log\n!keep.log\n");
  IgnoreMatcher m(s.path(), ".fstageignore");
  CHECK(m.check("a.log", false)->ignored);
  auto keep = m.check("keep.log", false);
  CHECK_FALSE(keep->ignored);
  REQUIRE(keep->rule);
  CHECK(keep->rule->line == 2);
}

TEST_CASE("builder::IgnoreMatcher cannot re-include below an excluded directory",
          "[package][ignore]") {
  Scratch s;
  put(s.path(), ".fstageignore", "build/\n!build/keep.txt\n");
  IgnoreMatcher m(s.path(), ".fstageignore");
  auto v = m.check("build/keep.txt", false);
  CHECK(v->ignored);
  CHECK(v->excluded_parent == "build");
}

TEST_CASE("builder::IgnoreMatcher tiers: forced beats manifest beats files beats built-in",
          "[package][ignore]") {
  Scratch s;
  put(s.path(), ".fstageignore", "!*.pyc\n!.git/\n*.md\n");
  IgnoreMatcher m(s.path(), ".fstageignore");
  m.add_rules(RuleTier::forced, parse_ignore(".git/\n", "forced", ""));
  m.add_rules(RuleTier::builtin, parse_ignore("*.pyc\n", "builtin", ""));
  m.add_rules(RuleTier::manifest, parse_ignore("!README.md\n", "manifest", ""));
  CHECK_FALSE(m.check("x.pyc", false)->ignored);  // the file overrides the built-in default
  CHECK(m.check(".git", true)->ignored);          // nothing overrides a forced rule
  CHECK(m.check("a.md", false)->ignored);
  CHECK_FALSE(m.check("README.md", false)->ignored);  // the manifest wins over the file
}

TEST_CASE("builder::IgnoreMatcher agrees with git check-ignore on every case",
          "[package][ignore][git]") {
  if (!have_git()) {
    WARN("git not installed: oracle test skipped");
    return;
  }
  Tree t;
  REQUIRE(fstage::test::sh(git(t.root()) + "init -q . 2>/dev/null") == 0);
  std::vector<std::string> paths = k_files;
  paths.insert(paths.end(), k_dirs.begin(), k_dirs.end());
  std::string input;
  for (const auto& p : paths) {
    input += p + '\0';
  }
  std::ofstream(t.root() / ".paths", std::ios::binary) << input;
  auto out = split0(capture(git(t.root()) + "check-ignore --no-index -v -n -z --stdin < .paths"));
  REQUIRE(out.size() == paths.size() * 4);
  IgnoreMatcher m(t.root(), ".fstageignore");
  int ignored = 0;
  int included = 0;
  for (std::size_t i = 0; i < paths.size(); ++i) {
    const std::string& source = out[i * 4];
    const std::string& line = out[i * 4 + 1];
    const std::string& pattern = out[i * 4 + 2];
    const std::string& path = out[i * 4 + 3];
    REQUIRE(path == paths[i]);
    const bool git_ignored = !pattern.empty() && pattern[0] != '!';
    const bool is_dir = stdfs::is_directory(t.root() / path);
    auto v = m.check(path, is_dir);
    REQUIRE(v);
    INFO("path '" << path << "': git says " << source << ":" << line << " " << pattern);
    CHECK(v->ignored == git_ignored);
    if (!pattern.empty()) {
      REQUIRE(v->rule);
      std::string git_source = source;
      git_source.replace(git_source.find(".gitignore"), 10, ".fstageignore");
      CHECK(v->rule->source == git_source);
      CHECK(std::to_string(v->rule->line) == line);
    } else {
      CHECK_FALSE(v->rule);
    }
    (git_ignored ? ignored : included)++;
  }
  CHECK(paths.size() >= 40);
  CHECK(ignored >= 15);
  CHECK(included >= 15);
}

TEST_CASE("builder::list_package selects what git ls-files --others keeps",
          "[package][ignore][git]") {
  if (!have_git()) {
    WARN("git not installed: oracle test skipped");
    return;
  }
  Tree t;
  REQUIRE(fstage::test::sh(git(t.root()) + "init -q . 2>/dev/null") == 0);
  std::set<std::string> expected;
  for (const auto& f : split0(capture(git(t.root()) + "ls-files -o --exclude-standard -z"))) {
    if (f.find(".gitignore") == std::string::npos && f.find(".fstageignore") == std::string::npos) {
      expected.insert(f);
    }
  }
  manifest::Manifest m;
  m.root = t.root();
  m.path = t.root() / "fstage.yaml";
  manifest::Function fn;
  fn.name = "demo";
  fn.runtime = *manifest::resolve_runtime("Custom");
  fn.handler = "bootstrap";
  auto listing = list_package(m, fn, {});
  REQUIRE(listing);
  std::set<std::string> got;
  for (const auto& e : listing->entries) {
    if (!e.directory && e.name.find(".gitignore") == std::string::npos) {
      got.insert(e.name);
    }
  }
  CHECK(got == expected);
  CHECK(expected.size() >= 15);
}

TEST_CASE("builder::explain_path names the deciding rule", "[package][ignore]") {
  Tree t;
  manifest::Manifest m;
  m.root = t.root();
  m.path = t.root() / "fstage.yaml";
  manifest::Function fn;
  fn.name = "demo";
  fn.runtime = *manifest::resolve_runtime("Custom");
  fn.handler = "bootstrap";
  fn.exclude = {"normal.txt"};
  auto a = explain_path(m, fn, "app.log");
  REQUIRE(a);
  CHECK_FALSE(a->included);
  CHECK(a->reason == "excluded by .fstageignore:2 (*.log)");
  auto b = explain_path(m, fn, t.root() / "vendor/keep.txt");
  REQUIRE(b);
  CHECK_FALSE(b->included);
  CHECK(b->excluded_parent == "vendor");
  auto c = explain_path(m, fn, "sub/app.log");
  CHECK(c->included);
  CHECK(c->reason == "included: re-included by sub/.fstageignore:1 (!*.log)");
  auto d = explain_path(m, fn, "normal.txt");
  CHECK_FALSE(d->included);
  CHECK(d->rule->source == "fstage.yaml functions.demo.exclude");
  auto e = explain_path(m, fn, ".git/config");
  CHECK_FALSE(e->included);
  auto f = explain_path(m, fn, "/elsewhere/x");
  CHECK_FALSE(f->inside);
}
