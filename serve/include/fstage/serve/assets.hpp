// SPDX-License-Identifier: Apache-2.0
// The console's files (serve/console/: HTML, CSS, JavaScript), embedded in the binary at build
// time by cmake/embed_assets.cmake: the console needs no network and no files beside fstage.
#pragma once

#include <span>
#include <string_view>

namespace fstage::serve {

struct EmbeddedFile {
  std::string_view path;  // relative to serve/console/: "index.html", "app.js"
  std::string_view data;
  std::string_view etag;  // quoted, as the ETag header carries it
};

// Every embedded file, sorted by path (the generated console_files.cpp).
std::span<const EmbeddedFile> console_files();

// The file at `path` ("" and "/" are index.html), or nullptr.
const EmbeddedFile* find_console_file(std::string_view path);

// The Content-Type for a file by its extension (text types with charset=utf-8);
// application/octet-stream when unknown.
std::string_view content_type_for(std::string_view path);

}  // namespace fstage::serve
