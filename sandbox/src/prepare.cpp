// SPDX-License-Identifier: Apache-2.0
// Preparing a function's code before it runs: Java sources are compiled.
#include <cerrno>
#include <fcntl.h>
#include <spawn.h>
#include <unistd.h>

#include <fstage/base/assets.hpp>
#include <fstage/base/fs.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/sandbox/function.hpp>
#include <fstage/sandbox/interpreters.hpp>

#include <sys/wait.h>

namespace fstage::sandbox {

namespace {

namespace fs = std::filesystem;
using manifest::Language;

// Runs argv (no shell), collecting stdout and stderr together. Returns the exit status.
Expected<int> run_captured(const std::vector<std::string>& argv, std::string& output) {
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) {
    return fail(Error::from_errno("pipe", argv[0], errno));
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
  posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
  std::vector<char*> args;
  for (const auto& a : argv) {
    args.push_back(const_cast<char*>(a.c_str()));
  }
  args.push_back(nullptr);
  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, argv[0].c_str(), &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(pipefd[1]);
  if (rc != 0) {
    ::close(pipefd[0]);
    return fail(Error::from_errno("spawn", argv[0], rc));
  }
  char buf[4096];
  ssize_t n;
  while ((n = ::read(pipefd[0], buf, sizeof(buf))) > 0) {
    output.append(buf, static_cast<std::size_t>(n));
  }
  ::close(pipefd[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// Java functions run from compiled classes: when the project has sources under
// src/main/java (the Java template's layout), compile them into build/classes first, as the
// template's README promises, and only when a source is newer than the last build.
Expected<void> compile_java(const FunctionSpec& spec,
                            const std::map<std::string, std::string>& env) {
  fs::path src = spec.code_dir / "src/main/java";
  std::error_code ec;
  if (spec.runtime.language != Language::java || !fs::is_directory(src, ec)) {
    return {};
  }
  fs::path out = spec.code_dir / "build/classes";
  fs::path stamp = out / ".fstage-build-stamp";
  std::vector<std::string> sources;
  fs::file_time_type newest{};
  for (const auto& e : fs::recursive_directory_iterator(src, ec)) {
    if (e.path().extension() == ".java") {
      sources.push_back(e.path().string());
      newest = std::max(newest, e.last_write_time(ec));
    }
  }
  if (sources.empty() || (fs::exists(stamp, ec) && fs::last_write_time(stamp, ec) >= newest)) {
    return {};
  }
  auto java = FSTAGE_TRY(find_interpreter(Language::java, env));
  fs::path javac = java.path.parent_path() / "javac";
  if (!fs::exists(javac, ec)) {
    return fail(ErrorCode::not_found, "no javac beside " + java.path.string(),
                "install a JDK (apt-get install default-jdk-headless) to compile Java functions");
  }
  auto tmp = FSTAGE_TRY(TempDir::create({}, "fstage-javac-"));
  const Asset* api = find_asset("sdk/java/fstage-runtime-api.jar");
  std::string cp = (spec.code_dir / "lib/*").string();
  if (api != nullptr) {
    FSTAGE_TRY(write_file_atomic(tmp.path() / "api.jar", api->data));
    cp = (tmp.path() / "api.jar").string() + ":" + cp;
  }
  std::vector<std::string> argv = {javac.string(), "--release", "8", "-nowarn", "-encoding",
                                   "UTF-8",        "-cp",       cp,  "-d",      out.string()};
  argv.insert(argv.end(), sources.begin(), sources.end());
  std::string output;
  int rc = FSTAGE_TRY(run_captured(argv, output));
  if (rc != 0) {
    Error e(ErrorCode::invalid_input, "javac failed to compile " + src.string());
    for (const auto& line : split(output, '\n')) {
      if (!line.empty()) {
        e.details.push_back(line);
      }
    }
    return fail(std::move(e));
  }
  FSTAGE_TRY(write_file_atomic(stamp, ""));
  return {};
}

}  // namespace

Expected<void> prepare_code(const FunctionSpec& spec,
                            const std::map<std::string, std::string>& host_env) {
  return compile_java(spec, host_env);
}

}  // namespace fstage::sandbox
