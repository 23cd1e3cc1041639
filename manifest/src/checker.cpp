// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <charconv>
#include <limits>

#include <fstage/base/strings.hpp>
#include <fstage/manifest/checker.hpp>

namespace fstage::manifest::detail {

namespace {

bool is_int_text(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    s.remove_prefix(1);
  }
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool is_float_text(std::string_view s) {
  std::string lower = to_lower(s);
  if (lower == ".inf" || lower == "-.inf" || lower == "+.inf" || lower == ".nan") {
    return true;
  }
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    s.remove_prefix(1);
  }
  bool digit = false;
  bool dot = false;
  bool exp = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= '0' && c <= '9') {
      digit = true;
    } else if (c == '.' && !dot && !exp) {
      dot = true;
    } else if ((c == 'e' || c == 'E') && digit && !exp) {
      exp = true;
      if (i + 1 < s.size() && (s[i + 1] == '+' || s[i + 1] == '-')) {
        ++i;
      }
    } else {
      return false;
    }
  }
  return digit && (dot || exp);
}

std::optional<bool> bool_word(std::string_view s) {
  std::string lower = to_lower(s);
  if (lower == "true" || lower == "yes" || lower == "on") {
    return true;
  }
  if (lower == "false" || lower == "no" || lower == "off") {
    return false;
  }
  return std::nullopt;
}

std::string range_text(std::int64_t min, std::int64_t max, std::string_view unit) {
  std::string out = "an integer";
  if (min != std::numeric_limits<std::int64_t>::min() &&
      max != std::numeric_limits<std::int64_t>::max()) {
    out += " from " + std::to_string(min) + " to " + std::to_string(max);
  }
  if (!unit.empty()) {
    out += " (" + std::string(unit) + ")";
  }
  return out;
}

}  // namespace

std::string describe(const YamlNode& n) {
  switch (n.kind) {
    case NodeKind::null:
      return "an empty value";
    case NodeKind::map:
      return "a mapping";
    case NodeKind::sequence:
      return "a list";
    case NodeKind::scalar:
      break;
  }
  if (n.style != ScalarStyle::plain) {
    return "the string " + quote(n.value);
  }
  if (is_int_text(n.value) || is_float_text(n.value)) {
    return "the number " + n.value;
  }
  if (bool_word(n.value)) {
    return "the boolean " + quote(n.value);
  }
  return quote(n.value);
}

std::string join_path(std::string_view parent, std::string_view key) {
  if (parent.empty()) {
    return std::string(key);
  }
  return std::string(parent) + "." + std::string(key);
}

void Checker::error(const YamlNode& at, std::string message, std::string expected,
                    std::string hint) {
  error_at(at.line, at.column, std::move(message), std::move(expected), std::move(hint));
}

void Checker::error_at(int line, int column, std::string message, std::string expected,
                       std::string hint) {
  m_errors.push_back(Diagnostic{Location{m_origin, line, column}, std::move(message),
                                std::move(expected), std::move(hint)});
}

int Checker::lookup(const std::filesystem::path& path) {
  auto [it, fresh] = m_seen.try_emplace(path.string(), 0);
  if (fresh) {
    std::error_code ec;
    auto st = std::filesystem::status(path, ec);
    using std::filesystem::perms;
    const bool exec = (st.permissions() &
                       (perms::owner_exec | perms::group_exec | perms::others_exec)) != perms::none;
    it->second = ec || !std::filesystem::exists(st)  ? 0
                 : std::filesystem::is_directory(st) ? 2
                 : exec                              ? 3
                                                     : 1;
  }
  return it->second;
}

bool Checker::is_executable_file(const std::filesystem::path& path) {
  return lookup(path) == 3;
}

bool Checker::is_directory(const std::filesystem::path& path) {
  return lookup(path) == 2;
}

bool Checker::exists(const std::filesystem::path& path) {
  return lookup(path) != 0;
}

void Checker::warning(const YamlNode& at, std::string message, std::string expected,
                      std::string hint) {
  m_warnings.push_back(
      Diagnostic{where(at), std::move(message), std::move(expected), std::move(hint), m_function});
}

void Checker::add_errors(std::vector<Diagnostic> errors) {
  for (auto& d : errors) {
    m_errors.push_back(std::move(d));
  }
}

static std::vector<Diagnostic> sorted_unique(std::vector<Diagnostic> v) {
  std::stable_sort(v.begin(), v.end(), [](const Diagnostic& a, const Diagnostic& b) {
    if (a.where.line != b.where.line) {
      return a.where.line < b.where.line;
    }
    return a.where.column < b.where.column;
  });
  auto same = [](const Diagnostic& a, const Diagnostic& b) {
    return a.where.line == b.where.line && a.where.column == b.where.column &&
           a.message == b.message;
  };
  v.erase(std::unique(v.begin(), v.end(), same), v.end());
  return v;
}

