// SPDX-License-Identifier: Apache-2.0
// F1–F7: the sandbox's filesystem (SANDBOX.md §5); F8: masked host directories.
#include <unistd.h>

#include <catch2/catch.hpp>

#include <fstage/base/fs.hpp>

#include "harness.hpp"
#include <sys/stat.h>

using iso::probe;

namespace {

bool has(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("F0 a sandbox runs the probe and reports its tier", "[fs]") {
  NEED("ns");
  auto r = probe({"echo", "hello"});
  INFO(r.error << r.err);
  REQUIRE(r.error.empty());
  CHECK(r.exit.exited);
  CHECK(r.exit.exit_code == 0);
  CHECK(r.out == "hello\n");
  CHECK_FALSE(r.isolation.summary.empty());
}

TEST_CASE("F1 the root, /etc, /usr and the code are read-only", "[fs]") {
  NEED("ns");
  // /etc: the generated files, a bound host file and a bound host directory too (one
  // recursive remount makes the /etc tmpfs and everything bound on it read-only).
  auto r = probe({"write", "/x", "/etc/x", "/etc/passwd", "/etc/ld.so.cache", "/etc/ssl/x",
                  "/usr/x", "/opt/function/code/x", "/opt/probe/x", "/dev/x"});
  INFO(r.error << r.out << r.err);
  CHECK(has(r.out, "/x=EROFS"));
  CHECK(has(r.out, "/etc/x=EROFS"));
  CHECK(has(r.out, "/etc/passwd=EROFS"));
  CHECK(has(r.out, "/etc/ld.so.cache=EROFS"));
  CHECK(has(r.out, "/etc/ssl/x=EROFS"));
  CHECK(has(r.out, "/usr/x=EROFS"));
  CHECK(has(r.out, "/opt/function/code/x=EROFS"));
  CHECK(has(r.out, "/dev/x=EROFS"));
}

TEST_CASE("F2 /tmp is writable, sized and sticky", "[fs]") {
  NEED("ns");
  iso::Options o;
  o.limits.tmp_mb = 8;
  auto r = probe({"fill", "/tmp/big", "64"}, o);
  INFO(r.error << r.out << r.err);
  CHECK(has(r.out, "fill=ENOSPC"));
  CHECK((has(r.out, "mb=7") || has(r.out, "mb=8")));
  auto w = probe({"write", "/tmp/a", "/home/snuser/log/a", "/dev/shm/a", "/dev/null"});
  CHECK(has(w.out, "/tmp/a=ok"));
  CHECK(has(w.out, "/home/snuser/log/a=ok"));
  CHECK(has(w.out, "/dev/shm/a=ok"));
  CHECK(has(w.out, "/dev/null=ok"));
  auto m = probe({"cat", "/proc/self/mountinfo"});
  CHECK(has(m.out, " /tmp rw,nosuid,nodev"));
}

TEST_CASE("F3 host secrets are not visible", "[fs]") {
  NEED("ns");
  auto r = probe({"read", "/etc/shadow", "/root/.bashrc", "/run/user", "/home", "/etc/ssh"});
  INFO(r.out);
  CHECK(has(r.out, "/etc/shadow=ENOENT"));
  CHECK(has(r.out, "/root/.bashrc=ENOENT"));
  CHECK(has(r.out, "/run/user=ENOENT"));
  CHECK(has(r.out, "/etc/ssh=ENOENT"));
  auto ls = probe({"ls", "/"});
  INFO(ls.out);
  CHECK_FALSE(has(ls.out, "root"));
  CHECK_FALSE(has(ls.out, "work"));
  CHECK_FALSE(has(ls.out, "run"));
}

TEST_CASE("F4 mounts made for the sandbox never reach the host", "[fs]") {
  NEED("ns");
  auto r = probe({"cat", "/proc/self/mountinfo"});
  INFO(r.out);
  CHECK(has(r.out, " /opt/function/code "));
  CHECK_FALSE(has(r.out, "shared:"));  // nothing propagates back out
  std::string text = fstage::read_file("/proc/self/mountinfo").value_or("");
  CHECK_FALSE(has(text, "/opt/function/code"));
  CHECK_FALSE(has(text, ".oldroot"));
}

TEST_CASE("F5 binds are nosuid and nodev; setuid does not elevate", "[fs]") {
  NEED("ns");
  auto r = probe({"cat", "/proc/self/mountinfo"});
  for (const char* mp : {" /opt/function/code ro,nosuid,nodev", " /usr ro,nosuid,nodev"}) {
    INFO(mp << "\n" << r.out);
    CHECK(has(r.out, mp));
  }
}

TEST_CASE("F5 a setuid-root binary in the code runs as the sandbox user", "[fs]") {
  NEED("ns", "root");
  iso::TempDir code;
  auto copy = code.path / "suid-probe";
  std::filesystem::copy_file(iso::host_path_of_probe(), copy);
  REQUIRE(::chown(copy.c_str(), 0, 0) == 0);
  REQUIRE(::chmod(copy.c_str(), 04755) == 0);
  iso::Options o;
  o.code_dir = code.path;
  auto r = iso::run({"/opt/function/code/suid-probe", "ids"}, o);
  INFO(r.error << r.out << r.err);
  CHECK_FALSE(has(r.out, "euid=0 "));
  CHECK(has(r.out, "euid=" + std::to_string(iso::caps().userns ? 1000 : 65534)));
}

TEST_CASE("F6 symlinks in the code cannot reach host files", "[fs]") {
  NEED("ns");
  iso::TempDir code;
  std::filesystem::create_symlink("/etc/shadow", code.path / "shadow");
  std::filesystem::create_symlink("../../../../../../root", code.path / "up");
  std::filesystem::create_symlink(iso::host_path_of_probe(), code.path / "probe-link");
  iso::Options o;
  o.code_dir = code.path;
  auto r = probe({"read", "/opt/function/code/shadow", "/opt/function/code/up/.bashrc"}, o);
  INFO(r.out);
  CHECK(has(r.out, "/opt/function/code/shadow=ENOENT"));
  CHECK(has(r.out, "/opt/function/code/up/.bashrc=ENOENT"));
}

TEST_CASE("F7 no cgroup filesystem inside", "[fs]") {
  NEED("ns");
  auto r = probe({"write", "/sys/fs/cgroup/x"});
  INFO(r.out);
  CHECK((has(r.out, "=ENOENT") || has(r.out, "=EROFS")));
  auto ls = probe({"read", "/sys/fs/cgroup/cgroup.procs", "/sys/fs/cgroup/memory/tasks"});
  CHECK(has(ls.out, "cgroup.procs=ENOENT"));
}

TEST_CASE("F8 a masked host directory is empty and read-only inside", "[fs]") {
  NEED("ns");
  // How the host's Python site-packages are hidden (launch.cpp): the directory stays, empty.
  // Not below /tmp, which the sandbox's own /tmp covers.
  const std::filesystem::path host = "/var/tmp/fstage-f8-" + std::to_string(::getpid());
  std::filesystem::create_directories(host);
  std::filesystem::permissions(host, std::filesystem::perms(0755));
  struct Cleanup {
    std::filesystem::path p;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove_all(p, ec);
    }
  } cleanup{host};
  REQUIRE(fstage::write_file_atomic(host / "pkg.py", "x = 1\n"));
  const std::string dir = host.string();
  iso::Options o;
  o.binds.push_back({host, "", false});
  auto seen = probe({"ls", dir}, o);
  CHECK(seen.out == "pkg.py\n");  // bound, unmasked: the file shows
  o.masks.push_back(dir);
  o.masks.push_back(dir + "/does-not-exist");  // skipped, not an error
  auto masked = probe({"ls", dir}, o);
  INFO(masked.error << masked.err);
  CHECK(masked.out == "\n");
  auto w = probe({"write", dir + "/x"}, o);
  CHECK(has(w.out, "=EROFS"));
}
