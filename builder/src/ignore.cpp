// SPDX-License-Identifier: Apache-2.0
// Gitignore semantics for .fstageignore, following git's dir.c: how lines are parsed
// (parse_path_pattern, trim_trailing_spaces), how one list is matched (last match wins,
// basename vs pathname patterns), how lists are stacked (deeper files first) and how an
// excluded directory hides everything below it (prep_exclude).
#include <cerrno>
#include <utility>

#include <fstage/base/fs.hpp>
#include <fstage/builder/ignore.hpp>

#include <sys/stat.h>

namespace fstage::builder {

namespace {

// git's trim_trailing_spaces: drop trailing ' ' unless the last one is escaped with '\'.
std::string_view trim_trailing_spaces(std::string_view s) {
  std::size_t last_space = std::string_view::npos;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == ' ') {
      if (last_space == std::string_view::npos) {
        last_space = i;
      }
    } else if (c == '\\') {
      ++i;
      if (i >= s.size()) {
        return s;
      }
      last_space = std::string_view::npos;
    } else {
      last_space = std::string_view::npos;
    }
  }
  return last_space == std::string_view::npos ? s : s.substr(0, last_space);
}

std::string_view parent_of(std::string_view rel) {
  auto slash = rel.rfind('/');
  return slash == std::string_view::npos ? std::string_view() : rel.substr(0, slash);
}

std::string_view basename_of(std::string_view rel) {
  auto slash = rel.rfind('/');
  return slash == std::string_view::npos ? rel : rel.substr(slash + 1);
}

bool rule_matches(const IgnoreRule& rule, std::string_view rel, bool is_dir) {
  if (rule.dir_only && !is_dir) {
    return false;
  }
  std::string_view name = rel;
  if (!rule.base.empty()) {
    if (rel.size() <= rule.base.size() || rel.substr(0, rule.base.size()) != rule.base ||
        rel[rule.base.size()] != '/') {
      return false;
    }
    name = rel.substr(rule.base.size() + 1);
  }
  if (rule.basename_only) {
    return wildmatch(rule.pattern, basename_of(name), false);
  }
  return wildmatch(rule.pattern, name, true);
}

const IgnoreRule* last_in(const std::vector<IgnoreRule>& rules, std::string_view rel, bool is_dir) {
  for (auto it = rules.rbegin(); it != rules.rend(); ++it) {
    if (rule_matches(*it, rel, is_dir)) {
      return &*it;
    }
  }
  return nullptr;
}

}  // namespace

std::string IgnoreRule::where() const {
  return line > 0 ? source + ":" + std::to_string(line) : source;
}

std::optional<IgnoreRule> parse_ignore_line(std::string_view line, std::string_view source,
                                            int line_no, std::string_view base) {
  if (line.empty() || line.front() == '#') {
    return std::nullopt;
  }
  std::string_view p = trim_trailing_spaces(line);
  if (p.empty()) {
    return std::nullopt;
  }
  IgnoreRule rule;
  rule.text = std::string(p);
  rule.source = std::string(source);
  rule.line = line_no;
  rule.base = std::string(base);
  if (p.front() == '!') {
    rule.negative = true;
    p.remove_prefix(1);
  }
  if (!p.empty() && p.back() == '/') {
    rule.dir_only = true;
    p.remove_suffix(1);
  }
  rule.basename_only = p.find('/') == std::string_view::npos;
  if (!rule.basename_only && p.front() == '/') {
    p.remove_prefix(1);
  }
  rule.pattern = std::string(p);
  return rule;
}

std::vector<IgnoreRule> parse_ignore(std::string_view text, std::string_view source,
                                     std::string_view base) {
  if (text.starts_with("\xEF\xBB\xBF")) {
    text.remove_prefix(3);
  }
  std::vector<IgnoreRule> rules;
  int line_no = 0;
  while (!text.empty()) {
    ++line_no;
    auto nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (!line.empty() && line.back() == '\r') {
      line.remove_suffix(1);
    }
    if (auto rule = parse_ignore_line(line, source, line_no, base)) {
      rules.push_back(std::move(*rule));
    }
  }
  return rules;
}

