// SPDX-License-Identifier: Apache-2.0
// Dependency packages: a directory or a zip taken as it is, a requirements.txt installed with
// pip, a package.json installed with npm; each ends as a tree (merged into what the sandbox
// mounts) and a zip (what deploy uploads).
#include "build_deps.hpp"

#include <set>

#include <fstage/base/fs.hpp>
#include <fstage/base/json.hpp>
#include <fstage/base/strings.hpp>

#include <sys/stat.h>

namespace fstage::builder::detail {

namespace {

using Kind = manifest::Dependency::Kind;

// The platform's limits on one dependency package (PLATFORM.md §4.2).
constexpr std::uint64_t k_dependency_bytes = 300ull << 20;
constexpr std::size_t k_dependency_files = 30000;

Expected<TreeEntry> stat_entry(const fs::path& abs, const std::string& name) {
  struct stat st {};
  if (::stat(abs.c_str(), &st) != 0) {
    return fail(Error::from_errno("stat", abs.string(), errno));
  }
  return file_entry(abs, name, st);
}

std::string rel_to(const fs::path& root, const fs::path& p) {
  return p.lexically_relative(root).generic_string();
}

Expected<void> check_limits(const DependencyInputs& in, const std::vector<TreeEntry>& files) {
  std::uint64_t bytes = 0;
  std::size_t count = 0;
  for (const auto& e : files) {
    if (!e.directory) {
      bytes += e.size;
      ++count;
    }
  }
  const auto& dep = *in.dependency;
  if (count > k_dependency_files || bytes > k_dependency_bytes) {
    return fail(ErrorCode::limit,
                "dependency " + quote(dep.name) + " holds " + std::to_string(count) + " files, " +
                    std::to_string(bytes >> 20) + " MB; the platform takes at most " +
                    std::to_string(k_dependency_files) + " files and 300 MB per package",
                "split it into several dependency packages, or leave out what is not needed");
  }
  return {};
}

// Makes the dependency's tree in `out`.
Expected<void> make_tree(const DependencyContext& ctx, const DependencyInputs& in,
                         const fs::path& out) {
  const auto& dep = *in.dependency;
  switch (dep.kind) {
    case Kind::directory: {
      auto files = in.entries;
      const std::string prefix = dep.path + "/";
      for (auto& e : files) {
        e.name = e.name.substr(prefix.size());
      }
      return copy_entries(files, out);
    }
    case Kind::zip:
      FSTAGE_TRY(extract_zip(in.path, out));
      return {};
    case Kind::requirements:
    case Kind::npm: {
      auto staging = FSTAGE_TRY(TempDir::create(ctx.dir, "dep-staging-"));
      const fs::path root = staging.path() / "root";
      FSTAGE_TRY(copy_entries(in.entries, root));
      const fs::path cwd = root / fs::path(dep.path).parent_path();
      const fs::path log = ctx.dir / "build.log";
      std::remove(log.c_str());
      if (ctx.options->on_status) {
        ctx.options->on_status("build " + ctx.function->name + ": dependency " + quote(dep.name) +
                               " (" + std::string(to_string(dep.kind)) + ")");
      }
      StepContext step{ctx.manifest, ctx.function, ctx.selection, ctx.options};
      if (dep.kind == Kind::requirements) {
        return pip_install(step, cwd, fs::path(dep.path).filename().string(), out, log);
      }
      return npm_install(step, cwd, out, log);
    }
  }
  return {};
}

}  // namespace

Expected<std::vector<DependencyInputs>> select_dependencies(const manifest::Manifest& m,
                                                            const manifest::Function& fn,
                                                            const Selection& sel) {
  std::vector<DependencyInputs> out;
  WalkSettings ws;
  ws.project_root = sel.project_root;
  for (const auto& dep : fn.dependencies) {
    DependencyInputs in;
    in.dependency = &dep;
    in.path = (sel.project_root / dep.path).lexically_normal();
    struct stat st {};
    if (::stat(in.path.c_str(), &st) != 0) {
      return fail(ErrorCode::not_found,
                  dep.where.str() + ": dependency " + quote(dep.name) + ": " + quote(dep.path) +
                      " does not exist",
                  "fix the path in " + m.path.filename().string() + " (relative to it)");
    }
    switch (dep.kind) {
      case Kind::directory: {
        ws.root = in.path;
        auto matcher = plain_matcher(in.path, false);
        for (auto& e : FSTAGE_TRY(walk_tree(ws, matcher))) {
          e.name = dep.path + "/" + e.name;
          in.entries.push_back(std::move(e));
        }
        break;
      }
      case Kind::zip:
        in.entries.push_back(FSTAGE_TRY(stat_entry(in.path, dep.path)));
        break;
      case Kind::requirements:
      case Kind::npm: {
        in.kind = dep.kind == Kind::requirements ? BuildKind::pip : BuildKind::npm;
        const fs::path dir = in.path.parent_path();
        std::vector<std::string> names = {in.path.filename().string()};
        if (dep.kind == Kind::npm) {
          names = {"package.json", "package-lock.json", "npm-shrinkwrap.json", ".npmrc"};
        }
        for (const auto& n : names) {
          if (::stat((dir / n).c_str(), &st) == 0) {
            in.entries.push_back(
                FSTAGE_TRY(stat_entry(dir / n, rel_to(sel.project_root, dir / n))));
          }
        }
        auto refs = FSTAGE_TRY(local_refs(in.kind, dir, in.path.filename().string()));
        for (auto& e : FSTAGE_TRY(ref_entries(refs, in.kind, ws))) {
          in.entries.push_back(std::move(e));
        }
        break;
      }
    }
    out.push_back(std::move(in));
  }
  return out;
}

Expected<DependencyBuild> build_dependency(const DependencyContext& ctx,
                                           const DependencyInputs& in) {
  const auto& dep = *in.dependency;
  const std::string head = "fstage-dependency-v1\n" + std::string(to_string(dep.kind)) + "\n" +
                           dep.path + "\n" + std::string(ctx.function->runtime.name) + "\n" +
                           std::to_string(ctx.options->epoch) + "\n";
  const std::string key = FSTAGE_TRY(content_key(head, "", in.entries));
  const std::string base = dep.name + "-" + key.substr(0, 32);
  const fs::path deps = ctx.dir / "deps";
  DependencyBuild b;
  b.name = dep.name;
  b.kind = std::string(to_string(dep.kind));
  b.tree = deps / base;
  b.zip = deps / (base + ".zip");
  auto meta_text = read_file(deps / (base + ".json"));
  if (!ctx.options->rebuild && meta_text) {
    Json meta = Json::parse(*meta_text, nullptr, false);
    std::error_code ec;
    if (meta.is_object() && fs::is_directory(b.tree, ec) && fs::exists(b.zip, ec)) {
      b.sha256 = text_or(meta, "sha256");
      b.bytes = value_or(meta, "bytes", std::uint64_t{0});
      b.files = value_or(meta, "files", std::size_t{0});
      return b;
    }
  }
  std::error_code ec;
  fs::create_directories(deps, ec);
  auto temp = FSTAGE_TRY(TempDir::create(deps, "tmp-"));
  FSTAGE_TRY(make_tree(ctx, in, temp.path()));
  auto files = FSTAGE_TRY(walk_all(temp.path()));
  FSTAGE_TRY(check_limits(in, files));
  fs::remove_all(b.tree, ec);
  ::chmod(temp.path().c_str(), 0755);
  if (::rename(temp.path().c_str(), b.tree.c_str()) != 0) {
    return fail(Error::from_errno("rename", temp.path().string(), errno));
  }
  temp.release();
  ZipSettings zs;
  zs.epoch = ctx.options->epoch;
  auto entries = FSTAGE_TRY(walk_all(b.tree));
  auto stats = FSTAGE_TRY(write_zip_file(b.zip, entries, zs, nullptr));
  b.sha256 = stats.sha256;
  b.bytes = stats.bytes_out;
  b.files = stats.files;
  Json meta = {{"sha256", b.sha256}, {"bytes", b.bytes}, {"files", b.files}};
  FSTAGE_TRY(write_file_atomic(deps / (base + ".json"), meta.dump() + "\n"));
  return b;
}

Json dependencies_to_json(const std::vector<DependencyBuild>& deps, const fs::path& dir) {
  Json out = Json::array();
  for (const auto& b : deps) {
    out.push_back({{"name", b.name},
                   {"kind", b.kind},
                   {"tree", rel_to(dir, b.tree)},
                   {"zip", rel_to(dir, b.zip)},
                   {"sha256", b.sha256},
                   {"bytes", b.bytes},
                   {"files", b.files}});
  }
  return out;
}

std::vector<DependencyBuild> dependencies_from_json(const Json& j, const fs::path& dir) {
  std::vector<DependencyBuild> out;
  if (!j.is_array()) {
    return out;
  }
  for (const auto& e : j) {
    DependencyBuild b;
    b.name = text_or(e, "name");
    b.kind = text_or(e, "kind");
    b.tree = dir / text_or(e, "tree");
    b.zip = dir / text_or(e, "zip");
    b.sha256 = text_or(e, "sha256");
    b.bytes = value_or(e, "bytes", std::uint64_t{0});
    b.files = value_or(e, "files", std::size_t{0});
    out.push_back(std::move(b));
  }
  return out;
}

void prune_dependencies(const fs::path& deps_dir, const std::vector<DependencyBuild>& keep) {
  std::set<std::string> names;
  for (const auto& b : keep) {
    std::string base = b.tree.filename().string();
    names.insert(base);
    names.insert(base + ".zip");
    names.insert(base + ".json");
  }
  std::error_code ec;
  for (const auto& de : fs::directory_iterator(deps_dir, ec)) {
    if (names.count(de.path().filename().string()) == 0) {
      fs::remove_all(de.path(), ec);
    }
  }
}

}  // namespace fstage::builder::detail
