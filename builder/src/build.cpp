// SPDX-License-Identifier: Apache-2.0
// build_function: select the inputs; if their stat stamps are those of the last build, done;
// else key them by content, reuse or run the build step in a staging copy that mirrors the
// project, assemble the code tree, merge the dependency packages, record the stamps.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fcntl.h>
#include <set>
#include <unistd.h>

#include <fstage/base/fs.hpp>
#include <fstage/base/json.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/lazy/lazy.hpp>

#include "build_deps.hpp"
#include "package_internal.hpp"
#include <sys/file.h>
#include <sys/stat.h>

namespace fstage::builder {

namespace d = detail;
namespace fs = std::filesystem;

namespace {

constexpr int k_state_version = 2;
// A file whose mtime is this close to when the stamps were recorded may have changed in the
// same clock tick without its stamp changing (git's "racy" entries): such stamps are not
// trusted, and the content is hashed.
constexpr std::int64_t k_racy_ns = 2'000'000'000;

std::int64_t now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool is_dir(const fs::path& p) {
  std::error_code ec;
  return fs::is_directory(p, ec);
}

// Held while building: two fstage processes never build one function at once.
class BuildLock {
 public:
  static Expected<BuildLock> take(const fs::path& dir) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) {
      return fail(Error::from_errno("mkdir", dir.string(), ec.value()));
    }
    int fd = ::open((dir / "lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) {
      return fail(Error::from_errno("open", (dir / "lock").string(), errno));
    }
    while (::flock(fd, LOCK_EX) != 0) {
      if (errno != EINTR || interrupted()) {
        int err = errno;
        ::close(fd);
        return fail(err == EINTR ? interrupted_error()
                                 : Error::from_errno("flock", (dir / "lock").string(), err));
      }
    }
    return BuildLock(fd);
  }
  BuildLock(BuildLock&& o) noexcept : m_fd(std::exchange(o.m_fd, -1)) {}
  BuildLock& operator=(BuildLock&&) = delete;
  ~BuildLock() {
    if (m_fd >= 0) {
      ::close(m_fd);
    }
  }

 private:
  explicit BuildLock(int fd) : m_fd(fd) {}
  int m_fd;
};

// Everything besides the files that decides what the tree holds.
std::string settings_of(const manifest::Function& fn, const d::Selection& sel,
                        const BuildOptions& opts) {
  std::string s = "fstage-build-v" + std::to_string(k_state_version) + "\n" +
                  std::string(d::to_string(sel.plan.kind)) + "\n" + sel.plan.display + "\n" +
                  std::string(fn.runtime.name) + "\n" + fn.handler + "\n" + fn.name + "\n" +
                  sel.code_root.string() + "\n" + std::to_string(opts.epoch) + "\n" + fn.build +
                  "\n" + join(fn.include, ",") + "\n" + join(fn.exclude, ",") + "\n";
  for (const char* var : {"FSTAGE_PYTHON", "GOFLAGS", "GOPROXY"}) {
    auto it = opts.env.find(var);
    s += std::string(var) + "=" + (it == opts.env.end() ? "" : it->second) + "\n";
  }
  return s;
}

struct Stamps {
  std::string digest;
  std::int64_t newest_ns = 0;
};

Stamps stamps_of(const std::string& settings, const d::Selection& sel,
                 const std::vector<d::DependencyInputs>& deps) {
  d::StampHash h;
  Stamps out;
  h.add(settings);
  auto add_all = [&](std::string_view tag, const std::vector<d::TreeEntry>& entries) {
    h.add(tag);
    for (const auto& e : entries) {
      h.add(e);
      out.newest_ns = std::max({out.newest_ns, e.stamp.mtime_ns, e.stamp.ctime_ns});
    }
  };
  add_all("sources", sel.sources);
  add_all("inputs", sel.inputs);
  for (const auto& dep : deps) {
    h.add(dep.dependency->name + "/" + dep.dependency->path);
    add_all("dependency", dep.entries);
  }
  out.digest = h.hex();
  return out;
}

Expected<std::string> key_of(const std::string& settings, std::string_view tag,
                             const std::vector<d::TreeEntry>& entries,
                             const std::string& more = {}) {
  return d::content_key(settings + more, tag, entries);
}

// Renames a finished directory into place; another process may have made the same one.
// Made as a private temporary directory, it becomes readable: the sandbox's user may differ.
Expected<void> publish_dir(const fs::path& from, const fs::path& to) {
  ::chmod(from.c_str(), 0755);
  if (::rename(from.c_str(), to.c_str()) == 0 || is_dir(to)) {
    return {};
  }
  return fail(Error::from_errno("rename", from.string(), errno));
}

struct Builder {
  const manifest::Manifest& m;
  const manifest::Function& fn;
  const BuildOptions& opts;
  fs::path dir;  // .fstage/build/<function>
  d::Selection sel;
  BuildResult res;

