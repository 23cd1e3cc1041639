// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <fcntl.h>
#include <mutex>
#include <spawn.h>
#include <unistd.h>
#include <vector>

#include <fstage/base/fs.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/sandbox/interpreters.hpp>

#include <sys/stat.h>
#include <sys/wait.h>

namespace fstage::sandbox {

namespace fs = std::filesystem;
using manifest::Language;

namespace {

struct Spec {
  Language lang;
  const char* env_var;
  const char* package;  // Debian package that provides it
  std::vector<std::string> names;
  std::vector<std::string> version_args;
};

const Spec* spec_for(Language lang) {
  static const Spec k_specs[] = {
      {Language::python, "FSTAGE_PYTHON", "python3", {"python3"}, {"--version"}},
      {Language::nodejs, "FSTAGE_NODE", "nodejs", {"node", "nodejs"}, {"--version"}},
      {Language::java, "FSTAGE_JAVA", "default-jdk-headless", {"java"}, {"-version"}},
      {Language::go, "FSTAGE_GO", "golang-go", {"go"}, {"version"}},
  };
  for (const auto& s : k_specs) {
    if (s.lang == lang) {
      return &s;
    }
  }
  return nullptr;
}

bool is_shim(const fs::path& p) {
  std::string s = p.string();
  return s.find("/.pyenv/shims/") != std::string::npos ||
         s.find("/.asdf/shims/") != std::string::npos ||
         s.find("/.rbenv/shims/") != std::string::npos;
}

bool is_executable_file(const fs::path& p) {
  std::error_code ec;
  return fs::is_regular_file(p, ec) && ::access(p.c_str(), X_OK) == 0;
}

// Runs `exe args...` (no shell) and returns its combined output (at most 4 KiB).
std::string capture(const fs::path& exe, const std::vector<std::string>& args) {
  int pipefd[2];
  if (::pipe2(pipefd, O_CLOEXEC) != 0) {
    return {};
  }
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
  posix_spawn_file_actions_adddup2(&fa, pipefd[1], 2);
  std::vector<std::string> storage = {exe.string()};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : storage) {
    argv.push_back(a.data());
  }
  argv.push_back(nullptr);
  pid_t pid = 0;
  int rc = ::posix_spawn(&pid, exe.c_str(), &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  ::close(pipefd[1]);
  std::string out;
  if (rc == 0) {
    char buf[512];
    ssize_t n;
    while (((n = ::read(pipefd[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR)) &&
           out.size() < 4096) {
      out.append(buf, static_cast<std::size_t>(std::max<ssize_t>(n, 0)));  // EINTR: a signal
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
  }
  ::close(pipefd[0]);
  return out;
}

// Versions are remembered across runs, keyed by the binary's path, size and mtime: asking
// an interpreter costs milliseconds (a JVM, tens), paid on every cold `fstage invoke`.
// The cache is $XDG_CACHE_HOME/fstage/interpreters (or ~/.cache/...); none when neither is
// usable.
fs::path cache_file(const std::map<std::string, std::string>& env) {
  fs::path dir = cache_dir(env);
  return dir.empty() ? dir : dir / "interpreters";
}

std::string cache_key(const fs::path& p) {
  struct stat st {};
  if (::stat(p.c_str(), &st) != 0) {
    return {};
  }
  return p.string() + "\t" + std::to_string(st.st_size) + "\t" + std::to_string(st.st_mtim.tv_sec) +
         "." + std::to_string(st.st_mtim.tv_nsec);
}

std::string cached_version(const fs::path& cache, const std::string& key) {
  auto text = read_file(cache);
  if (cache.empty() || key.empty() || !text) {
    return {};
  }
  for (const auto& line : split(*text, '\n')) {
    if (line.size() > key.size() && line.starts_with(key) && line[key.size()] == '\t') {
      return line.substr(key.size() + 1);
    }
  }
  return {};
}

void remember_version(const fs::path& cache, const std::string& key, const std::string& version) {
  if (cache.empty() || key.empty() || version.empty()) {
    return;
  }
  std::string text = read_file(cache).value_or("");
  std::string kept;
  for (const auto& line : split(text, '\n')) {
    if (!line.empty() && !line.starts_with(key.substr(0, key.find('\t') + 1))) {
      kept += line + "\n";
    }
  }
  std::error_code ec;
  fs::create_directories(cache.parent_path(), ec);
  (void)write_file_atomic(cache, kept + key + "\t" + version + "\n");
}

// Extracts the first dotted version number: "Python 3.11.2" → "3.11.2", "v20.1.0" →
// "20.1.0", 'openjdk version "17.0.15"' → "17.0.15", "go version go1.19.8" → "1.19.8".
std::string parse_version(const std::string& text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (std::isdigit(static_cast<unsigned char>(text[i])) &&
        (i == 0 || !std::isalnum(static_cast<unsigned char>(text[i - 1])) || text[i - 1] == 'v' ||
         text[i - 1] == 'o')) {
      std::size_t j = i;
      while (j < text.size() &&
             (std::isdigit(static_cast<unsigned char>(text[j])) || text[j] == '.')) {
        ++j;
      }
      std::string v = text.substr(i, j - i);
      if (v.find('.') != std::string::npos) {
        return v;
      }
    }
  }
  return {};
}

std::optional<fs::path> search(const Spec& spec, const std::map<std::string, std::string>& env) {
  std::vector<fs::path> candidates;
  for (const auto& n : spec.names) {
    candidates.push_back(fs::path("/usr/bin") / n);
    candidates.push_back(fs::path("/usr/local/bin") / n);
  }
  auto path_it = env.find("PATH");
  if (path_it != env.end()) {
    for (const auto& dir : split(path_it->second, ':')) {
      for (const auto& n : spec.names) {
        if (!dir.empty()) {
          candidates.push_back(fs::path(dir) / n);
        }
      }
    }
  }
  for (const auto& c : candidates) {
    if (is_shim(c) || !is_executable_file(c)) {
      continue;
    }
    if (auto real = real_path(c); real && !is_shim(*real)) {
      return *real;
    }
  }
  return std::nullopt;
}

}  // namespace

Expected<Interpreter> find_interpreter(Language lang,
                                       const std::map<std::string, std::string>& env) {
  const Spec* spec = spec_for(lang);
  if (spec == nullptr) {
    return fail(ErrorCode::not_found,
                "no interpreter is needed for " + std::string(manifest::to_string(lang)));
  }
  static std::mutex mu;
  static std::map<std::pair<Language, std::string>, Interpreter> cache;
  auto override_it = env.find(spec->env_var);
  std::string key = override_it != env.end() ? override_it->second : std::string();
  std::lock_guard lock(mu);
  if (auto it = cache.find({lang, key}); it != cache.end()) {
    return it->second;
  }
  std::optional<fs::path> found;
  if (!key.empty()) {
    auto found_key = real_path(key);
    fs::path real = found_key.value_or(fs::path());
    if (!found_key || !is_executable_file(real)) {
      return fail(ErrorCode::not_found,
                  std::string(spec->env_var) + "=" + key + " is not an executable file",
                  std::string("unset ") + spec->env_var + " or point it at an interpreter");
    }
    found = real;
  } else {
    found = search(*spec, env);
  }
  if (!found) {
    return fail(ErrorCode::not_found,
                "no " + std::string(manifest::to_string(lang)) + " interpreter found on this host",
                std::string("install it (apt-get install ") + spec->package + ") or set " +
                    spec->env_var + " to its path");
  }
  fs::path version_cache = cache_file(env);
  std::string version_key = cache_key(*found);
  std::string version = cached_version(version_cache, version_key);
  if (version.empty()) {
    version = parse_version(capture(*found, spec->version_args));
    remember_version(version_cache, version_key, version);
  }
  Interpreter in{*found, version};
  cache.emplace(std::make_pair(lang, key), in);
  return in;
}

Expected<Interpreter> find_interpreter_for(const manifest::RuntimeInfo& runtime,
                                           const std::map<std::string, std::string>& env) {
  auto found = find_interpreter(runtime.language, env);
  if (!found || runtime.language != Language::python || env.contains("FSTAGE_PYTHON") ||
      version_matches(runtime, found->version)) {
    return found;
  }
  const std::string want(runtime.version);  // "3.9"
  std::vector<fs::path> candidates = {"/usr/bin/python" + want, "/usr/local/bin/python" + want};
  if (auto home = env.find("HOME"); home != env.end()) {
    std::vector<fs::path> pyenv;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(fs::path(home->second) / ".pyenv/versions", ec)) {
      const std::string name = e.path().filename().string();
      if (name == want || name.starts_with(want + ".")) {
        pyenv.push_back(e.path() / "bin" / ("python" + want));
      }
    }
    std::sort(pyenv.rbegin(), pyenv.rend());  // 3.9.18 before 3.9.2: close enough, both match
    candidates.insert(candidates.end(), pyenv.begin(), pyenv.end());
  }
  for (const auto& c : candidates) {
    if (!is_executable_file(c)) {
      continue;
    }
    auto with = env;
    with["FSTAGE_PYTHON"] = c.string();
    if (auto in = find_interpreter(runtime.language, with);
        in && version_matches(runtime, in->version)) {
      return in;
    }
  }
  return found;
}

bool version_matches(const manifest::RuntimeInfo& runtime, const std::string& host_version) {
  std::string_view want = runtime.version;
  if (want.empty() || runtime.language == Language::go) {
    return true;  // Go1.x: any Go 1 toolchain builds for it
  }
  if (runtime.language == Language::nodejs) {
    want = want.substr(0, want.find('.'));  // Node.js18.15 asks for Node 18
  }
  return host_version == want ||
         (host_version.starts_with(want) && host_version.size() > want.size() &&
          host_version[want.size()] == '.');
}

std::shared_ptr<const std::string> compiled_python(const Interpreter& python,
                                                   std::string_view source,
                                                   const std::string& display_path,
                                                   const std::map<std::string, std::string>& env) {
  const fs::path versions = cache_file(env);
  const std::string key = cache_key(python.path);
  if (versions.empty() || key.empty()) {
    return nullptr;
  }
  // FNV-1a over everything the bytecode depends on; a new interpreter or shim is a new file.
  std::uint64_t h = 14695981039346656037ULL;
  for (std::string_view part : {std::string_view(key), source, std::string_view(display_path)}) {
    for (unsigned char c : part) {
      h = (h ^ c) * 1099511628211ULL;
    }
    h = (h ^ 0xffU) * 1099511628211ULL;
  }
  char name[24];
  std::snprintf(name, sizeof(name), "%016llx", static_cast<unsigned long long>(h));
  const fs::path dir = versions.parent_path() / "pyc";
  const fs::path pyc = dir / (std::string(name) + ".pyc");
  constexpr std::size_t k_header = 16;  // magic, flags, hash: a pyc is never shorter
  if (auto data = read_file(pyc); data && data->size() > k_header) {
    return std::make_shared<const std::string>(std::move(*data));
  }
  std::error_code ec;
  fs::create_directories(dir, ec);
  const std::string mine = std::string(name) + "." + std::to_string(::getpid());
  const fs::path src = dir / (mine + ".py");
  const fs::path out = dir / (mine + ".tmp");
  std::shared_ptr<const std::string> result;
  if (write_file_atomic(src, source)) {
    capture(python.path,
            {"-I", "-c",
             "import py_compile, sys\n"
             "py_compile.compile(sys.argv[1], cfile=sys.argv[2], dfile=sys.argv[3], doraise=True,"
             " invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)",
             src.string(), out.string(), display_path});
    if (auto data = read_file(out); data && data->size() > k_header) {
      result = std::make_shared<const std::string>(std::move(*data));
      fs::rename(out, pyc, ec);  // atomic: a concurrent fstage reads the old or the new file
      // One per interpreter and shim version: keep the recent ones.
      prune_cache(dir, "", ".pyc", 8);
    }
  }
  fs::remove(src, ec);
  fs::remove(out, ec);
  return result;
}

}  // namespace fstage::sandbox
