// SPDX-License-Identifier: Apache-2.0
// fstage package: deterministic bytes and the zip's format (modes, times, extra fields, UTF-8).
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>

#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/base/json.hpp>
#include <fstage/builder/package.hpp>
#include <fstage/manifest/manifest.hpp>

#include "test_support.hpp"
#include <sys/stat.h>

using namespace fstage;
using namespace fstage::builder;
using fstage::test::Scratch;
namespace stdfs = std::filesystem;

namespace {

std::string capture(const std::string& cmd) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  char buf[4096];
  while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) {
    out.append(buf, n);
  }
  ::pclose(p);
  return out;
}

// Every entry as python's zipfile sees it, plus the extra-field ids of the local header.
const char* k_inspect = R"PY(
import json, struct, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
f = open(sys.argv[1], 'rb')
def ids(ex):
    out, j = [], 0
    while j + 4 <= len(ex):
        i, n = struct.unpack('<HH', ex[j:j+4]); out.append(i); j += 4 + n
    return out
rows = []
for i in z.infolist():
    f.seek(i.header_offset); h = f.read(30)
    n, m = struct.unpack('<HH', h[26:30]); f.read(n); local = f.read(m)
    rows.append(dict(name=i.filename, mode=i.external_attr >> 16, flag=i.flag_bits,
                     date=list(i.date_time), method=i.compress_type, extra=ids(i.extra),
                     local_extra=ids(local), system=i.create_system, size=i.file_size))
print(json.dumps(rows))
)PY";

Json inspect(const stdfs::path& zip, const stdfs::path& scratch) {
  std::ofstream(scratch / "inspect.py") << k_inspect;
  auto text = capture("/usr/bin/python3 '" + (scratch / "inspect.py").string() + "' '" +
                      zip.string() + "'");
  return Json::parse(text);
}

void put(const stdfs::path& root, const std::string& rel, const std::string& text,
         unsigned mode = 0644) {
  stdfs::create_directories((root / rel).parent_path());
  std::ofstream(root / rel, std::ios::binary) << text;
  ::chmod((root / rel).c_str(), mode);
}

std::string noise(std::size_t n, std::uint32_t seed) {
  std::string s(n, '\0');
  for (auto& c : s) {
    seed ^= seed << 13;
    seed ^= seed >> 17;
    seed ^= seed << 5;
    c = static_cast<char>(seed & 0xff);
  }
  return s;
}

struct FileSpec {
  std::string name;
  std::string text;
  unsigned mode_a;
  unsigned mode_b;
};

std::vector<FileSpec> specs() {
  return {{"index.py", "def handler(event, context):\n    return 'hi'\n", 0644, 0600},
          {"lib/util.py", std::string(5000, 'u'), 0644, 0664},
          {"lib/data.json", "{\"k\": [1, 2, 3]}\n", 0600, 0644},
          {"bin/tool.sh", "#!/bin/sh\necho hi\n", 0755, 0700},
          {"\xC3\xBCnicode-\xC3\xA9.txt", "utf-8 name\n", 0644, 0644},
          {"empty.txt", "", 0644, 0640},
          {"assets/blob.bin", noise(300000, 7), 0644, 0644},
          {"a-b.txt", "sorts before a/\n", 0644, 0644},
          {"fstage.yaml", "name: demo\n", 0644, 0644},
          {"__pycache__/index.cpython-310.pyc", "junk", 0644, 0644},
          {".fstage/dist/old.zip", "old", 0644, 0644}};
}

// The same content, created in a different order, with different modes, umask and times.
void make_tree(const stdfs::path& root, bool variant) {
  auto files = specs();
  if (variant) {
    std::reverse(files.begin(), files.end());
  }
  mode_t old = ::umask(variant ? 077 : 022);
  for (const auto& f : files) {
    put(root, f.name, f.text, variant ? f.mode_b : f.mode_a);
  }
  ::umask(old);
  for (const auto& e : stdfs::recursive_directory_iterator(root)) {
    timespec ts[2] = {{variant ? 2000000000 : 1000000000, variant ? 12345 : 0},
                      {variant ? 1900000000 : 1100000000, variant ? 999 : 0}};
    ::utimensat(AT_FDCWD, e.path().c_str(), ts, 0);
  }
}

