// SPDX-License-Identifier: Apache-2.0
#include <cstdlib>
#include <system_error>

#include <fstage/base/module_path.hpp>

namespace fstage {

std::vector<std::filesystem::path> module_candidates(std::string_view file, const char* env_var) {
  std::vector<std::filesystem::path> out;
  if (const char* env = std::getenv(env_var); env != nullptr && *env != '\0') {
    out.emplace_back(env);
    return out;
  }
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    out.push_back(exe.parent_path() / file);
    out.push_back(exe.parent_path().parent_path() / "lib" / "fstage" / file);
  }
  return out;
}

}  // namespace fstage
