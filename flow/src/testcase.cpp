// SPDX-License-Identifier: Apache-2.0
// Parses a flow's test file (testcase.hpp shows the form). Every problem is reported at its
// line and column with the form that belongs there, and parsing goes on, so one run lists
// them all.
#include <algorithm>
#include <array>
#include <charconv>
#include <map>

#include <fstage/base/strings.hpp>
#include <fstage/flow/testcase.hpp>
#include <fstage/manifest/checker.hpp>
#include <fstage/manifest/yaml_tree.hpp>

#include "yaml_json.hpp"

namespace fstage::flow {

namespace {

using manifest::detail::Checker;
using manifest::detail::describe;
using manifest::detail::join_path;
using manifest::detail::YamlEntry;
using manifest::detail::YamlNode;

constexpr std::array<std::string_view, 1> k_top_keys = {"cases"};
constexpr std::array<std::string_view, 4> k_case_keys = {"name", "input", "mocks", "expect"};
constexpr std::array<std::string_view, 6> k_expect_keys = {"status", "output",   "output_contains",
                                                           "path",   "attempts", "error"};
constexpr std::array<std::string_view, 2> k_answer_keys = {"result", "error"};
constexpr std::array<std::string_view, 2> k_mock_error_keys = {"type", "message"};
constexpr std::array<std::string_view, 2> k_expect_error_keys = {"type", "state"};
constexpr std::array<std::string_view, 4> k_statuses = {"success", "fail", "timeout", "cancel"};

// More retries than any flow can make: Retry.max_attempts is at most 8 on the platform, but a
// Foreach body's state may be called once per element.
constexpr int k_max_attempt = 1'000'000;

constexpr const char* k_file_form =
    "a mapping with 'cases:', a list of {name, input, mocks, expect}";
constexpr const char* k_mocks_form =
    "a mapping of state ids to their mocked attempts, e.g. charge: {\"0\": {error: {type: "
    "Declined}}, \"1-\": {result: {ok: true}}}";
constexpr const char* k_attempts_form =
    "a mapping of attempts (\"0\", a range \"1-2\", an open range \"3-\") to {result: VALUE} or "
    "{error: {type: NAME, message: TEXT}}";
constexpr const char* k_answer_form = "{result: VALUE} or {error: {type: NAME, message: TEXT}}";

Location at(const Checker& c, const YamlNode& n) {
  return c.where(n);
}

// "0", "1-2", "3-": digits, then optionally '-' and optionally digits.
bool looks_like_attempts(std::string_view key) {
  if (key.empty() || key[0] < '0' || key[0] > '9') {
    return false;
  }
  return key.find_first_not_of("0123456789-") == std::string_view::npos;
}

std::optional<int> attempt_number(std::string_view s) {
  int v = 0;
  if (s.empty() || s.size() > 7) {
    return std::nullopt;
  }
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size() || v > k_max_attempt) {
    return std::nullopt;
  }
  return v;
}

std::optional<MockAnswer> parse_answer(Checker& c, const YamlNode& n, const std::string& path) {
  if (!c.expect_map(n, path, k_answer_form)) {
    return std::nullopt;
  }
  c.check_keys(n, k_answer_keys, path);
  const YamlEntry* result = n.find("result");
  const YamlEntry* error = n.find("error");
  if ((result == nullptr) == (error == nullptr)) {
    c.error(n, path + (result ? ": both 'result' and 'error'" : ": neither 'result' nor 'error'"),
            std::string("one of them: ") + k_answer_form);
    return std::nullopt;
  }
  MockAnswer a;
  a.where = at(c, n);
  if (result != nullptr) {
    auto value = detail::yaml_to_json(c, *result->value, path + ".result");
    if (!value) {
      return std::nullopt;
    }
    a.result = std::move(*value);
    return a;
  }
  a.is_error = true;
  const YamlNode& e = *error->value;
  const std::string epath = path + ".error";
  if (!c.expect_map(e, epath, "{type: NAME, message: TEXT}: the function's errorType")) {
    return std::nullopt;
  }
  c.check_keys(e, k_mock_error_keys, epath);
  const YamlNode* type = c.field(e, "type", epath, true);
  std::optional<std::string> type_text;
  if (type != nullptr) {
    type_text = c.text(*type, epath + ".type", "the errorType on_errors matches");
  }
  if (!type_text) {
    return std::nullopt;
  }
  a.error_type = *type_text;
  if (const YamlNode* msg = c.field(e, "message", epath, false)) {
    auto text = c.text(*msg, epath + ".message", "the error message");
    a.error_message = text.value_or("");
  }
  return a;
}

// The attempts of one state (or one action): "0", "1-2", "3-" keys, sorted, not overlapping.
void parse_ranges(Checker& c, const YamlEntry& key_entry, const std::string& path,
                  std::vector<MockRange>& out) {
  const YamlNode& key = *key_entry.key;
  const std::string kpath = join_path(path, quote(key.value));
  const std::string& k = key.value;
  const std::size_t dash = k.find('-');
  auto first = attempt_number(k.substr(0, dash));
  std::optional<int> last;
  bool open = false;
  if (dash == std::string::npos) {
    last = first;
  } else if (dash + 1 == k.size()) {
    open = true;
  } else if (k.find('-', dash + 1) == std::string::npos) {
    last = attempt_number(k.substr(dash + 1));
  }
  if (!first || (!open && !last)) {
    c.error(key, kpath + ": " + quote(k) + " is not an attempt or a range of attempts",
            "\"0\" (the first try), \"1-2\" (retries 1 and 2) or \"3-\" (every attempt from 3); "
            "attempts count from 0, at most " +
                std::to_string(k_max_attempt));
    return;
  }
  if (!open && *last < *first) {
    c.error(key, kpath + ": the range " + quote(k) + " runs backwards",
            std::to_string(*last) + "-" + std::to_string(*first));
    return;
  }
  auto answer = parse_answer(c, *key_entry.value, kpath);
  if (!answer) {
    return;
  }
  MockRange r;
  r.first = *first;
  r.last = open ? k_open_end : *last;
  r.answer = std::move(*answer);
  r.where = at(c, key);
  out.push_back(std::move(r));
}

// Two keys answering the same attempt would make the answer depend on the order: refused.
void check_overlaps(Checker& c, const std::string& path, std::vector<MockRange>& ranges) {
  std::stable_sort(ranges.begin(), ranges.end(),
                   [](const MockRange& a, const MockRange& b) { return a.first < b.first; });
  for (std::size_t i = 1; i < ranges.size(); ++i) {
    const MockRange& prev = ranges[i - 1];
    const MockRange& cur = ranges[i];
    if (prev.last == k_open_end || prev.last >= cur.first) {
      c.error_at(cur.where.line, cur.where.column,
                 path + ": attempts " + quote(cur.str()) + " overlap " + quote(prev.str()) +
                     " (line " + std::to_string(prev.where.line) + ")",
                 "each attempt answered by one key");
    }
  }
}

void parse_state_mocks(Checker& c, const YamlEntry& entry, std::vector<StateMock>& out) {
  const std::string path = "mocks." + entry.key->value;
  const YamlNode& v = *entry.value;
  if (!c.expect_map(v, path, k_attempts_form)) {
    return;
  }
  if (v.entries.empty()) {
    c.error(v, path + ": no attempts are mocked", k_attempts_form);
    return;
  }
  StateMock whole;
  whole.state_id = entry.key->value;
  whole.where = at(c, *entry.key);
  for (const auto& e : v.entries) {
    if (looks_like_attempts(e.key->value)) {
      parse_ranges(c, e, path, whole.ranges);
      continue;
    }
    // Not an attempt: the ref_name of one of the state's actions, with attempts of its own.
    StateMock one;
    one.state_id = whole.state_id;
    one.ref_name = e.key->value;
    one.where = at(c, *e.key);
    const std::string rpath = join_path(path, e.key->value);
    if (!c.expect_map(*e.value, rpath,
                      std::string("attempts (\"0\", \"1-2\", \"3-\") or an action's ref_name "
                                  "mapping to attempts; ") +
                          k_attempts_form)) {
      continue;
    }
    for (const auto& r : e.value->entries) {
      if (!looks_like_attempts(r.key->value)) {
        c.error(*r.key, rpath + ": " + quote(r.key->value) + " is not an attempt",
                "\"0\", \"1-2\" or \"3-\"");
        continue;
      }
      parse_ranges(c, r, rpath, one.ranges);
    }
    if (e.value->entries.empty()) {
      c.error(*e.value, rpath + ": no attempts are mocked", k_attempts_form);
    }
    check_overlaps(c, rpath, one.ranges);
    if (!one.ranges.empty()) {
      out.push_back(std::move(one));
    }
  }
  check_overlaps(c, path, whole.ranges);
  if (!whole.ranges.empty()) {
    out.push_back(std::move(whole));
  }
}

void parse_expect_error(Checker& c, const YamlNode& n, CaseExpectation& x) {
  const std::string path = "expect.error";
  x.error_where = at(c, n);
  if (!c.expect_map(n, path, "{type: NAME, state: ID}: the error that ended the run")) {
    return;
  }
  c.check_keys(n, k_expect_error_keys, path);
  if (n.entries.empty()) {
    c.error(n, path + ": empty", "{type: NAME, state: ID} (either or both)");
  }
  if (const YamlNode* t = c.field(n, "type", path, false)) {
    x.error_type = c.text(*t, path + ".type", "the errorType that ended the run");
  }
  if (const YamlNode* s = c.field(n, "state", path, false)) {
    x.error_state = c.text(*s, path + ".state", "the id of the state that failed");
  }
}

void parse_attempts(Checker& c, const YamlNode& n, CaseExpectation& x) {
  if (!c.expect_map(n, "expect.attempts", "a mapping of state ids to call counts: {charge: 3}")) {
    return;
  }
  for (const auto& e : n.entries) {
    auto count = c.integer(*e.value, "expect.attempts." + e.key->value, 0, k_max_attempt,
                           "calls of the state's functions");
    if (count) {
      x.attempts.emplace_back(e.key->value, static_cast<int>(*count));
      x.attempts_where.push_back(at(c, *e.key));
    }
  }
}

void parse_expect(Checker& c, const YamlNode& n, CaseExpectation& x) {
  if (!c.expect_map(n, "expect",
                    "a mapping with status, output or output_contains, path, attempts, error")) {
    return;
  }
  c.check_keys(n, k_expect_keys, "expect");
  x.status_where = at(c, n);
  const YamlNode* status = c.field(n, "status", "expect", false);
  if (status != nullptr) {
    x.status_where = at(c, *status);
    auto s = c.text(*status, "expect.status", "success, fail, timeout or cancel");
    if (s && std::find(k_statuses.begin(), k_statuses.end(), *s) == k_statuses.end()) {
      std::vector<std::string> names(k_statuses.begin(), k_statuses.end());
      c.error(*status, "expect.status: unknown status " + quote(*s),
              "one of success, fail, timeout, cancel" + did_you_mean(*s, names));
    } else if (s) {
      x.status = *s;
    }
  }
  const YamlNode* output = c.field(n, "output", "expect", false);
  const YamlNode* contains = c.field(n, "output_contains", "expect", false);
  if (output != nullptr && contains != nullptr) {
    c.error(*contains, "expect: both 'output' and 'output_contains'",
            "one of them: 'output' (the whole output, exactly) or 'output_contains' (a subset)");
  } else if (output != nullptr) {
    x.output_where = at(c, *output);
    x.output = detail::yaml_to_json(c, *output, "expect.output");
  } else if (contains != nullptr) {
    x.output_where = at(c, *contains);
    x.output_contains = detail::yaml_to_json(c, *contains, "expect.output_contains");
  }
  if (const YamlNode* path = c.field(n, "path", "expect", false)) {
    x.path_where = at(c, *path);
    if (auto items = c.text_list(*path, "expect.path", "a list of state ids, in the order run")) {
      x.path.emplace();
      for (const auto& [node, id] : *items) {
        x.path->push_back(id);
        x.path_items_where.push_back(at(c, *node));
      }
    }
  }
  if (const YamlNode* attempts = c.field(n, "attempts", "expect", false)) {
    parse_attempts(c, *attempts, x);
  }
  if (const YamlNode* error = c.field(n, "error", "expect", false)) {
    parse_expect_error(c, *error, x);
    // An expected error implies a failed run unless the status says otherwise.
    if (status == nullptr) {
      x.status = "fail";
    } else if (x.status == "success") {
      c.error(*error, "expect.error: an error is expected, but expect.status is success",
              "status: fail (or leave status out: an expected error implies it)");
    }
  }
}

std::optional<TestCase> parse_case(Checker& c, const YamlNode& n, std::size_t index) {
  const std::string path = "cases[" + std::to_string(index) + "]";
  if (!c.expect_map(n, path, "a mapping with name, input, mocks, expect")) {
    return std::nullopt;
  }
  const std::size_t errors_before = c.error_count();
  c.check_keys(n, k_case_keys, path);
  TestCase tc;
  tc.where = at(c, n);
  if (const YamlNode* name = c.field(n, "name", path, true)) {
    tc.name = c.text(*name, path + ".name", "the case's name, unique in the file").value_or("");
  }
  if (const YamlNode* input = c.field(n, "input", path, false)) {
    tc.input = detail::yaml_to_json(c, *input, "input").value_or(OrderedJson());
  }
  if (const YamlNode* mocks = c.field(n, "mocks", path, false)) {
    if (c.expect_map(*mocks, "mocks", k_mocks_form)) {
      for (const auto& e : mocks->entries) {
        parse_state_mocks(c, e, tc.mocks);
      }
    }
  }
  if (const YamlNode* expect = c.field(n, "expect", path, false)) {
    parse_expect(c, *expect, tc.expect);
  } else {
    tc.expect.status_where = tc.where;
  }
  if (c.error_count() != errors_before) {
    return std::nullopt;
  }
  return tc;
}

}  // namespace