IgnoreMatcher::IgnoreMatcher(std::filesystem::path root, std::string ignore_file)
    : m_root(std::move(root)), m_ignore_file(std::move(ignore_file)) {}

void IgnoreMatcher::add_rules(RuleTier tier, std::vector<IgnoreRule> rules) {
  auto& dest = m_tiers[static_cast<std::size_t>(tier)];
  for (auto& r : rules) {
    dest.push_back(std::move(r));
  }
}

std::vector<std::string> IgnoreMatcher::loaded_files() const {
  return m_loaded;
}

Expected<void> IgnoreMatcher::load_dir(const std::string& dir) {
  if (m_ignore_file.empty() || m_dir_rules.count(dir) != 0) {
    return {};
  }
  auto& rules = m_dir_rules[dir];
  fs::path file = dir.empty() ? m_root / m_ignore_file : m_root / dir / m_ignore_file;
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return {};
  }
  auto text = read_file(file);
  if (!text) {
    return fail(std::move(text).error().with_context("while reading ignore rules"));
  }
  std::string source = dir.empty() ? m_ignore_file : dir + "/" + m_ignore_file;
  rules = parse_ignore(*text, source, dir);
  m_loaded.push_back(source);
  return {};
}

std::optional<IgnoreRule> IgnoreMatcher::last_match(std::string_view rel, bool is_dir) const {
  for (auto tier : {RuleTier::forced, RuleTier::manifest}) {
    if (const auto* r = last_in(m_tiers[static_cast<std::size_t>(tier)], rel, is_dir)) {
      return *r;
    }
  }
  // Per-directory files, the deepest first: a lower-level file overrides a higher one.
  std::string_view dir = parent_of(rel);
  while (true) {
    auto it = m_dir_rules.find(std::string(dir));
    if (it != m_dir_rules.end()) {
      if (const auto* r = last_in(it->second, rel, is_dir)) {
        return *r;
      }
    }
    if (dir.empty()) {
      break;
    }
    dir = parent_of(dir);
  }
  if (const auto* r = last_in(m_tiers[static_cast<std::size_t>(RuleTier::builtin)], rel, is_dir)) {
    return *r;
  }
  return std::nullopt;
}

Expected<IgnoreVerdict> IgnoreMatcher::match(std::string_view rel, bool is_dir) {
  // Make sure every ancestor's ignore file is loaded (the walker loads them on the way down;
  // this only matters for callers that jump straight to a deep path).
  FSTAGE_TRY(load_dir(""));
  for (std::size_t pos = rel.find('/'); pos != std::string_view::npos;
       pos = rel.find('/', pos + 1)) {
    FSTAGE_TRY(load_dir(std::string(rel.substr(0, pos))));
  }
  IgnoreVerdict v;
  v.rule = last_match(rel, is_dir);
  v.ignored = v.rule && !v.rule->negative;
  return v;
}

Expected<IgnoreVerdict> IgnoreMatcher::check(std::string_view rel, bool is_dir) {
  // git's prep_exclude: walk down from the root; each directory is checked against the files
  // of its ancestors before its own file is read, and an excluded one ends the walk.
  FSTAGE_TRY(load_dir(""));
  for (std::size_t pos = rel.find('/'); pos != std::string_view::npos;
       pos = rel.find('/', pos + 1)) {
    std::string dir(rel.substr(0, pos));
    auto rule = last_match(dir, true);
    if (rule && !rule->negative) {
      IgnoreVerdict v;
      v.ignored = true;
      v.rule = std::move(rule);
      v.excluded_parent = dir;
      return v;
    }
    FSTAGE_TRY(load_dir(dir));
  }
  IgnoreVerdict v;
  v.rule = last_match(rel, is_dir);
  v.ignored = v.rule && !v.rule->negative;
  return v;
}

}  // namespace fstage::builder
