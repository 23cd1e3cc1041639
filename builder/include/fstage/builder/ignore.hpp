// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <array>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <fstage/base/error.hpp>

namespace fstage::builder {

// git's wildmatch: `*`, `?`, `[...]` (ranges, `!`/`^` negation, `[:alpha:]` classes) and `\`
// escapes. With `pathname`, no wildcard matches '/', and a `**` that fills a whole path
// component matches any number of directories ("a/**/b" matches "a/b" and "a/x/y/b").
bool wildmatch(std::string_view pattern, std::string_view text, bool pathname = true);

// One gitignore pattern, with where it came from (for `fstage package --explain`).
struct IgnoreRule {
  std::string text;       // the line as written, trailing spaces trimmed ("!/build/")
  std::string source;     // ".fstageignore", "lib/.fstageignore", "fstage.yaml ...", "built-in"
  int line = 0;           // 1-based line (or list index) in `source`; 0 for built-ins
  std::string base;       // directory the pattern is relative to: "" = the root, else "a/b"
  std::string pattern;    // the glob: no "!", no anchoring "/", no trailing "/"
  bool negative = false;  // "!pattern": re-includes
  bool dir_only = false;  // "pattern/": matches directories only
  bool basename_only = false;  // no "/" in the pattern: matched against the last component

  // "lib/.fstageignore:3" or "built-in".
  std::string where() const;
};

// Parses gitignore text as git does: blank lines and lines starting with `#` are skipped; a
// leading `\#` or `\!` is literal; trailing spaces are trimmed unless escaped with `\`; CRLF line
// ends and a UTF-8 BOM are accepted. `base` is the directory of the file relative to the root.
std::vector<IgnoreRule> parse_ignore(std::string_view text, std::string_view source,
                                     std::string_view base);

// One pattern line (nullopt for a blank line or a comment).
std::optional<IgnoreRule> parse_ignore_line(std::string_view line, std::string_view source,
                                            int line_no, std::string_view base);

// Precedence of rule sets, lowest first. As in git (exclude file < .gitignore files <
// command-line excludes), a set is consulted only when no higher set matched; inside a set the
// last matching rule wins, and a deeper ignore file wins over a shallower one. `forced` rules
// (.git/, .fstage/) can never be overridden.
enum class RuleTier { builtin = 0, ignore_files = 1, manifest = 2, forced = 3 };

// The decision for one path.
struct IgnoreVerdict {
  bool ignored = false;
  std::optional<IgnoreRule> rule;  // the deciding rule; empty when no rule matched (included)
  std::string excluded_parent;     // set when excluded because this parent directory is
};

// Gitignore semantics over a directory tree: per-directory ignore files (like .gitignore,
// read lazily from `root/<dir>/<ignore_file>`), plus rule sets added by the caller.
class IgnoreMatcher {
 public:
  // `ignore_file`: the per-directory file name (".fstageignore"); "" to read none.
  IgnoreMatcher(std::filesystem::path root, std::string ignore_file);

  // Adds rules to a tier (their `base` is honoured). Call before matching.
  void add_rules(RuleTier tier, std::vector<IgnoreRule> rules);

  // The verdict for `rel` ('/'-separated, relative to root), applying git's rule that a path
  // below an excluded directory is excluded whatever later rules say (it cannot be
  // re-included). Ignore files along the way are read on first use. Errors: io.
  Expected<IgnoreVerdict> check(std::string_view rel, bool is_dir);

  // The verdict for `rel` assuming its parent directories are not excluded: what a walker
  // that never descends into excluded directories needs. Errors: io.
  Expected<IgnoreVerdict> match(std::string_view rel, bool is_dir);

  // The ignore files read so far, relative to root, in reading order.
  std::vector<std::string> loaded_files() const;

 private:
  // Reads the ignore file of directory `dir` (relative) once.
  Expected<void> load_dir(const std::string& dir);
  std::optional<IgnoreRule> last_match(std::string_view rel, bool is_dir) const;

  std::filesystem::path m_root;
  std::string m_ignore_file;
  std::array<std::vector<IgnoreRule>, 4> m_tiers;
  std::map<std::string, std::vector<IgnoreRule>> m_dir_rules;  // dir → its file's rules
  std::vector<std::string> m_loaded;
};

}  // namespace fstage::builder