struct Project {
  manifest::Manifest m;
  manifest::Function fn;
  explicit Project(const stdfs::path& root, const std::string& runtime = "Python3.10",
                   const std::string& handler = "index.handler") {
    m.root = root;
    m.path = root / "fstage.yaml";
    fn.name = "hello";
    fn.runtime = *manifest::resolve_runtime(runtime);
    fn.handler = handler;
  }
};

Expected<PackageResult> package_to(const Project& p, const stdfs::path& out,
                                   std::int64_t epoch = k_default_epoch) {
  PackageOptions o;
  o.output = out;
  o.epoch = epoch;
  return package_function(p.m, p.fn, o);
}

}  // namespace

TEST_CASE("builder::package_function is byte-identical whatever mtimes, umask, order and TZ",
          "[package]") {
  Scratch s;
  make_tree(s.path() / "a", false);
  make_tree(s.path() / "b", true);
  auto ra = package_to(Project(s.path() / "a"), s.path() / "a.zip");
  REQUIRE(ra);
  auto rb = package_to(Project(s.path() / "b"), s.path() / "b.zip");
  REQUIRE(rb);
  ::setenv("TZ", "Asia/Tokyo", 1);
  auto rc = package_to(Project(s.path() / "b"), s.path() / "c.zip");
  ::unsetenv("TZ");
  REQUIRE(rc);
  auto a = read_file(s.path() / "a.zip");
  auto b = read_file(s.path() / "b.zip");
  auto c = read_file(s.path() / "c.zip");
  REQUIRE(a);
  CHECK(*a == *b);
  CHECK(*a == *c);
  CHECK(ra->sha256 == rb->sha256);
  CHECK(ra->sha256 == capture("sha256sum '" + (s.path() / "a.zip").string() + "'").substr(0, 64));
  CHECK(ra->bytes_out == a->size());
  CHECK(ra->files == 8);

  SECTION("SOURCE_DATE_EPOCH changes the bytes, deterministically") {
    auto e1 = package_to(Project(s.path() / "a"), s.path() / "e1.zip", 1700000000);
    auto e2 = package_to(Project(s.path() / "b"), s.path() / "e2.zip", 1700000000);
    REQUIRE(e1);
    REQUIRE(e2);
    CHECK(e1->sha256 == e2->sha256);
    CHECK(e1->sha256 != ra->sha256);
    auto rows = inspect(s.path() / "e1.zip", s.path());
    CHECK(rows[0]["date"] == Json::array({2023, 11, 14, 22, 13, 20}));
  }
}

TEST_CASE("builder::package_function writes normalised entries", "[package]") {
  Scratch s;
  make_tree(s.path() / "t", true);
  auto r = package_to(Project(s.path() / "t"), s.path() / "t.zip");
  REQUIRE(r);
  auto rows = inspect(s.path() / "t.zip", s.path());
  std::vector<std::string> names;
  for (const auto& row : rows) {
    names.push_back(row["name"]);
    CHECK(row["date"] == Json::array({1980, 1, 1, 0, 0, 0}));
    CHECK(row["extra"] == Json::array());  // no "ux" (uid/gid), no "UT" (times): like zip -X
    CHECK(row["local_extra"] == Json::array());
    CHECK(row["system"] == 3);
  }
  CHECK(std::is_sorted(names.begin(), names.end()));
  CHECK(names == std::vector<std::string>{"a-b.txt", "assets/", "assets/blob.bin", "bin/",
                                          "bin/tool.sh", "empty.txt", "index.py", "lib/",
                                          "lib/data.json", "lib/util.py",
                                          "\xC3\xBCnicode-\xC3\xA9.txt"});
  auto row = [&](const std::string& n) {
    for (const auto& x : rows) {
      if (x["name"] == n) {
        return x;
      }
    }
    FAIL("no entry " << n);
    return Json();
  };
  CHECK(row("bin/tool.sh")["mode"] == 0100755);
  CHECK(row("lib/data.json")["mode"] == 0100644);
  CHECK(row("index.py")["mode"] == 0100644);
  CHECK(row("lib/")["mode"] == 040755);
  CHECK((row("\xC3\xBCnicode-\xC3\xA9.txt")["flag"].get<int>() & 0x800) != 0);
  CHECK((row("index.py")["flag"].get<int>() & 0x800) == 0);
  CHECK(row("assets/blob.bin")["method"] == 0);  // incompressible: stored
  CHECK(row("lib/util.py")["method"] == 8);
  CHECK(row("empty.txt")["method"] == 0);
  CHECK(fstage::test::sh("/usr/bin/python3 -m zipfile -t '" + (s.path() / "t.zip").string() +
                         "' >/dev/null") == 0);
  if (fstage::test::sh("command -v unzip >/dev/null") == 0) {
    CHECK(fstage::test::sh("unzip -tq '" + (s.path() / "t.zip").string() + "' >/dev/null") == 0);
    auto zi = capture("zipinfo '" + (s.path() / "t.zip").string() + "'");
    CHECK(zi.find("-rwxr-xr-x  2.0 unx       18 bl defN 80-Jan-01 00:00 bin/tool.sh") !=
          std::string::npos);
    CHECK(zi.find("-rw-r--r--  1.0 unx        0 bl stor 80-Jan-01 00:00 empty.txt") !=
          std::string::npos);
  }
}

