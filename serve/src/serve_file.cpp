// SPDX-License-Identifier: Apache-2.0
// .fstage/serve.json: how `fstage logs` finds the serve running in a project.
#include <cerrno>
#include <csignal>
#include <system_error>
#include <unistd.h>

#include <fstage/base/fs.hpp>
#include <fstage/base/json.hpp>
#include <fstage/serve/console.hpp>

namespace fstage::serve {

namespace fs = std::filesystem;

fs::path serve_file_path(const fs::path& project_root) {
  return project_root / ".fstage" / "serve.json";
}

Expected<void> write_serve_file(const fs::path& project_root, const ServeFile& f) {
  OrderedJson j = OrderedJson::object();
  j["url"] = f.url;
  j["pid"] = f.pid;
  j["manifest"] = f.manifest;
  j["started"] = f.started;
  const fs::path path = serve_file_path(project_root);
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) {
    return fail(Error::from_error_code("mkdir", path.parent_path().string(), ec));
  }
  return write_file_atomic(path, j.dump(2) + "\n");
}

void remove_serve_file(const fs::path& project_root) {
  auto f = read_serve_file(project_root);
  if (f && f->pid == static_cast<long>(::getpid())) {
    std::error_code ec;
    fs::remove(serve_file_path(project_root), ec);
  }
}

Expected<ServeFile> read_serve_file(const fs::path& project_root) {
  const fs::path path = serve_file_path(project_root);
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    return fail(ErrorCode::not_found, "no fstage serve is running in " + project_root.string(),
                "start one (`fstage serve`), or give its address with --url");
  }
  const std::string text = FSTAGE_TRY(read_file(path));
  OrderedJson j = FSTAGE_TRY(parse_ordered_json(text, path.string()));
  ServeFile f;
  if (j.is_object()) {
    f.url = j.value("url", "");
    f.pid = j.value("pid", 0L);
    f.manifest = j.value("manifest", "");
    f.started = j.value("started", "");
  }
  if (f.url.empty() || f.pid <= 0) {
    return fail(ErrorCode::invalid_input, path.string() + " does not say where serve listens",
                "restart `fstage serve` (it writes the file), or give --url");
  }
  // A serve killed with SIGKILL leaves its file behind: the process it names is gone.
  if (::kill(static_cast<pid_t>(f.pid), 0) != 0 && errno == ESRCH) {
    return fail(ErrorCode::not_found,
                "no fstage serve is running in " + project_root.string() + ": " + path.string() +
                    " names process " + std::to_string(f.pid) + ", which has ended",
                "start `fstage serve` again (the stale file is replaced), or give --url");
  }
  return f;
}

}  // namespace fstage::serve
