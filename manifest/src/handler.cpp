// SPDX-License-Identifier: Apache-2.0
// Handler string rules per runtime (PLATFORM.md §1.1). The API's general rule is "xx.xx with a
// period, 3-128 characters"; the exceptions it documents are Go1.x (the executable's name),
// Custom and http ("bootstrap") and Custom Image ("-"), so fstage checks per language:
//   Python, Node.js, PHP  [dir/]file.function   (split at the last '.'; dir may use '/')
//   Java                  package.Class.method  (three or more Java identifiers)
//   Go1.x                 executable name       (no '/'); Go1.8: plugin.Function
//   Custom, http          any word, default "bootstrap"
//   C#, Cangjie, image    1-128 printable characters (not run locally)
#include <algorithm>

#include <fstage/base/strings.hpp>
#include <fstage/manifest/checker.hpp>
#include <fstage/manifest/manifest.hpp>

namespace fstage::manifest {

namespace {

bool is_ident(std::string_view s, bool dollar) {
  if (s.empty()) {
    return false;
  }
  auto head = [dollar](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' || (dollar && c == '$');
  };
  auto tail = [&head](char c) { return head(c) || (c >= '0' && c <= '9'); };
  return head(s[0]) && std::all_of(s.begin() + 1, s.end(), tail);
}

bool is_file_segment(std::string_view s) {
  if (s.empty() || s == "." || s == "..") {
    return false;
  }
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-' || c == '.';
  });
}

bool is_file_path(std::string_view s) {
  if (s.empty()) {
    return false;
  }
  std::size_t start = 0;
  while (true) {
    std::size_t slash = s.find('/', start);
    if (!is_file_segment(
            s.substr(start, slash == std::string_view::npos ? slash : slash - start))) {
      return false;
    }
    if (slash == std::string_view::npos) {
      return true;
    }
    start = slash + 1;
  }
}

// "file.func" with a file path and an identifier after the last '.'.
std::string file_function_problem(std::string_view h, bool dollar) {
  std::size_t dot = h.rfind('.');
  if (dot == std::string_view::npos) {
    return "has no '.' between the file and the function";
  }
  std::string_view file = h.substr(0, dot);
  std::string_view func = h.substr(dot + 1);
  if (!is_file_path(file)) {
    return "file part " + quote(file) + " is not a relative file path";
  }
  if (!is_ident(func, dollar)) {
    return "function part " + quote(func) + " is not an identifier";
  }
  return "";
}

}  // namespace

bool is_valid_handler(const RuntimeInfo& runtime, std::string_view handler) {
  std::string expected;
  return detail::handler_problem(runtime, handler, expected).empty();
}

std::string handler_format(const RuntimeInfo& runtime) {
  switch (runtime.language) {
    case Language::python:
      return "[dir/]file.function, e.g. index.handler (file index.py)";
    case Language::nodejs:
      return "[dir/]file.function, e.g. index.handler (file index.js)";
    case Language::java:
      return "package.Class.method, e.g. com.example.Handler.handle";
    case Language::go:
      return runtime.name == "Go1.8" ? "plugin.Function, e.g. testplugin.Handler"
                                     : "the executable's name, e.g. handler";
    case Language::custom:
    case Language::http:
      return "bootstrap";
    case Language::other:
      break;
  }
  if (runtime.name.starts_with("PHP")) {
    return "file.function, e.g. index.handler (file index.php)";
  }
  if (runtime.name.starts_with("C#")) {
    return "Assembly::Namespace.Class::Method";
  }
  return "1-128 printable characters";
}

namespace detail {

std::string handler_problem(const RuntimeInfo& runtime, std::string_view h, std::string& expected) {
  expected = handler_format(runtime);
  if (h.empty()) {
    return "is empty";
  }
  if (h.size() > 128) {
    return "is " + std::to_string(h.size()) + " characters long (at most 128)";
  }
  for (char c : h) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) {
      return "contains whitespace or a control character";
    }
  }
  switch (runtime.language) {
    case Language::python:
      return file_function_problem(h, false);
    case Language::nodejs:
      return file_function_problem(h, true);
    case Language::java: {
      if (h.find("::") != std::string_view::npos) {
        return "uses '::'; Java handlers separate the method with '.'";
      }
      std::vector<std::string> parts = split(h, '.');
      if (parts.size() < 3) {
        return "has " + std::to_string(parts.size()) + " part" + (parts.size() == 1 ? "" : "s") +
               " (package, class and method are needed)";
      }
      for (const auto& p : parts) {
        if (!is_ident(p, true)) {
          return "part " + quote(p) + " is not a Java identifier";
        }
      }
      return "";
    }
    case Language::go:
      if (runtime.name == "Go1.8") {
        return file_function_problem(h, false);
      }
      return is_file_segment(h) ? "" : "is not a file name (no '/', not '.' or '..')";
    case Language::custom:
    case Language::http:
    case Language::other:
      break;
  }
  if (runtime.name.starts_with("PHP")) {
    return file_function_problem(h, false);
  }
  return "";
}

}  // namespace detail
}  // namespace fstage::manifest
