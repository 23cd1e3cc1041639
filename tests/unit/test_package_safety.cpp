// SPDX-License-Identifier: Apache-2.0
// fstage package safety: links, special files, names, the output's place, files changing while
// read, interrupts and platform limits; every failure leaves no artifact and no temp file.
#include <algorithm>
#include <csignal>
#include <cstring>
#include <fstream>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/builder/package.hpp>
#include <fstage/manifest/manifest.hpp>

#include "test_support.hpp"
#include <sys/stat.h>

using namespace fstage;
using namespace fstage::builder;
using fstage::test::Scratch;
namespace stdfs = std::filesystem;

namespace {

void put(const stdfs::path& root, const std::string& rel, const std::string& text) {
  stdfs::create_directories((root / rel).parent_path());
  std::ofstream(root / rel, std::ios::binary) << text;
}

void put_noise(const stdfs::path& file, std::uint64_t bytes) {
  std::ofstream out(file, std::ios::binary);
  std::string chunk(1 << 20, '\0');
  std::uint64_t x = 88172645463325252ull;
  for (std::uint64_t done = 0; done < bytes; done += chunk.size()) {
    for (std::size_t i = 0; i < chunk.size(); i += 8) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      std::memcpy(&chunk[i], &x, 8);
    }
    out.write(chunk.data(),
              static_cast<std::streamsize>(std::min<std::uint64_t>(chunk.size(), bytes - done)));
  }
}

// A project in <scratch>/p with index.py; the zip goes to <scratch>/out.zip.
struct Fixture {
  Scratch s;
  manifest::Manifest m;
  manifest::Function fn;
  PackageOptions opts;
  std::vector<std::string> warnings;

  Fixture() {
    stdfs::create_directories(root());
    put(root(), "index.py", "def handler(e, c):\n    return 1\n");
    m.root = root();
    m.path = root() / "fstage.yaml";
    fn.name = "hello";
    fn.runtime = *manifest::resolve_runtime("Python3.10");
    fn.handler = "index.handler";
    opts.output = out();
    opts.on_warning = [this](const std::string& w) { warnings.push_back(w); };
  }
  stdfs::path root() const { return s.path() / "p"; }
  stdfs::path out() const { return s.path() / "out.zip"; }
  Expected<PackageResult> run() { return package_function(m, fn, opts); }
  // Nothing but the project (and an artifact when `artifact`) in the scratch directory.
  bool clean(bool artifact = false) const {
    std::size_t n = 0;
    for (const auto& e : stdfs::directory_iterator(s.path())) {
      auto name = e.path().filename().string();
      if (name != "p" && !(artifact && name == "out.zip")) {
        return false;
      }
      ++n;
    }
    return n == (artifact ? 2u : 1u);
  }
};

}  // namespace

TEST_CASE("builder::package_function refuses symlinks escaping the project", "[package][safety]") {
  Fixture f;
  Scratch elsewhere;
  put(elsewhere.path(), "secret.txt", "secret\n");
  stdfs::create_symlink(elsewhere.path() / "secret.txt", f.root() / "leak.txt");
  auto r = f.run();
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::unsafe);
  CHECK(r.error().message.find("leak.txt") != std::string::npos);
  CHECK(f.clean());
  SECTION("unless allowed") {
    f.opts.allow_external_symlinks = true;
    REQUIRE(f.run());
    CHECK(f.clean(true));
  }
  SECTION("or excluded") {
    f.fn.exclude = {"leak.txt"};
    REQUIRE(f.run());
  }
}

TEST_CASE("builder::package_function follows symlinks inside the project", "[package][safety]") {
  Fixture f;
  put(f.root(), "lib/real.py", "x = 1\n");
  stdfs::create_symlink("lib/real.py", f.root() / "alias.py");
  stdfs::create_directory_symlink("lib", f.root() / "libalias");
  auto r = f.run();
  REQUIRE(r);
  CHECK(r->files == 4);  // index.py, lib/real.py, alias.py, libalias/real.py
  CHECK(f.warnings.empty());
  SECTION("a link back to a parent is a cycle") {
    stdfs::create_directory_symlink("..", f.root() / "lib" / "up");
    auto c = f.run();
    REQUIRE_FALSE(c);
    CHECK(c.error().code == ErrorCode::unsafe);
  }
}

TEST_CASE("builder::package_function refuses a dangling link and removes the old zip",
          "[package][safety]") {
  Fixture f;
  REQUIRE(f.run());
  REQUIRE(stdfs::exists(f.out()));
  stdfs::create_symlink("missing.py", f.root() / "dangling.py");
  auto r = f.run();
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::not_found);
  CHECK(r.error().message.find("symlink 'dangling.py' dangles") == 0);
  CHECK_FALSE(stdfs::exists(f.out()));  // no stale artifact left to be deployed
  SECTION("unless it is excluded") {
    f.fn.exclude = {"dangling.py"};
    REQUIRE(f.run());
  }
}

