// SPDX-License-Identifier: Apache-2.0
// ensure_dependency against the strict local API (tests/fakecloud/server.py): first upload,
// reuse by content, a changed zip, and the server refusing a request. The server's own state
// (GET /__state) is the witness.
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <spawn.h>
#include <thread>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/deploy/dependencies.hpp>

#include "test_support.hpp"
#include <sys/wait.h>

extern char** environ;

using namespace fstage;
using namespace fstage::deploy;

namespace {

constexpr const char* k_ak = "AKUNITDEPS0000000000";
constexpr const char* k_sk = "SKUNITDEPS000000000000000000000000000000";
constexpr const char* k_project = "0123456789abcdef0123456789abcdef";

// server.py on an ephemeral port, killed at the end of the test.
struct FakeCloud {
  test::Scratch dir;
  pid_t pid = -1;
  std::string url;

  FakeCloud() {
    const std::string port_file = (dir.path() / "port").string();
    const std::string server = std::string(FSTAGE_SOURCE_DIR) + "/tests/fakecloud/server.py";
    const std::string parent = std::to_string(::getpid());
    std::vector<std::string> args = {"/usr/bin/python3",
                                     server,
                                     "--port-file",
                                     port_file,
                                     "--ak",
                                     k_ak,
                                     "--sk",
                                     k_sk,
                                     "--project-id",
                                     k_project,
                                     "--lifetime",
                                     "120",
                                     "--parent-pid",
                                     parent};
    std::vector<char*> argv;
    for (auto& a : args) {
      argv.push_back(a.data());
    }
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    REQUIRE(posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&fa);
    for (int i = 0; i < 200 && !std::filesystem::exists(port_file); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    auto port = read_file(port_file);
    REQUIRE(port.has_value());
    url = "http://127.0.0.1:" + std::string(trim(*port));
  }
  ~FakeCloud() {
    ::kill(pid, SIGTERM);
    ::waitpid(pid, nullptr, 0);
  }

  // The server's dependencies as GET /__state shows them.
  Json dependencies() {
    const auto out = dir.path() / "state.json";
    REQUIRE(test::sh("curl -sf " + url + "/__state > " + out.string()) == 0);
    return Json::parse(read_file(out).value())["dependencies"];
  }
};

struct Client {
  HttpClient http{HttpOptions{}};
  Api api;
  explicit Client(const FakeCloud& f) : api(http, target(f), creds()) {}
  static Target target(const FakeCloud& f) {
    Target t;
    t.region = "cn-north-4";
    t.endpoint = t.iam_endpoint = f.url;
    t.project_id = k_project;
    return t;
  }
  static Credentials creds() {
    Credentials c;
    c.access_key = k_ak;
    c.secret_key = k_sk;
    return c;
  }
};

// A zip with one file holding `text` (python3's zipfile: an implementation fstage does not use).
std::filesystem::path make_zip(const test::Scratch& s, const std::string& name,
                               const std::string& text) {
  const auto zip = s.path() / (name + ".zip");
  REQUIRE(test::sh("/usr/bin/python3 -c \"import sys, zipfile; zipfile.ZipFile(sys.argv[1], 'w')"
                   ".writestr(zipfile.ZipInfo('python/lib.py'), sys.argv[2])\" " +
                   zip.string() + " '" + text + "'") == 0);
  return zip;
}

}  // namespace

TEST_CASE("deploy::ensure_dependency uploads once, reuses by content, versions a change",
          "[deploy][dependencies][fakecloud]") {
  FakeCloud cloud;
  Client c(cloud);
  test::Scratch s;
  DesiredDependency d{"mylib", "Python3.10", make_zip(s, "a", "X = 1"), 0, "fstage: test", {}};

  SECTION("a dry run uploads nothing and reports a pending version") {
    auto r = ensure_dependency(c.api, d, true).value();
    CHECK(r.pending);
    CHECK(r.version_id.empty());
    CHECK(cloud.dependencies().empty());
  }

  auto first = ensure_dependency(c.api, d, false).value();
  CHECK(first.uploaded);
  CHECK(first.version == 1);
  Json deps = cloud.dependencies();
  REQUIRE(deps.size() == 1);
  REQUIRE(deps[0]["versions"].size() == 1);
  CHECK(deps[0]["versions"][0]["id"] == first.version_id);
  CHECK(deps[0]["versions"][0]["description"] == "fstage: test");

  // The same zip again: the existing version, nothing uploaded (the server still has one).
  auto again = ensure_dependency(c.api, d, false).value();
  CHECK_FALSE(again.uploaded);
  CHECK(again.version_id == first.version_id);
  CHECK(cloud.dependencies()[0]["versions"].size() == 1);
  CHECK(ensure_dependency(c.api, d, true).value().version_id == first.version_id);

  // Another name containing this one is not a match (the API's name filter is loose).
  DesiredDependency other{"mylib2", "Python3.10", d.zip, 0, "", {}};
  CHECK(ensure_dependency(c.api, other, false).value().uploaded);

  // A changed zip: version 2 of the same dependency.
  d.zip = make_zip(s, "b", "X = 2");
  auto changed = ensure_dependency(c.api, d, false).value();
  CHECK(changed.uploaded);
  CHECK(changed.version == 2);
  CHECK(changed.version_id != first.version_id);

  // The first content again: version 1 is reused, not a third upload.
  d.zip = make_zip(s, "c", "X = 1");
  CHECK(ensure_dependency(c.api, d, false).value().version_id == first.version_id);

  // Another runtime does not reuse a Python3.10 version.
  d.runtime = "Python3.9";
  CHECK(ensure_dependency(c.api, d, false).value().version == 3);
  CHECK(cloud.dependencies()[0]["versions"].size() == 3);
}

TEST_CASE("deploy::ensure_dependency reports what the server and the limits refuse",
          "[deploy][dependencies][fakecloud]") {
  FakeCloud cloud;
  Client c(cloud);
  test::Scratch s;

  SECTION("the server refuses a zip that is not one") {
    const auto bad = s.path() / "bad.zip";
    REQUIRE(write_file_atomic(bad, "not a zip"));
    auto r = ensure_dependency(c.api, {"mylib", "Python3.10", bad, 0, "", {}}, false);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == ErrorCode::remote);
    CHECK(r.error().message.find("FSS.1024") != std::string::npos);
    CHECK(cloud.dependencies().empty());
  }
  SECTION("the server refuses a runtime it does not know") {
    auto r =
        ensure_dependency(c.api, {"mylib", "Python9", make_zip(s, "a", "X"), 0, "", {}}, false);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().message.find("FSS.1005") != std::string::npos);
  }
  SECTION("a name the API would refuse fails before any request") {
    auto r =
        ensure_dependency(c.api, {"1lib", "Python3.10", make_zip(s, "a", "X"), 0, "", {}}, false);
    CHECK(r.error().code == ErrorCode::invalid_input);
  }
  SECTION("a zip over the direct-upload limit fails with a hint") {
    const auto big = s.path() / "big.zip";
    REQUIRE(test::sh("truncate -s 41M " + big.string()) == 0);
    auto r = ensure_dependency(c.api, {"mylib", "Python3.10", big, 0, "", {}}, false);
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == ErrorCode::limit);
    CHECK(r.error().hint.find("OBS") != std::string::npos);
  }
  SECTION("a missing zip is not_found") {
    auto r =
        ensure_dependency(c.api, {"mylib", "Python3.10", s.path() / "no.zip", 0, "", {}}, false);
    CHECK(r.error().code == ErrorCode::not_found);
  }
}