  void warn(const std::string& w) {
    res.warnings.push_back(w);
    if (opts.on_warning) {
      opts.on_warning(w);
    }
  }
  void status(const std::string& s) const {
    if (opts.on_status) {
      opts.on_status(s);
    }
  }

  // .fstage/build/<function> in the project; in fstage's cache directory when the project
  // cannot be written (a read-only checkout, another user's project).
  Expected<fs::path> build_dir() const {
    fs::path in_project = sel.project_root / ".fstage" / "build" / fn.name;
    std::error_code ec;
    fs::create_directories(in_project, ec);
    if (!ec && ::access(in_project.c_str(), W_OK) == 0) {
      return in_project;
    }
    const int err = ec ? ec.value() : errno;
    if ((err == EACCES || err == EROFS || err == EPERM) && !opts.cache_dir.empty()) {
      d::StampHash h;
      h.add(sel.project_root.string());
      fs::path elsewhere = opts.cache_dir / "builds" / h.hex() / fn.name;
      fs::create_directories(elsewhere, ec);
      if (!ec) {
        return elsewhere;
      }
    }
    return fail(Error::from_errno("mkdir", in_project.string(), err));
  }

  // The build step's output for `step_key`: reused, or made in a staging copy.
  Expected<fs::path> step(const std::string& step_key) {
    res.step.kind = std::string(d::to_string(sel.plan.kind));
    res.step.command = sel.plan.display;
    const fs::path done = dir / ("step-" + step_key.substr(0, 32));
    if (!opts.rebuild && is_dir(done)) {
      res.step.cached = true;
      return done;
    }
    status("build " + fn.name + ": " + sel.plan.display);
    const auto started = std::chrono::steady_clock::now();
    // One fixed place (the lock is held): paths a tool records, such as pip's direct_url.json,
    // come out the same on every build.
    const fs::path staging_dir = dir / "staging";
    std::error_code ec;
    fs::remove_all(staging_dir, ec);
    struct Cleanup {
      fs::path p;
      ~Cleanup() {
        std::error_code e;
        fs::remove_all(p, e);
      }
    } staging{staging_dir};
    const fs::path root = staging_dir / "root";
    const fs::path src = sel.code_rel.empty() ? root : root / sel.code_rel;
    const fs::path out = staging_dir / "out";
    fs::create_directories(src, ec);
    fs::create_directories(out, ec);
    FSTAGE_TRY(d::copy_entries(sel.inputs, root));
    const fs::path log = dir / "build.log";
    std::remove(log.c_str());
    d::StepContext ctx{&m, &fn, &sel, &opts};
    FSTAGE_TRY(d::run_step(sel.plan, ctx, src, out, log));
    if (interrupted()) {
      return fail(interrupted_error());
    }
    // A custom build that left $FSTAGE_OUT empty ships its whole staging copy.
    fs::path result = sel.plan.kind == d::BuildKind::custom && fs::is_empty(out, ec) ? src : out;
    if (opts.rebuild) {
      fs::remove_all(done, ec);
    }
    FSTAGE_TRY(publish_dir(result, done));
    res.step.ran = true;
    res.step.seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return done;
  }

