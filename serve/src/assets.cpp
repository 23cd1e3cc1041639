// SPDX-License-Identifier: Apache-2.0
#include <fstage/serve/assets.hpp>

namespace fstage::serve {

const EmbeddedFile* find_console_file(std::string_view path) {
  while (!path.empty() && path.front() == '/') {
    path.remove_prefix(1);
  }
  if (path.empty()) {
    path = "index.html";
  }
  for (const auto& f : console_files()) {
    if (f.path == path) {
      return &f;
    }
  }
  return nullptr;
}

std::string_view content_type_for(std::string_view path) {
  const auto dot = path.rfind('.');
  const std::string_view ext = dot == std::string_view::npos ? "" : path.substr(dot + 1);
  if (ext == "html") {
    return "text/html; charset=utf-8";
  }
  if (ext == "css") {
    return "text/css; charset=utf-8";
  }
  if (ext == "js") {
    return "text/javascript; charset=utf-8";
  }
  if (ext == "svg") {
    return "image/svg+xml";
  }
  if (ext == "json") {
    return "application/json";
  }
  if (ext == "png") {
    return "image/png";
  }
  if (ext == "ico") {
    return "image/x-icon";
  }
  return "application/octet-stream";
}

}  // namespace fstage::serve