std::vector<Diagnostic> Checker::take_errors() {
  return sorted_unique(std::move(m_errors));
}
std::vector<Diagnostic> Checker::take_warnings() {
  return sorted_unique(std::move(m_warnings));
}

bool Checker::expect_map(const YamlNode& n, std::string_view path, std::string_view expected) {
  if (n.is_map()) {
    return true;
  }
  error(n, std::string(path) + ": found " + describe(n), std::string(expected));
  return false;
}

bool Checker::expect_list(const YamlNode& n, std::string_view path, std::string_view expected) {
  if (n.is_sequence()) {
    return true;
  }
  error(n, std::string(path) + ": found " + describe(n), std::string(expected));
  return false;
}

std::optional<std::string> Checker::text(const YamlNode& n, std::string_view path,
                                         std::string_view expected) {
  if (n.is_scalar()) {
    return n.value;
  }
  error(n, std::string(path) + ": found " + describe(n), std::string(expected));
  return std::nullopt;
}

std::optional<std::int64_t> Checker::integer(const YamlNode& n, std::string_view path,
                                             std::int64_t min, std::int64_t max,
                                             std::string_view unit, std::string_view expected) {
  std::string want = expected.empty() ? range_text(min, max, unit) : std::string(expected);
  if (!n.is_scalar()) {
    error(n, std::string(path) + ": found " + describe(n), want);
    return std::nullopt;
  }
  if (n.style != ScalarStyle::plain) {
    error(n, std::string(path) + ": found " + describe(n), want,
          is_int_text(trim(n.value)) ? "write the number without quotes" : "");
    return std::nullopt;
  }
  if (!is_int_text(n.value)) {
    std::string hint = is_float_text(n.value) ? "the platform takes whole numbers only" : "";
    error(n, std::string(path) + ": found " + describe(n), want, hint);
    return std::nullopt;
  }
  std::string_view digits = n.value;
  if (digits.starts_with('+')) {
    digits.remove_prefix(1);
  }
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || ptr != digits.data() + digits.size() || v < min || v > max) {
    error(n, std::string(path) + ": " + n.value + " is out of range", want);
    return std::nullopt;
  }
  return v;
}

std::optional<bool> Checker::boolean(const YamlNode& n, std::string_view path) {
  if (n.is_scalar() && n.style == ScalarStyle::plain) {
    if (auto b = bool_word(n.value)) {
      return b;
    }
  }
  error(n, std::string(path) + ": found " + describe(n), "true or false",
        n.is_scalar() && bool_word(n.value) ? "write the boolean without quotes" : "");
  return std::nullopt;
}

std::optional<std::vector<std::pair<const YamlNode*, std::string>>> Checker::text_list(
    const YamlNode& n, std::string_view path, std::string_view expected) {
  if (!expect_list(n, path, expected)) {
    return std::nullopt;
  }
  std::vector<std::pair<const YamlNode*, std::string>> out;
  bool ok = true;
  for (std::size_t i = 0; i < n.items.size(); ++i) {
    const YamlNode& item = *n.items[i];
    std::string item_path = std::string(path) + "[" + std::to_string(i) + "]";
    if (!item.is_scalar()) {
      error(item, item_path + ": found " + describe(item), "a string");
      ok = false;
      continue;
    }
    out.emplace_back(&item, item.value);
  }
  if (!ok) {
    return std::nullopt;
  }
  return out;
}

void Checker::check_keys(const YamlNode& map, std::span<const std::string_view> allowed,
                         std::string_view path) {
  std::vector<std::string> names(allowed.begin(), allowed.end());
  for (const auto& e : map.entries) {
    const std::string& key = e.key->value;
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) {
      continue;
    }
    auto close = closest_match(key, names);
    std::string where =
        path.empty() ? "unknown top-level key " : std::string(path) + ": unknown key ";
    error(*e.key, where + quote(key), "one of " + join(names, ", "),
          close ? "did you mean '" + *close + "'?" : "");
  }
}

const YamlNode* Checker::field(const YamlNode& map, std::string_view key, std::string_view path,
                               bool required) {
  if (const YamlEntry* e = map.find(key)) {
    return e->value.get();
  }
  if (required) {
    std::string where = path.empty() ? "" : std::string(path) + ": ";
    error(map, where + "missing required key '" + std::string(key) + "'",
          "a '" + std::string(key) + "' entry in this mapping");
  }
  return nullptr;
}

}  // namespace fstage::manifest::detail
