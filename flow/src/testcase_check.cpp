// SPDX-License-Identifier: Apache-2.0
// A test file held against the flow it tests: every mock must land on a state that calls a
// function (Step Functions Local users meet states their mocks silently miss), and every state
// the expectations name must exist.
#include <algorithm>

#include <fstage/base/read.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/flow/testcase.hpp>

namespace fstage::flow {

namespace fs = std::filesystem;

namespace {

void collect(const std::vector<State>& states, std::vector<const State*>& out) {
  for (const auto& s : states) {
    out.push_back(&s);
    for (const auto& b : s.branches) {
      collect(b.states, out);
    }
    if (s.iterator) {
      collect(s.iterator->states, out);
    }
  }
}

class Against {
 public:
  explicit Against(const Definition& def) : m_def(def), m_states(all_states(def)) {
    for (const State* s : m_states) {
      m_ids.push_back(s->id);
      if (s->type == StateType::operation) {
        m_operations.push_back(s->id);
      }
    }
  }

  const State* find(std::string_view id) const {
    auto it =
        std::find_if(m_states.begin(), m_states.end(), [&](const State* s) { return s->id == id; });
    return it == m_states.end() ? nullptr : *it;
  }

  // The Operation state `id`, or nullptr with the reason reported at `where`.
  const State* operation(std::string_view id, const Location& where, const std::string& what) {
    const State* s = find(id);
    if (s == nullptr) {
      error(where, what + ": flow " + quote(m_def.name) + " has no state " + quote(id),
            "an Operation state of the flow: " + join(m_operations, ", "),
            hint_for(id, m_operations));
      return nullptr;
    }
    if (s->type != StateType::operation) {
      const std::string type(to_string(s->type));
      const bool vowel = type.find_first_of("AEIOU") == 0;
      error(where,
            what + ": state " + quote(id) + " is " + (vowel ? "an " : "a ") + type +
                ", which calls no function: there is nothing to mock or count",
            "an Operation state of the flow: " + join(m_operations, ", "),
            "only Operation states call functions; their results flow on through the others");
      return nullptr;
    }
    return s;
  }

  // A path entry: a state id, or a nested one as the engine writes it ("par/0/a").
  void path_entry(const std::string& entry, const Location& where) {
    std::string_view id = entry;
    if (auto slash = id.rfind('/'); slash != std::string_view::npos) {
      id = id.substr(slash + 1);
    }
    if (find(id) == nullptr) {
      error(where, "expect.path: flow " + quote(m_def.name) + " has no state " + quote(entry),
            "state ids, in the order they run: " + join(m_ids, ", "), hint_for(entry, m_ids));
    }
  }

  void error(const Location& where, std::string message, std::string expected,
             std::string hint = {}) {
    m_errors.push_back(Diagnostic{where, std::move(message), std::move(expected), std::move(hint)});
  }

  std::vector<Diagnostic> take() {
    std::stable_sort(m_errors.begin(), m_errors.end(), [](const auto& a, const auto& b) {
      return std::pair(a.where.line, a.where.column) < std::pair(b.where.line, b.where.column);
    });
    return std::move(m_errors);
  }

 private:
  static std::string hint_for(std::string_view id, const std::vector<std::string>& names) {
    std::string dym = did_you_mean(id, names);
    // did_you_mean gives "; did you mean 'x'?": as a hint, without the separator.
    return dym.size() > 2 ? dym.substr(2) : std::string();
  }

  const Definition& m_def;
  std::vector<const State*> m_states;
  std::vector<std::string> m_ids;
  std::vector<std::string> m_operations;
  std::vector<Diagnostic> m_errors;
};

}  // namespace

std::vector<const State*> all_states(const Definition& def) {
  std::vector<const State*> out;
  collect(def.states, out);
  return out;
}

fs::path test_file_path(const manifest::Manifest& m, const manifest::FlowSource& src) {
  if (src.file.empty()) {
    return m.root / "flows" / (src.name + ".test.yaml");
  }
  fs::path def = src.file.is_absolute() ? src.file : m.root / src.file;
  return def.parent_path() / (def.stem().string() + ".test.yaml");
}

std::vector<Diagnostic> check_test_file(const TestFile& tf, const Definition& def) {
  Against a(def);
  for (const auto& tc : tf.cases) {
    for (const auto& mock : tc.mocks) {
      const State* s = a.operation(mock.state_id, mock.where, "mocks." + mock.state_id);
      if (s == nullptr || mock.ref_name.empty()) {
        continue;
      }
      const bool calls = std::any_of(s->actions.begin(), s->actions.end(),
                                     [&](const Action& x) { return x.ref_name == mock.ref_name; });
      if (!calls) {
        std::vector<std::string> refs;
        for (const auto& x : s->actions) {
          refs.push_back(x.ref_name);
        }
        a.error(mock.where,
                "mocks." + mock.state_id + ": state " + quote(mock.state_id) +
                    " has no action calling " + quote(mock.ref_name),
                "attempts (\"0\", \"1-2\", \"3-\"), or the ref_name of one of its actions: " +
                    join(refs, ", "));
      }
    }
    const auto& x = tc.expect;
    for (std::size_t i = 0; i < x.attempts.size(); ++i) {
      a.operation(x.attempts[i].first, x.attempts_where[i], "expect.attempts");
    }
    if (x.path) {
      for (std::size_t i = 0; i < x.path->size(); ++i) {
        a.path_entry((*x.path)[i], x.path_items_where[i]);
      }
    }
    if (x.error_state && a.find(*x.error_state) == nullptr) {
      a.error(
          x.error_where,
          "expect.error.state: flow " + quote(def.name) + " has no state " + quote(*x.error_state),
          "the id of the state whose error ended the run");
    }
  }
  return a.take();
}

Expected<TestFile> load_test_file(const fs::path& file, const std::string& origin,
                                  const Definition& def) {
  auto text = read_file(file, ReadLimit{std::size_t{16} << 20, "a test file is read up to 16 MB"});
  if (!text) {
    return fail(
        std::move(text).error().with_context("while reading the tests of flow " + quote(def.name)));
  }
  TestFileParse parsed = parse_test_file(*text, origin);
  std::vector<Diagnostic> errors = std::move(parsed.errors);
  if (parsed.file) {
    errors = check_test_file(*parsed.file, def);
  }
  if (!errors.empty()) {
    Error e = manifest::validation_error(errors, origin);
    if (errors.size() > 1) {
      e.hint =
          "fix the test file as each line says; the README's \"Function flows\" shows the form";
    }
    return fail(std::move(e));
  }
  parsed.file->file = file;
  return std::move(*parsed.file);
}

}  // namespace fstage::flow
