// SPDX-License-Identifier: Apache-2.0
#include <iostream>
#include <unistd.h>

#include <fstage/cli/context.hpp>

extern char** environ;

namespace fstage::cli {

Context Context::real() {
  Context ctx;
  ctx.out = &std::cout;
  ctx.err = &std::cerr;
  for (char** e = environ; e && *e; ++e) {
    std::string kv(*e);
    auto eq = kv.find('=');
    if (eq != std::string::npos) {
      ctx.env.emplace(kv.substr(0, eq), kv.substr(eq + 1));
    }
  }
  std::error_code ec;
  ctx.cwd = std::filesystem::current_path(ec);
  ctx.stdin_tty = ::isatty(0) == 1;
  ctx.stdout_tty = ::isatty(1) == 1;
  ctx.stderr_tty = ::isatty(2) == 1;
  return ctx;
}

std::optional<std::string> Context::getenv(const std::string& name) const {
  auto it = env.find(name);
  if (it == env.end()) {
    return std::nullopt;
  }
  return it->second;
}

bool Context::use_color() const {
  switch (color) {
    case ColorMode::always:
      return true;
    case ColorMode::never:
      return false;
    case ColorMode::auto_:
      break;
  }
  if (getenv("NO_COLOR").has_value()) {
    return false;
  }
  if (getenv("TERM").value_or("") == "dumb") {
    return false;
  }
  return stderr_tty;
}

std::filesystem::path Context::resolve(const std::filesystem::path& p) const {
  return p.is_absolute() ? p : cwd / p;
}

std::string Context::display_path(const std::filesystem::path& file) const {
  std::filesystem::path rel = file.lexically_normal().lexically_relative(cwd.lexically_normal());
  if (!rel.empty() && *rel.begin() != "..") {
    return rel.generic_string();
  }
  return file.string();
}

}  // namespace fstage::cli
