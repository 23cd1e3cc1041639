// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <cctype>

#include <fstage/base/strings.hpp>
#include <fstage/flow/testdiff.hpp>

namespace fstage::flow {

namespace {

// A value as it appears in a diff line: compact JSON, cut short when long.
std::string shown(const OrderedJson& v) {
  std::string s = v.dump(-1, ' ', false, OrderedJson::error_handler_t::replace);
  constexpr std::size_t k_max = 120;
  if (s.size() > k_max) {
    std::size_t cut = k_max;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) {
      --cut;  // not inside a UTF-8 sequence
    }
    s = s.substr(0, cut) + "...";
  }
  return s;
}

bool is_plain_key(const std::string& key) {
  if (key.empty() || std::isdigit(static_cast<unsigned char>(key[0]))) {
    return false;
  }
  return std::all_of(key.begin(), key.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-';
  });
}

std::string child(const std::string& path, const std::string& key) {
  if (is_plain_key(key)) {
    return path + "." + key;
  }
  return path + "[" + OrderedJson(key).dump(-1, ' ', false, OrderedJson::error_handler_t::replace) +
         "]";
}

class Differ {
 public:
  Differ(bool subset, std::size_t max_lines) : m_subset(subset), m_max(max_lines) {}

  void diff(const std::string& path, const OrderedJson& x, const OrderedJson& a) {
    if (x.is_object() && a.is_object()) {
      for (const auto& [key, xv] : x.items()) {
        auto it = a.find(key);
        if (it == a.end()) {
          add(child(path, key) + ": missing (expected " + shown(xv) + ")");
        } else {
          diff(child(path, key), xv, *it);
        }
      }
      if (!m_subset) {
        for (const auto& [key, av] : a.items()) {
          if (!x.contains(key)) {
            add(child(path, key) + ": not expected (got " + shown(av) + ")");
          }
        }
      }
      return;
    }
    if (x.is_array() && a.is_array()) {
      if (x.size() != a.size()) {
        add(path + ": expected " + std::to_string(x.size()) + " items, got " +
            std::to_string(a.size()) + ": expected " + shown(x) + ", got " + shown(a));
        return;
      }
      for (std::size_t i = 0; i < x.size(); ++i) {
        diff(path + "[" + std::to_string(i) + "]", x[i], a[i]);
      }
      return;
    }
    // Scalars, or different kinds: nlohmann compares numbers by value (1 == 1.0).
    if (x != a || x.is_structured() || a.is_structured()) {
      add(path + ": expected " + shown(x) + ", got " + shown(a));
    }
  }

  std::vector<std::string> take() {
    if (m_dropped > 0) {
      m_lines.push_back("... and " + std::to_string(m_dropped) + " more difference" +
                        (m_dropped == 1 ? "" : "s"));
    }
    return std::move(m_lines);
  }

 private:
  void add(std::string line) {
    if (m_lines.size() < m_max) {
      m_lines.push_back(std::move(line));
    } else {
      ++m_dropped;
    }
  }

  bool m_subset;
  std::size_t m_max;
  std::size_t m_dropped = 0;
  std::vector<std::string> m_lines;
};

std::string list_text(const std::vector<std::string>& ids) {
  return "[" + join(ids, ", ") + "]";
}

std::size_t calls_of(const std::vector<MockInvoker::Call>& calls, const std::string& id) {
  return static_cast<std::size_t>(std::count_if(
      calls.begin(), calls.end(), [&](const auto& c) { return names_state(c.state_id, id); }));
}

}  // namespace

std::vector<std::string> json_diff(const OrderedJson& expected, const OrderedJson& actual,
                                   bool subset, std::size_t max_lines) {
  Differ d(subset, std::max<std::size_t>(max_lines, 1));
  d.diff("$", expected, actual);
  return d.take();
}

std::vector<std::string> path_diff(const std::vector<std::string>& expected,
                                   const std::vector<std::string>& actual) {
  if (expected == actual) {
    return {};
  }
  std::size_t i = 0;
  while (i < expected.size() && i < actual.size() && expected[i] == actual[i]) {
    ++i;
  }
  std::string first;
  const std::string step = "step " + std::to_string(i + 1);
  if (i == actual.size()) {
    first = "the run stopped after " + std::to_string(i) + " step" + (i == 1 ? "" : "s") +
            "; expected " + quote(expected[i]) + " next";
  } else if (i == expected.size()) {
    first = step + ": " + quote(actual[i]) + " ran after the expected path ended";
  } else {
    first = step + ": expected " + quote(expected[i]) + ", got " + quote(actual[i]);
  }
  return {first, "expected: " + list_text(expected), "actual:   " + list_text(actual)};
}

std::vector<Mismatch> compare(const CaseExpectation& x, const Execution& e,
                              const std::vector<MockInvoker::Call>& calls) {
  std::vector<Mismatch> out;
  if (e.status != x.status) {
    Mismatch m{"status", x.status_where, {"expected " + x.status + ", got " + e.status}};
    if (!e.error_state.empty() || !e.error_type.empty()) {
      std::string why = "the run ended in state " + quote(e.error_state) + " with " +
                        (e.error_type.empty() ? std::string("an error") : e.error_type);
      if (!e.error_message.empty()) {
        why += ": " + e.error_message;
      }
      m.lines.push_back(why);
    }
    out.push_back(std::move(m));
  }
  if (x.output || x.output_contains) {
    const bool subset = !x.output.has_value();
    auto lines = json_diff(subset ? *x.output_contains : *x.output, e.output, subset);
    if (!lines.empty()) {
      out.push_back(
          Mismatch{subset ? "output_contains" : "output", x.output_where, std::move(lines)});
    }
  }
  if (x.path) {
    auto lines = path_diff(*x.path, e.path);
    if (!lines.empty()) {
      out.push_back(Mismatch{"path", x.path_where, std::move(lines)});
    }
  }
  for (std::size_t i = 0; i < x.attempts.size(); ++i) {
    const auto& [id, want] = x.attempts[i];
    const std::size_t got = calls_of(calls, id);
    if (got != static_cast<std::size_t>(want)) {
      out.push_back(
          Mismatch{"attempts." + id,
                   x.attempts_where[i],
                   {"expected " + std::to_string(want) + " call" + (want == 1 ? "" : "s") +
                    " of state " + quote(id) + ", got " + std::to_string(got)}});
    }
  }
  if (x.error_type || x.error_state) {
    std::vector<std::string> lines;
    if (x.error_type && *x.error_type != e.error_type) {
      lines.push_back("type: expected " + quote(*x.error_type) + ", got " +
                      (e.error_type.empty() ? std::string("none") : quote(e.error_type)));
    }
    if (x.error_state && !names_state(e.error_state, *x.error_state)) {
      lines.push_back("state: expected " + quote(*x.error_state) + ", got " +
                      (e.error_state.empty() ? std::string("none") : quote(e.error_state)));
    }
    if (!lines.empty()) {
      out.push_back(Mismatch{"error", x.error_where, std::move(lines)});
    }
  }
  return out;
}

}  // namespace fstage::flow
