// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fstage {

// Edit distance with swaps of neighbours (optimal string alignment), for "did you mean".
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word` if it is close enough to be a plausible typo
// (distance ≤ max(1, len/3)), else nullopt. Case-insensitive.
std::optional<std::string> closest_match(std::string_view word,
                                         std::span<const std::string> candidates);

// "bad key 'x'" + "; did you mean 'y'?" when a close match exists, else "".
std::string did_you_mean(std::string_view word, std::span<const std::string> candidates);

std::string to_lower(std::string_view s);
bool starts_with(std::string_view s, std::string_view prefix);
std::vector<std::string> split(std::string_view s, char sep);
std::string join(std::span<const std::string> parts, std::string_view sep);
std::string_view trim(std::string_view s);

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates).
bool is_valid_utf8(std::string_view s);

// Quotes a value for messages: 'value', with control characters escaped and long values cut.
std::string quote(std::string_view s);

// One word of a shell command that a user can paste: `s` as it is when it holds only
// characters no POSIX shell treats specially, else single-quoted ('it'\''s'). A word starting
// with '-' gets "./" in front when it is a relative path, so a command does not take it for
// an option (pass `path_like` false for other words).
std::string shell_word(std::string_view s, bool path_like = true);

}  // namespace fstage