std::string MockRange::str() const {
  if (last == k_open_end) {
    return std::to_string(first) + "-";
  }
  if (last == first) {
    return std::to_string(first);
  }
  return std::to_string(first) + "-" + std::to_string(last);
}

TestFileParse parse_test_file(std::string_view text, const std::string& origin) {
  TestFileParse out;
  Checker c(origin, std::nullopt);
  auto doc = manifest::detail::parse_yaml(text, origin);
  for (auto& e : doc.errors) {
    // parse_yaml words a file without a document for the manifest, its first user.
    if (!doc.root && e.where.line == 1 && e.message == "the manifest is empty") {
      e.message = "the test file is empty";
      e.expected = k_file_form;
      e.hint = "the README's \"Function flows\" shows the form";
    }
  }
  c.add_errors(std::move(doc.errors));
  if (!doc.root) {
    out.errors = c.take_errors();
    return out;
  }
  const YamlNode& root = *doc.root;
  TestFile tf;
  tf.origin = origin;
  if (root.is_null()) {
    c.error(root, "the test file is empty", k_file_form);
  } else if (c.expect_map(root, "the test file", k_file_form)) {
    c.check_keys(root, k_top_keys, "");
    const YamlNode* cases = c.field(root, "cases", "the test file", true);
    if (cases != nullptr && c.expect_list(*cases, "cases",
                                          "a list of {name, input, mocks, "
                                          "expect}")) {
      if (cases->items.empty()) {
        c.error(*cases, "cases: the list is empty", "at least one case");
      }
      std::map<std::string, int> seen;  // name -> line
      for (std::size_t i = 0; i < cases->items.size(); ++i) {
        auto tc = parse_case(c, *cases->items[i], i);
        if (!tc) {
          continue;
        }
        auto [it, fresh] = seen.emplace(tc->name, tc->where.line);
        if (!fresh) {
          const YamlNode& item = *cases->items[i];
          const YamlEntry* name = item.find("name");
          c.error(name ? *name->value : item,
                  "cases[" + std::to_string(i) + "].name: a second case named " + quote(tc->name) +
                      " (the first is on line " + std::to_string(it->second) + ")",
                  "a name unique in the file: --case selects cases by it");
          continue;
        }
        tf.cases.push_back(std::move(*tc));
      }
    }
  }
  out.errors = c.take_errors();
  if (out.errors.empty()) {
    out.file = std::move(tf);
  }
  return out;
}

}  // namespace fstage::flow
