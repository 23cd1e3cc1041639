// SPDX-License-Identifier: Apache-2.0
// fstage package build steps: custom command, Go, Java (javac), pip, npm; the cache; the source
// tree stays untouched; failures and interrupts. Tools that are missing skip their case.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <signal.h>
#include <thread>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/builder/package.hpp>
#include <fstage/manifest/manifest.hpp>

#include "test_support.hpp"

using namespace fstage;
using namespace fstage::builder;
using fstage::test::Scratch;
using fstage::test::sh;
namespace stdfs = std::filesystem;

namespace {

void put(const stdfs::path& root, const std::string& rel, const std::string& text) {
  stdfs::create_directories((root / rel).parent_path());
  std::ofstream(root / rel, std::ios::binary) << text;
}

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

// Entry names of a zip, one per line ("name mode").
std::string names(const stdfs::path& zip) {
  return capture(
      "/usr/bin/python3 -c 'import sys, zipfile\n"
      "for i in zipfile.ZipFile(sys.argv[1]).infolist(): "
      "print(i.filename, oct(i.external_attr >> 16))' '" +
      zip.string() + "'");
}

// Every path, size and mtime below dir: to prove a build did not touch the source tree.
std::string snapshot(const stdfs::path& dir) {
  std::string out;
  for (const auto& e : stdfs::recursive_directory_iterator(dir)) {
    if (e.path().string().find("/.fstage") != std::string::npos) {
      continue;
    }
    out += e.path().string() + " " + std::to_string(e.is_regular_file() ? e.file_size() : 0) + " " +
           std::to_string(stdfs::last_write_time(e.path()).time_since_epoch().count()) + "\n";
  }
  return out;
}

bool have(const std::string& tool) {
  return sh("command -v " + tool + " >/dev/null 2>&1") == 0;
}

struct Project {
  Scratch s;
  manifest::Manifest m;
  manifest::Function fn;
  PackageOptions opts;
  std::vector<std::string> status;

  Project(const std::string& runtime, const std::string& handler) {
    stdfs::create_directories(root());
    m.root = root();
    m.path = root() / "fstage.yaml";
    fn.name = "hello";
    fn.runtime = *manifest::resolve_runtime(runtime);
    fn.handler = handler;
    opts.output = s.path() / "out.zip";
    for (const char* k : {"PATH", "HOME", "GOPATH", "GOCACHE", "GOMODCACHE"}) {
      if (const char* v = std::getenv(k)) {
        opts.env[k] = v;
      }
    }
    opts.env["GOPROXY"] = "off";
    opts.env["PIP_NO_INDEX"] = "1";
    opts.on_status = [this](const std::string& st) { status.push_back(st); };
  }
  stdfs::path root() const { return s.path() / "p"; }
  stdfs::path out() const { return s.path() / "out.zip"; }
  Expected<PackageResult> run() { return package_function(m, fn, opts); }
};

}  // namespace

TEST_CASE("builder::package_function runs a custom build in staging, cached", "[package][build]") {
  Project p("Custom", "bootstrap");
  put(p.root(), "src.txt", "input\n");
  put(p.root(), ".fstageignore", "notes.md\n");
  p.fn.build =
      "cp src.txt \"$FSTAGE_OUT/bootstrap\" && chmod +x \"$FSTAGE_OUT/bootstrap\" && "
      "echo built > \"$FSTAGE_OUT/notes.md\"";
  const std::string before = snapshot(p.root());
  auto r = p.run();
  REQUIRE(r);
  CHECK(r->build.kind == "custom");
  CHECK(r->build.ran);
  CHECK(names(p.out()) == "bootstrap 0o100755\n");  // notes.md: filtered by .fstageignore
  CHECK(snapshot(p.root()) == before);

  const std::size_t statuses = p.status.size();
  auto again = p.run();
  REQUIRE(again);
  CHECK(again->build.cached);
  CHECK_FALSE(again->build.ran);
  CHECK(again->sha256 == r->sha256);
  CHECK(p.status.size() == statuses);  // recognised unchanged: no build line

  put(p.root(), "src.txt", "changed\n");
  auto changed = p.run();
  REQUIRE(changed);
  CHECK(changed->build.ran);
  CHECK(changed->sha256 != r->sha256);

  p.opts.rebuild = true;
  auto forced = p.run();
  REQUIRE(forced);
  CHECK(forced->build.ran);
  CHECK(forced->sha256 == changed->sha256);
}

