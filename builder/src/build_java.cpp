// SPDX-License-Identifier: Apache-2.0
// Java without maven: javac against lib/*.jar, then the jar is written by fstage's own zip
// writer (manifest first, then every entry sorted, fixed times), so it is as reproducible as
// the outer zip. The platform provides the runtime API, so lib/fstage-runtime-api.jar is on
// the compile classpath but never in the artifact.
#include <algorithm>
#include <fstream>

#include <fstage/base/assets.hpp>
#include <fstage/base/fs.hpp>
#include <fstage/base/strings.hpp>

#include "package_internal.hpp"
#include <sys/stat.h>

namespace fstage::builder::detail {

namespace {

constexpr std::string_view k_api_jar = "fstage-runtime-api.jar";

std::string argfile_quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out + "\"";
}

Expected<TreeEntry> manifest_entry(const fs::path& dir) {
  fs::path mf = dir / "MANIFEST.MF";
  FSTAGE_TRY(write_file_atomic(mf, "Manifest-Version: 1.0\r\nCreated-By: fstage\r\n\r\n"));
  struct stat st {};
  if (::stat(mf.c_str(), &st) != 0) {
    return fail(Error::from_errno("stat", mf.string(), errno));
  }
  TreeEntry e;
  e.name = "META-INF/MANIFEST.MF";
  e.path = mf;
  e.size = static_cast<std::uint64_t>(st.st_size);
  e.stamp = stamp_of(st);
  return e;
}

}  // namespace

Expected<void> build_javac(const StepContext& in, const fs::path& src, const fs::path& out,
                           const fs::path& log) {
  const auto& fn = *in.function;
  const fs::path staging = out.parent_path() / "work";
  std::error_code ec;
  fs::create_directories(staging, ec);
  const std::string& code_rel = in.selection->code_rel;
  const std::string prefix = code_rel.empty() ? "" : code_rel + "/";
  std::vector<std::string> java_files;
  std::vector<TreeEntry> jars;
  for (const auto& e : in.selection->inputs) {
    if (e.directory || !e.name.starts_with(prefix)) {
      continue;
    }
    std::string name = e.name.substr(prefix.size());
    if (name.starts_with("src/main/java/") && name.ends_with(".java")) {
      java_files.push_back(name);
    } else if (name.starts_with("lib/") && name.ends_with(".jar")) {
      jars.push_back(e);
      jars.back().name = name;
    }
  }
  if (java_files.empty()) {
    return fail(ErrorCode::not_found, "no Java sources under src/main/java",
                "put the handler class under src/main/java, add a pom.xml, or set `build:`");
  }
  std::string args;
  for (const auto& f : java_files) {
    args += argfile_quote(f) + "\n";
  }
  FSTAGE_TRY(write_file_atomic(staging / "javac.args", args));
  // The platform provides the runtime API: on the compile classpath always, in the jar never.
  std::vector<std::string> cp;
  if (const Asset* api = find_asset("sdk/java/fstage-runtime-api.jar")) {
    FSTAGE_TRY(write_file_atomic(staging / "fstage-runtime-api.jar", api->data));
    cp.push_back((staging / "fstage-runtime-api.jar").string());
  }
  for (const auto& j : jars) {
    cp.push_back(j.name);
  }
  const fs::path classes = staging / "classes";
  fs::create_directories(classes);
  std::vector<std::string> argv = {"javac",     "-g",
                                   "-encoding", "UTF-8",
                                   "--release", std::string(fn.runtime.version),
                                   "-d",        classes.string()};
  if (!cp.empty()) {
    argv.push_back("-cp");
    argv.push_back(join(cp, ":"));
  }
  argv.push_back("@" + (staging / "javac.args").string());
  auto env = in.options->env;
  int status = FSTAGE_TRY(run_process(argv, src, env, log, in.options->on_output));
  if (status != 0) {
    return fail(step_failed("javac", join(argv, " "), status, log));
  }

  // The jar: META-INF/ and the manifest first (java.util.jar expects it there), then classes
  // and resources sorted; a class wins over a resource of the same name.
  auto entries = FSTAGE_TRY(walk_all(classes));
  auto resources = FSTAGE_TRY(walk_all(src / "src" / "main" / "resources"));
  for (auto& r : resources) {
    auto same = [&](const TreeEntry& e) { return e.name == r.name; };
    if (std::none_of(entries.begin(), entries.end(), same)) {
      entries.push_back(std::move(r));
    }
  }
  std::erase_if(entries, [](const TreeEntry& e) {
    return e.name == "META-INF/" || e.name == "META-INF/MANIFEST.MF";
  });
  std::sort(entries.begin(), entries.end(),
            [](const TreeEntry& a, const TreeEntry& b) { return a.name < b.name; });
  TreeEntry meta;
  meta.name = "META-INF/";
  meta.directory = true;
  meta.mode = 0755;
  entries.insert(entries.begin(), {meta, FSTAGE_TRY(manifest_entry(staging))});
  ZipSettings zs;
  zs.epoch = in.options->epoch;
  zs.level = 6;
  FSTAGE_TRY(write_zip_file(out / (fn.name + ".jar"), entries, zs, nullptr));

  for (const auto& j : jars) {
    if (fs::path(j.name).filename() != k_api_jar) {
      FSTAGE_TRY(copy_entry(j, out / j.name));
    }
  }
  return {};
}

}  // namespace fstage::builder::detail