TEST_CASE("builder::parse_source_date_epoch clamps to the zip range", "[package]") {
  CHECK(*parse_source_date_epoch(std::nullopt) == k_default_epoch);
  CHECK(*parse_source_date_epoch(std::string("")) == k_default_epoch);
  CHECK(*parse_source_date_epoch(std::string("1700000000")) == 1700000000);
  CHECK(*parse_source_date_epoch(std::string("0")) == k_default_epoch);
  CHECK(*parse_source_date_epoch(std::string("99999999999")) == 2147483647);
  auto bad = parse_source_date_epoch(std::string("yesterday"));
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == ErrorCode::invalid_input);
}

TEST_CASE("builder::package_function checks the runtime's layout", "[package]") {
  Scratch scratch;
  const stdfs::path s = scratch.path() / "t";
  const stdfs::path out = scratch.path() / "x.zip";
  put(s, "main.py", "x = 1\n");
  SECTION("Python handler file missing") {
    auto r = package_to(Project(s), out);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::not_found);
    CHECK(r.error().message.find("index.py") != std::string::npos);
    CHECK_FALSE(stdfs::exists(out));
  }
  SECTION("Custom runtime needs an executable bootstrap, zipped 0755") {
    auto r = package_to(Project(s, "Custom", "bootstrap"), out);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::not_found);
    // Without the execute bit the platform refuses to run it: no zip that would fail there.
    put(s, "bootstrap", "#!/bin/sh\n", 0644);
    r = package_to(Project(s, "http", "bootstrap"), out);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::invalid_input);
    CHECK(r.error().hint == "chmod +x bootstrap");
    CHECK_FALSE(stdfs::exists(out));
    put(s, "bootstrap", "#!/bin/sh\n", 0700);
    r = package_to(Project(s, "http", "bootstrap"), out);
    REQUIRE(r);
    auto rows = inspect(out, scratch.path());
    CHECK(rows[0]["name"] == "bootstrap");
    CHECK(rows[0]["mode"] == 0100755);
  }
  SECTION("Node.js handler in a subdirectory") {
    put(s, "src/app.js", "exports.handler = async () => 1;\n");
    auto r = package_to(Project(s, "Node.js18.15", "src/app.handler"), out);
    REQUIRE(r);
    CHECK(r->files == 2);
  }
}

TEST_CASE("builder::list_package shows entries without writing", "[package]") {
  Scratch s;
  make_tree(s.path(), false);
  Project p(s.path());
  p.fn.exclude = {"assets/"};
  auto l = list_package(p.m, p.fn, {});
  REQUIRE(l);
  std::vector<std::string> names;
  for (const auto& e : l->entries) {
    names.push_back(e.name);
  }
  CHECK(std::find(names.begin(), names.end(), "assets/blob.bin") == names.end());
  CHECK(std::find(names.begin(), names.end(), "bin/tool.sh") != names.end());
  CHECK(l->build_kind == "none");
  CHECK_FALSE(stdfs::exists(s.path() / ".fstage" / "dist" / "hello.zip"));
}

