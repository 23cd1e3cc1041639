// SPDX-License-Identifier: Apache-2.0
// A wildmatch with git's semantics (wildmatch.c, WM_PATHNAME), written for fstage. The return
// codes matter beyond speed: "abort to the enclosing **" prunes the same branches git prunes,
// so both agree on every pattern, including the odd ones.
#include <string>

#include <fstage/builder/ignore.hpp>

namespace fstage::builder {

namespace {

enum : int { k_match = 0, k_nomatch = 1, k_abort_all = -1, k_abort_to_starstar = -2 };

using Ch = unsigned char;

bool is_glob_special(Ch c) {
  return c == '*' || c == '?' || c == '[' || c == '\\';
}

// ASCII-only character classes, as git's sane_ctype (the locale plays no part).
bool in_class(std::string_view cls, Ch c, bool& known) {
  known = true;
  const bool upper = c >= 'A' && c <= 'Z';
  const bool lower = c >= 'a' && c <= 'z';
  const bool digit = c >= '0' && c <= '9';
  const bool print = c >= 0x20 && c <= 0x7e;
  const bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
  if (cls == "alnum") {
    return upper || lower || digit;
  }
  if (cls == "alpha") {
    return upper || lower;
  }
  if (cls == "blank") {
    return c == ' ' || c == '\t';
  }
  if (cls == "cntrl") {
    return c < 0x20 || c == 0x7f;
  }
  if (cls == "digit") {
    return digit;
  }
  if (cls == "graph") {
    return print && !space;
  }
  if (cls == "lower") {
    return lower;
  }
  if (cls == "print") {
    return print;
  }
  if (cls == "punct") {
    return print && !space && !upper && !lower && !digit;
  }
  if (cls == "space") {
    return space;
  }
  if (cls == "upper") {
    return upper;
  }
  if (cls == "xdigit") {
    return digit || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }
  known = false;
  return false;
}

class Wild {
 public:
  Wild(const Ch* pattern, bool pathname) : m_start(pattern), m_pathname(pathname) {}
  int run(const Ch* p, const Ch* text) const;