TEST_CASE("builder::package_function skips FIFOs with a warning", "[package][safety]") {
  Fixture f;
  REQUIRE(::mkfifo((f.root() / "pipe").c_str(), 0644) == 0);
  auto r = f.run();
  REQUIRE(r);
  CHECK(r->files == 1);
  REQUIRE(f.warnings.size() == 1);
  CHECK(f.warnings[0] == "skipping 'pipe': a FIFO");
}

TEST_CASE("builder::package_function refuses unsafe names", "[package][safety]") {
  Fixture f;
  SECTION("backslash") {
    put(f.root(), "..\\evil.py", "x\n");
    auto r = f.run();
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::unsafe);
  }
  SECTION("not UTF-8") {
    put(f.root(), "bad\xff.py", "x\n");
    auto r = f.run();
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::invalid_input);
  }
  CHECK(f.clean());
}

TEST_CASE("builder::package_function refuses an output inside the packaged tree",
          "[package][safety]") {
  Fixture f;
  f.opts.output = f.root() / "dist" / "hello.zip";
  auto r = f.run();
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::unsafe);
  CHECK_FALSE(stdfs::exists(f.root() / "dist" / "hello.zip"));
  SECTION("but .fstage/ and excluded places are fine") {
    f.opts.output = f.root() / ".fstage" / "x.zip";
    CHECK(f.run());
    f.fn.exclude = {"/dist/"};
    f.opts.output = f.root() / "dist" / "hello.zip";
    CHECK(f.run());
  }
  SECTION("the default output") {
    f.opts.output.clear();
    auto d = f.run();
    REQUIRE(d);
    CHECK(d->output == stdfs::canonical(f.root()) / ".fstage" / "dist" / "hello.zip");
    CHECK(stdfs::exists(d->output));
  }
}

TEST_CASE("builder::package_function zips the built tree, not files changing meanwhile",
          "[package][safety]") {
  Fixture f;
  put_noise(f.root() / "big.bin", 600 * 1024);
  f.opts.on_chunk = [&f](const std::string& entry, std::uint64_t) {
    if (entry == "big.bin") {
      std::ofstream(f.root() / "big.bin", std::ios::app) << "more";
    }
  };
  auto r = f.run();
  REQUIRE(r);  // the zip is made from the code tree, a snapshot the edit does not reach
  CHECK(r->bytes_in == 600 * 1024 + stdfs::file_size(f.root() / "index.py"));
  f.opts.on_chunk = nullptr;
  auto again = f.run();  // the next build sees the edit
  REQUIRE(again);
  CHECK(again->bytes_in ==
        stdfs::file_size(f.root() / "big.bin") + stdfs::file_size(f.root() / "index.py"));
  CHECK(again->bytes_in > r->bytes_in);
}

TEST_CASE("builder::package_function stops on SIGINT and leaves nothing", "[package][safety]") {
  Fixture f;
  put_noise(f.root() / "big.bin", 600 * 1024);
  struct sigaction before {};
  sigaction(SIGINT, nullptr, &before);
  f.opts.on_chunk = [](const std::string&, std::uint64_t) { std::raise(SIGINT); };
  auto r = f.run();
  REQUIRE_FALSE(r);
  CHECK(r.error().code == ErrorCode::interrupted);
  CHECK(f.clean());
  struct sigaction after {};
  sigaction(SIGINT, nullptr, &after);
  CHECK(after.sa_handler == before.sa_handler);  // the previous handler is back
}

TEST_CASE("builder::package_function enforces the platform's size limits", "[package][limit]") {
  Fixture f;
  SECTION("more than 50 MB zipped is an error naming OBS") {
    put_noise(f.root() / "media.bin", 51ull << 20);
    auto r = f.run();
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::limit);
    CHECK(r.error().message.find("50.0 MB") != std::string::npos);
    CHECK(r.error().hint.find("OBS") != std::string::npos);
    CHECK(f.clean());
    f.opts.obs = true;
    REQUIRE(f.run());
    CHECK(f.warnings.empty());
  }
  SECTION("more than 40 MB zipped warns") {
    put_noise(f.root() / "media.bin", 41ull << 20);
    REQUIRE(f.run());
    REQUIRE(f.warnings.size() == 1);
    CHECK(f.warnings[0].find("console") != std::string::npos);
  }
  SECTION("more than 1.5 GB uncompressed is an error, found before reading") {
    std::ofstream(f.root() / "sparse.bin").close();
    stdfs::resize_file(f.root() / "sparse.bin", 1600ull << 20);
    auto r = f.run();
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::limit);
    CHECK(r.error().message.find("1500.0 MB") != std::string::npos);
    CHECK(f.clean());
  }
}