TEST_CASE("builder::list_package leaves a nested project out", "[package]") {
  Scratch s;
  make_tree(s.path(), false);
  put(s.path(), "inner/fstage.yaml", "name: inner\n");
  put(s.path(), "inner/index.py", "def handler(e, c):\n    return 1\n");
  put(s.path(), "inner/deep/x.txt", "x");
  put(s.path(), "notproject/fstage.yml.bak", "x");  // only an fstage.yaml makes a project
  Project p(s.path());
  auto l = list_package(p.m, p.fn, {});
  REQUIRE(l);
  for (const auto& e : l->entries) {
    CHECK_FALSE(e.name.starts_with("inner/"));
  }
  CHECK(std::any_of(l->entries.begin(), l->entries.end(),
                    [](const auto& e) { return e.name == "notproject/fstage.yml.bak"; }));
  auto ex = explain_path(p.m, p.fn, "inner/deep/x.txt");
  REQUIRE(ex);
  CHECK_FALSE(ex->included);
  CHECK(ex->reason.find("'inner/' is a project of its own") != std::string::npos);
  auto dir = explain_path(p.m, p.fn, "inner");
  REQUIRE(dir);
  CHECK_FALSE(dir->included);
}

TEST_CASE("builder::package_function gives the same bytes whatever the number of jobs",
          "[package]") {
  Scratch s;
  const stdfs::path root = s.path() / "t";
  for (int i = 0; i < 12; ++i) {
    std::string text;
    for (int line = 0; text.size() < (1u << 20); ++line) {
      text += "line " + std::to_string(line * (i + 1)) + " of file " + std::to_string(i) + "\n";
    }
    put(root, "src/f" + std::to_string(i) + ".txt", text);
    put(root, "blob" + std::to_string(i) + ".bin",
        noise(300000, static_cast<std::uint32_t>(i + 1)));
  }
  put(root, "index.py", "x = 1\n");
  std::string first;
  for (int jobs : {1, 2, 3, 8}) {
    PackageOptions o;
    o.output = s.path() / ("j" + std::to_string(jobs) + ".zip");
    o.jobs = jobs;
    Project p(root);
    auto r = package_function(p.m, p.fn, o);
    REQUIRE(r);
    auto bytes = read_file(o.output);
    REQUIRE(bytes);
    if (first.empty()) {
      first = *bytes;
      CHECK(fstage::test::sh("/usr/bin/python3 -m zipfile -t '" + o.output.string() +
                             "' >/dev/null") == 0);
    }
    INFO("jobs = " << jobs);
    CHECK(*bytes == first);
  }
}

TEST_CASE("cli::package prints one --json record per function and maps errors to exit codes",
          "[package][cli]") {
  Scratch s;
  put(s.path(), "fstage.yaml",
      "name: demo\nfunctions:\n  one:\n    runtime: Python3.10\n    handler: index.handler\n"
      "    code: one\n  two:\n    runtime: Node.js18.15\n    handler: index.handler\n"
      "    code: two\n");
  put(s.path(), "one/index.py", "def handler(e, c):\n    return 1\n");
  put(s.path(), "two/index.js", "exports.handler = async () => 1;\n");
  fstage::test::CliRun run({"package", "--json"}, s.path());
  INFO(run.err.str());
  REQUIRE(run.code == 0);
  std::istringstream lines(run.out.str());
  std::string line;
  std::vector<std::string> functions;
  while (std::getline(lines, line)) {
    auto j = Json::parse(line);
    functions.push_back(j["function"]);
    CHECK(j["sha256"].get<std::string>().size() == 64);
    CHECK(stdfs::exists(j["output"].get<std::string>()));
  }
  CHECK(functions == std::vector<std::string>{"one", "two"});
  CHECK(run.err.str().find("fstage: packaged one: 1 file, ") != std::string::npos);
  // Without --json the result is each zip's path on stdout, -q or not.
  fstage::test::CliRun paths({"-q", "package"}, s.path());
  CHECK(paths.out.str() == ".fstage/dist/one.zip\n.fstage/dist/two.zip\n");
  CHECK(paths.err.str().empty());

  fstage::test::CliRun missing({"package", "three"}, s.path());
  CHECK(missing.code == 4);
  fstage::test::CliRun two_outputs({"package", "-o", "x.zip"}, s.path());
  CHECK(two_outputs.code == 2);
  put(s.path(), "one/leak.py", "");
  stdfs::remove(s.path() / "one/leak.py");
  stdfs::create_symlink("/etc/hostname", s.path() / "one/leak.py");
  fstage::test::CliRun unsafe({"package", "one"}, s.path());
  CHECK(unsafe.code == 6);
  CHECK(unsafe.err.str().find("fstage: error: symlink 'leak.py' points outside") == 0);
}