  // The code tree: selected sources (copied) and the step's output (linked).
  Expected<void> tree(const fs::path& built, const fs::path& dest) {
    auto temp = FSTAGE_TRY(TempDir::create(dir, "tree-tmp-"));
    if (!built.empty()) {
      d::WalkSettings ws{built, sel.project_root, opts.allow_external_symlinks,
                         [this](const std::string& w) { warn(w); }};
      // A custom build's output is filtered like the code tree it mirrors.
      IgnoreMatcher rules = sel.plan.filter_output
                                ? d::source_matcher(sel.code_root, sel.project_root, fn)
                                : d::plain_matcher(built, false);
      ws.project_root = dir;  // links inside the build output stay inside it
      auto entries = FSTAGE_TRY(d::walk_tree(ws, rules));
      FSTAGE_TRY(d::link_entries(entries, temp.path()));
    }
    for (const auto& e : sel.sources) {
      if (!built.empty() && !e.directory && fs::exists(temp.path() / e.name)) {
        warn(quote(e.name) + " from the source tree replaces the file the build produced");
      }
    }
    FSTAGE_TRY(d::copy_entries(sel.sources, temp.path()));
    FSTAGE_TRY(publish_dir(temp.path(), dest));
    temp.release();
    return {};
  }

  Expected<BuildResult> run() {
    const auto started = std::chrono::steady_clock::now();
    sel = FSTAGE_TRY(
        d::select(m, fn, opts.allow_external_symlinks, [this](const std::string& w) { warn(w); }));
    dir = FSTAGE_TRY(build_dir());
    auto deps = FSTAGE_TRY(d::select_dependencies(m, fn, sel));
    auto lock = FSTAGE_TRY(BuildLock::take(dir));
    const std::string settings = settings_of(fn, sel, opts);
    const Stamps stamps = stamps_of(settings, sel, deps);
    res.function = fn.name;
    res.watch.push_back(sel.code_root);
    for (const auto& r : sel.refs) {
      res.watch.push_back(is_dir(r) ? r : r.parent_path());
    }
    for (const auto& dep : deps) {
      res.watch.push_back(is_dir(dep.path) ? dep.path : dep.path.parent_path());
    }
    res.step.kind = std::string(d::to_string(sel.plan.kind));
    res.step.command = sel.plan.display;

    // The fast path: the stamps of the last build, recorded well after the newest file. (The
    // state is read type by type: a hand-edited or truncated file means a rebuild, not a throw.)
    auto state_text = read_file(dir / "state.json");
    Json state = state_text ? Json::parse(*state_text, nullptr, false) : Json();
    const std::string last_tree = text_or(state, "tree", "-");
    const std::string last_run = text_or(state, "run", last_tree);
    if (!opts.rebuild && value_or(state, "version", 0) == k_state_version &&
        text_or(state, "stamps") == stamps.digest &&
        stamps.newest_ns + k_racy_ns < value_or(state, "recorded_ns", std::int64_t{0}) &&
        is_dir(dir / last_tree) && is_dir(dir / last_run)) {
      res.tree = dir / last_tree;
      res.run_tree = dir / last_run;
      res.key = text_or(state, "key");
      res.up_to_date = true;
      res.step.cached = sel.plan.kind != d::BuildKind::none;
      res.dependencies =
          d::dependencies_from_json(value_or(state, "dependencies", Json::array()), dir);
      return std::move(res);
    }

    FSTAGE_TRY(lazy::require(lazy::Library::crypto));
    const std::int64_t recorded = now_ns();
    fs::path built;
    std::string step_key;
    if (sel.plan.kind != d::BuildKind::none) {
      step_key = FSTAGE_TRY(key_of(settings, "step", sel.inputs));
      built = FSTAGE_TRY(step(step_key));
    }
    res.key = FSTAGE_TRY(key_of(settings, "tree", sel.sources, step_key));
    const std::string tree_name = "tree-" + res.key.substr(0, 32);
    res.tree = dir / tree_name;
    bool made = res.step.ran;
    if (!is_dir(res.tree) || opts.rebuild) {
      std::error_code ec;
      fs::remove_all(res.tree, ec);
      FSTAGE_TRY(tree(built, res.tree));
      made = true;
    }
    std::string run_name = tree_name;
    if (!deps.empty()) {
      d::DependencyContext dctx{&m, &fn, &sel, &opts, dir};
      std::string run_key = res.key;
      for (const auto& dep : deps) {
        auto b = FSTAGE_TRY(d::build_dependency(dctx, dep));
        run_key += "\n" + b.sha256;
        res.dependencies.push_back(std::move(b));
      }
      run_name = "run-" + FSTAGE_TRY(key_of(run_key, "run", {})).substr(0, 32);
      if (!is_dir(dir / run_name) || opts.rebuild) {
        FSTAGE_TRY(merge_run_tree(dir / run_name));
        made = true;
      }
    }
    res.run_tree = dir / run_name;
    res.up_to_date = !made && text_or(state, "tree") == tree_name;

    Json next = {{"version", k_state_version},
                 {"stamps", stamps.digest},
                 {"recorded_ns", recorded},
                 {"key", res.key},
                 {"tree", tree_name},
                 {"run", run_name},
                 {"dependencies", d::dependencies_to_json(res.dependencies, dir)}};
    FSTAGE_TRY(write_file_atomic(dir / "state.json", next.dump(1) + "\n"));
    prune(state, tree_name, run_name, step_key);
    res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return std::move(res);
  }

