// SPDX-License-Identifier: Apache-2.0
// Function names for `init` (PLATFORM.md §2.2: at most 60 letters, digits, '-' or '_',
// starting with a letter and ending with a letter or digit), and the project around a
// directory.
#include <algorithm>
#include <system_error>
#include <vector>

#include <fstage/base/strings.hpp>
#include <fstage/scaffolds/init.hpp>

namespace fstage::scaffolds {

namespace {

namespace stdfs = std::filesystem;

constexpr std::size_t k_max_name = 60;
constexpr std::string_view k_rule =
    "up to 60 letters, digits, '-' or '_', starting with a letter and ending with a letter or "
    "digit";

bool is_letter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_name_char(char c) {
  return is_letter(c) || is_digit(c) || c == '-' || c == '_';
}

std::string shown(char c) {
  if (c == ' ') {
    return "a space";
  }
  if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
    return "non-ASCII or control characters";
  }
  return "'" + std::string(1, c) + "'";
}

// The base name a directory gives its project: "/a/b/" and "/a/b/." are "b".
std::string base_name(const stdfs::path& dir) {
  std::error_code ec;
  stdfs::path abs = stdfs::absolute(dir, ec);
  stdfs::path p = (ec ? dir : abs).lexically_normal();
  std::string base = p.filename().string();
  if (base.empty() || base == "." || base == "..") {
    base = p.parent_path().filename().string();
  }
  return base;
}

}  // namespace

std::string function_name_problem(std::string_view name) {
  if (name.empty()) {
    return "it is empty";
  }
  std::vector<std::string> bad;
  for (char c : name) {
    if (!is_name_char(c)) {
      std::string s = shown(c);
      if (std::find(bad.begin(), bad.end(), s) == bad.end()) {
        bad.push_back(std::move(s));
      }
    }
  }
  if (!bad.empty()) {
    return "it contains " + join(bad, ", ") + "; only letters, digits, '-' and '_' are allowed";
  }
  if (!is_letter(name.front())) {
    return std::string("it starts with ") +
           (is_digit(name.front()) ? "a digit" : shown(name.front())) +
           "; it must start with a letter";
  }
  if (!is_letter(name.back()) && !is_digit(name.back())) {
    return "it ends with " + shown(name.back()) + "; it must end with a letter or digit";
  }
  if (name.size() > k_max_name) {
    return "it has " + std::to_string(name.size()) + " characters; at most 60 are allowed";
  }
  return {};
}

std::string suggest_function_name(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (is_name_char(c)) {
      out += c;
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  auto trim = [&out] {
    while (!out.empty() && !is_letter(out.back()) && !is_digit(out.back())) {
      out.pop_back();
    }
  };
  trim();
  while (!out.empty() && (out.front() == '-' || out.front() == '_')) {
    out.erase(out.begin());
  }
  if (out.empty()) {
    return "my-function";
  }
  if (!is_letter(out.front())) {
    out = "fn-" + out;
  }
  if (out.size() > k_max_name) {
    out.resize(k_max_name);
    trim();
  }
  return out;
}

Expected<std::string> function_name_for(const stdfs::path& dir, std::string_view name) {
  if (!name.empty()) {
    std::string problem = function_name_problem(name);
    if (problem.empty()) {
      return std::string(name);
    }
    return fail(
        ErrorCode::usage, "invalid function name " + quote(name) + ": " + problem,
        "pass -n " + suggest_function_name(name) + ", or another name of " + std::string(k_rule));
  }
  std::string base = base_name(dir);
  std::string problem = function_name_problem(base);
  if (problem.empty()) {
    return base;
  }
  return fail(ErrorCode::usage,
              "the directory name " + quote(base) + " cannot be the function's name: " + problem,
              "name the function with -n, e.g. -n " + suggest_function_name(base) + " (" +
                  std::string(k_rule) + ")");
}

std::optional<stdfs::path> enclosing_manifest(const stdfs::path& dir) {
  std::error_code ec;
  stdfs::path abs = stdfs::absolute(dir, ec);
  stdfs::path p = (ec ? dir : abs).lexically_normal();
  if (!p.has_filename()) {
    p = p.parent_path();  // "/a/b/" -> "/a/b"
  }
  for (stdfs::path d = p.parent_path(); !d.empty(); d = d.parent_path()) {
    stdfs::path candidate = d / "fstage.yaml";
    if (stdfs::is_regular_file(candidate, ec)) {
      return candidate;
    }
    if (d == d.parent_path()) {
      break;
    }
  }
  return std::nullopt;
}

}  // namespace fstage::scaffolds