 private:
  int star(const Ch*& p, const Ch*& text, bool& consumed) const;
  int bracket(const Ch*& p, Ch t) const;
  const Ch* m_start;
  bool m_pathname;
};

// `[...]` at *p (the '['), against text char `t`. Leaves p on the closing ']'.
int Wild::bracket(const Ch*& p, Ch t) const {
  Ch pc = *++p;
  const bool negated = pc == '!' || pc == '^';
  if (negated) {
    pc = *++p;
  }
  Ch prev = 0;
  bool matched = false;
  do {
    if (pc == 0) {
      return k_abort_all;
    }
    if (pc == '\\') {
      pc = *++p;
      if (pc == 0) {
        return k_abort_all;
      }
      matched = matched || t == pc;
    } else if (pc == '-' && prev != 0 && p[1] != 0 && p[1] != ']') {
      pc = *++p;
      if (pc == '\\') {
        pc = *++p;
        if (pc == 0) {
          return k_abort_all;
        }
      }
      matched = matched || (t <= pc && t >= prev);
      pc = 0;  // a range end cannot start another range
    } else if (pc == '[' && p[1] == ':') {
      const Ch* s = p + 2;
      const Ch* e = s;
      while (*e != 0 && *e != ']') {
        ++e;
      }
      if (*e == 0) {
        return k_abort_all;
      }
      if (e - s < 1 || e[-1] != ':') {
        // No ":]": an ordinary '[' in the set.
        matched = matched || t == '[';
        prev = pc;
        pc = *++p;
        continue;
      }
      p = e;
      bool known = false;
      std::string_view cls(reinterpret_cast<const char*>(s), static_cast<std::size_t>(e - s - 1));
      matched = in_class(cls, t, known) || matched;
      if (!known) {
        return k_abort_all;
      }
      pc = 0;
    } else if (t == pc) {
      matched = true;
    }
    prev = pc;
    pc = *++p;
  } while (pc != ']');
  if (matched == negated || (m_pathname && t == '/')) {
    return k_nomatch;
  }
  return k_match;
}

// `*` or `**` at *p. Returns a final code, or k_match with `consumed` false to continue the
// main loop (the "* followed by /" shortcut).
int Wild::star(const Ch*& p, const Ch*& text, bool& consumed) const {
  consumed = true;
  bool match_slash = !m_pathname;
  if (*++p == '*') {
    const Ch* prev = p - 2;
    while (*++p == '*') {
    }
    if (!m_pathname) {
      match_slash = true;
    } else if ((prev < m_start || *prev == '/') &&
               (*p == 0 || *p == '/' || (p[0] == '\\' && p[1] == '/'))) {
      // "**/" may match no directory at all: try the rest right here first.
      if (p[0] == '/' && run(p + 1, text) == k_match) {
        return k_match;
      }
      match_slash = true;
    } else {
      match_slash = false;
    }
  }
  if (*p == 0) {
    // A trailing "**" matches everything; a trailing "*" only within one component.
    if (!match_slash) {
      for (const Ch* t = text; *t != 0; ++t) {
        if (*t == '/') {
          return k_nomatch;
        }
      }
    }
    return k_match;
  }
  if (!match_slash && *p == '/') {
    // One '*' then '/': skip to the next slash and continue the main loop there.
    const Ch* t = text;
    while (*t != 0 && *t != '/') {
      ++t;
    }
    if (*t == 0) {
      return k_nomatch;
    }
    text = t;
    consumed = false;
    return k_match;
  }
  Ch tc = *text;
  while (true) {
    if (tc == 0) {
      break;
    }
    if (!is_glob_special(*p)) {
      // Fast-forward to the next occurrence of the literal that follows the star.
      const Ch want = *p;
      while ((tc = *text) != 0 && (match_slash || tc != '/')) {
        if (tc == want) {
          break;
        }
        ++text;
      }
      if (tc != want) {
        return k_nomatch;
      }
    }
    int r = run(p, text);
    if (r != k_nomatch) {
      if (!match_slash || r != k_abort_to_starstar) {
        return r;
      }
    } else if (!match_slash && tc == '/') {
      return k_abort_to_starstar;
    }
    tc = *++text;
  }
  return k_abort_all;
}

int Wild::run(const Ch* p, const Ch* text) const {
  for (; *p != 0; ++text, ++p) {
    Ch t = *text;
    Ch pc = *p;
    if (t == 0 && pc != '*') {
      return k_abort_all;
    }
    switch (pc) {
      case '\\':
        // The next pattern character is literal (a trailing '\' never matches).
        pc = *++p;
        if (t != pc) {
          return k_nomatch;
        }
        break;
      case '?':
        if (m_pathname && t == '/') {
          return k_nomatch;
        }
        break;
      case '*': {
        bool consumed = true;
        int r = star(p, text, consumed);
        if (consumed) {
          return r;
        }
        break;  // p and text both sit on a '/': the loop steps past them
      }
      case '[': {
        int r = bracket(p, t);
        if (r != k_match) {
          return r;
        }
        break;
      }
      default:
        if (t != pc) {
          return k_nomatch;
        }
        break;
    }
  }
  return *text != 0 ? k_nomatch : k_match;
}

}  // namespace

bool wildmatch(std::string_view pattern, std::string_view text, bool pathname) {
  // The algorithm walks NUL-terminated strings (names never contain NUL).
  std::string p(pattern);
  std::string t(text);
  const auto* pp = reinterpret_cast<const Ch*>(p.c_str());
  Wild w(pp, pathname);
  return w.run(pp, reinterpret_cast<const Ch*>(t.c_str())) == k_match;
}

}  // namespace fstage::builder