  // The code tree with every dependency package laid over it: a dependency's file wins over
  // a code file of the same name, and a later dependency over an earlier one.
  Expected<void> merge_run_tree(const fs::path& dest) {
    auto temp = FSTAGE_TRY(TempDir::create(dir, "run-tmp-"));
    auto code = FSTAGE_TRY(d::walk_all(res.tree));
    FSTAGE_TRY(d::link_entries(code, temp.path()));
    for (const auto& dep : res.dependencies) {
      auto files = FSTAGE_TRY(d::walk_all(dep.tree));
      FSTAGE_TRY(d::link_entries(files, temp.path()));
    }
    std::error_code ec;
    fs::remove_all(dest, ec);
    FSTAGE_TRY(publish_dir(temp.path(), dest));
    temp.release();
    return {};
  }

  // Keeps the trees of this build and the previous one (a `serve` may still run it), the
  // current step output, and nothing else; leftovers of interrupted builds go too.
  void prune(const Json& previous, const std::string& tree, const std::string& run,
             const std::string& step_key) {
    std::set<std::string> keep = {tree, run, "deps", "state.json", "lock", "build.log"};
    if (!step_key.empty()) {
      keep.insert("step-" + step_key.substr(0, 32));
    }
    if (previous.is_object()) {
      keep.insert(text_or(previous, "tree"));
      keep.insert(text_or(previous, "run"));
    }
    std::error_code ec;
    for (const auto& de : fs::directory_iterator(dir, ec)) {
      std::string name = de.path().filename().string();
      if (keep.count(name) == 0 && !name.starts_with("python-version")) {
        fs::remove_all(de.path(), ec);
      }
    }
    d::prune_dependencies(dir / "deps", res.dependencies);
  }
};

}  // namespace

Expected<void> unpack_artifact(const fs::path& zip,
                               const std::vector<DependencyBuild>& dependencies,
                               const fs::path& dest) {
  InterruptScope interrupts;
  FSTAGE_TRY(d::extract_zip(zip, dest));
  for (const auto& dep : dependencies) {
    auto files = FSTAGE_TRY(d::walk_all(dep.tree));
    FSTAGE_TRY(d::link_entries(files, dest));
  }
  return {};
}

Expected<BuildResult> build_function(const manifest::Manifest& m, const manifest::Function& fn,
                                     const BuildOptions& opts) {
  InterruptScope interrupts;
  Builder b{m, fn, opts, {}, {}, {}};
  return b.run();
}

}  // namespace fstage::builder