TEST_CASE("builder::package_function reports a failing build with its output", "[package][build]") {
  Project p("Custom", "bootstrap");
  p.fn.build = "echo 'compiler says no' >&2; exit 3";
  auto r = p.run();
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::io);
  CHECK(r.error().message.find("exited with status 3") != std::string::npos);
  REQUIRE_FALSE(r.error().details.empty());
  CHECK(r.error().details.back() == "compiler says no");
  CHECK_FALSE(stdfs::exists(p.out()));
}

TEST_CASE("builder::package_function stops a build on SIGINT", "[package][build]") {
  Project p("Custom", "bootstrap");
  p.fn.build = "sleep 30";
  std::thread t([] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    ::kill(::getpid(), SIGINT);
  });
  auto started = std::chrono::steady_clock::now();
  auto r = p.run();
  t.join();
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::interrupted);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
  CHECK_FALSE(stdfs::exists(p.out()));
}

TEST_CASE("builder::package_function builds Go for linux/amd64, only the executable",
          "[package][build][go]") {
  if (!have("go")) {
    WARN("go not installed: skipped");
    return;
  }
  Project p("Go1.x", "handler");
  put(p.root(), "go.mod", "module example.com/hello\n\ngo 1.19\n");
  put(p.root(), "main.go", "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(1) }\n");
  put(p.root(), ".fstageignore", "*.go\ngo.mod\n");  // about the zip: the build still reads them
  const std::string before = snapshot(p.root());
  auto r = p.run();
  REQUIRE(r);
  CHECK(names(p.out()) == "handler 0o100755\n");
  CHECK(snapshot(p.root()) == before);
  auto elf = capture(
      "/usr/bin/python3 -c 'import sys, zipfile\n"
      "b = zipfile.ZipFile(sys.argv[1]).read(\"handler\")\n"
      "print(b[:4] == b\"\\x7fELF\", b[18])' '" +
      p.out().string() + "'");
  CHECK(elf == "True 62\n");  // x86-64
  p.opts.rebuild = true;
  auto again = p.run();
  REQUIRE(again);
  CHECK(again->sha256 == r->sha256);
}

TEST_CASE("builder::package_function compiles Java into <function>.jar without the API jar",
          "[package][build][java]") {
  if (!have("javac") || !have("jar")) {
    WARN("javac/jar not installed: skipped");
    return;
  }
  Project p("Java17", "com.example.Handler.handle");
  Scratch api;
  put(api.path(), "com/huawei/services/runtime/Context.java",
      "package com.huawei.services.runtime;\npublic interface Context { String getRequestID(); "
      "}\n");
  REQUIRE(sh("cd '" + api.path().string() +
             "' && javac -d c com/huawei/services/runtime/Context.java && jar cf api.jar -C c . "
             "&& cp api.jar dep.jar") == 0);
  stdfs::create_directories(p.root() / "lib");
  stdfs::copy_file(api.path() / "api.jar", p.root() / "lib" / "fstage-runtime-api.jar");
  stdfs::copy_file(api.path() / "dep.jar", p.root() / "lib" / "dep.jar");
  put(p.root(), "src/main/java/com/example/Handler.java",
      "package com.example;\nimport com.huawei.services.runtime.Context;\n"
      "public class Handler {\n  public String handle(String e, Context c) { return e; }\n}\n");
  put(p.root(), "src/main/resources/app.properties", "k=v\n");
  auto r = p.run();
  REQUIRE(r);
  CHECK(names(p.out()) == "hello.jar 0o100644\nlib/ 0o40755\nlib/dep.jar 0o100644\n");
  auto jar = capture(
      "/usr/bin/python3 -c 'import io, sys, zipfile\n"
      "z = zipfile.ZipFile(io.BytesIO(zipfile.ZipFile(sys.argv[1]).read(\"hello.jar\")))\n"
      "print(\" \".join(z.namelist()))' '" +
      p.out().string() + "'");
  CHECK(jar ==
        "META-INF/ META-INF/MANIFEST.MF app.properties com/ com/example/ "
        "com/example/Handler.class\n");
  p.opts.rebuild = true;
  auto again = p.run();
  REQUIRE(again);
  CHECK(again->sha256 == r->sha256);
}

TEST_CASE("builder::package_function installs requirements with pip into the zip",
          "[package][build][python]") {
  if (sh("/usr/bin/python3 -m pip --version >/dev/null 2>&1") != 0) {
    WARN("pip not installed: skipped");
    return;
  }
  Project p("Python3.10", "index.handler");
  Scratch wheels;
  // A wheel built by hand: pip installs it offline.
  REQUIRE(sh("cd '" + wheels.path().string() +
             "' && /usr/bin/python3 -c 'import zipfile\n"
             "z = zipfile.ZipFile(\"demo_pkg-1.0-py3-none-any.whl\", \"w\")\n"
             "z.writestr(\"demo_pkg/__init__.py\", \"X = 1\\n\")\n"
             "z.writestr(\"demo_pkg-1.0.dist-info/METADATA\", "
             "\"Metadata-Version: 2.1\\nName: demo-pkg\\nVersion: 1.0\\n\")\n"
             "z.writestr(\"demo_pkg-1.0.dist-info/WHEEL\", \"Wheel-Version: 1.0\\nGenerator: t\\n"
             "Root-Is-Purelib: true\\nTag: py3-none-any\\n\")\n"
             "z.writestr(\"demo_pkg-1.0.dist-info/RECORD\", \"\")\n"
             "z.close()'") == 0);
  put(p.root(), "index.py", "import demo_pkg\ndef handler(e, c):\n    return demo_pkg.X\n");
  put(p.root(), "requirements.txt",
      (wheels.path() / "demo_pkg-1.0-py3-none-any.whl").string() + "\n");
  auto r = p.run();
  REQUIRE(r);
  CHECK(r->build.kind == "pip");
  auto n = names(p.out());
  CHECK(n.find("demo_pkg/__init__.py 0o100644\n") != std::string::npos);
  CHECK(n.find("index.py 0o100644\n") != std::string::npos);
  CHECK(n.find("requirements.txt") != std::string::npos);
  auto again = p.run();
  REQUIRE(again);
  CHECK(again->build.cached);
  CHECK(again->sha256 == r->sha256);
}

TEST_CASE("builder::package_function runs npm ci when a lockfile exists",
          "[package][build][node]") {
  if (!have("npm")) {
    WARN("npm not installed: skipped");
    return;
  }
  Project p("Node.js18.15", "index.handler");
  put(p.root(), "index.js", "exports.handler = async () => 1;\n");
  put(p.root(), "package.json", "{\"name\": \"demo\", \"version\": \"1.0.0\"}\n");
  put(p.root(), "package-lock.json",
      "{\"name\": \"demo\", \"version\": \"1.0.0\", \"lockfileVersion\": 3, \"requires\": true, "
      "\"packages\": {\"\": {\"name\": \"demo\", \"version\": \"1.0.0\"}}}\n");
  put(p.root(), "node_modules/stale/index.js", "left over from a dev install\n");
  auto r = p.run();
  REQUIRE(r);
  CHECK(r->build.kind == "npm");
  auto n = names(p.out());
  CHECK(n.find("index.js 0o100644\n") != std::string::npos);
  CHECK(n.find("node_modules/stale") == std::string::npos);  // npm ci's tree replaces it
}

TEST_CASE("builder::package_function rebuilds over a state.json with wrong types",
          "[package][build]") {
  Project p("Custom", "bootstrap");
  put(p.root(), "bootstrap", "#!/bin/sh\n");
  ::chmod((p.root() / "bootstrap").c_str(), 0755);
  REQUIRE(p.run());
  int states = 0;
  for (const auto& e : stdfs::recursive_directory_iterator(p.root() / ".fstage")) {
    if (e.path().filename() == "state.json") {
      // A hand edit or another version's file: every field of the wrong type.
      put(e.path().parent_path(), "state.json",
          R"({"version": "1", "stamps": 5, "recorded_ns": "x", "tree": 7, "run": [],
              "key": {}, "dependencies": [1, "a", {"bytes": "9", "name": 3}]})");
      ++states;
    }
  }
  REQUIRE(states == 1);
  Expected<PackageResult> again;
  REQUIRE_NOTHROW(again = p.run());
  CHECK(again);
}
