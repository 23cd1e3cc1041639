// SPDX-License-Identifier: Apache-2.0
// What a definition's parts say about each other, checked once parse.cpp has the shapes right:
// unique names, every reference known (start, transition, ref_name, retry_ref, on_errors and
// Switch targets), every state reachable, no cycle (the console requires a DAG, FLOW.md §2),
// End/transition rules, and each function present in the manifest. A subflow (a Parallel
// branch, a Foreach iterator) is a scope of its own: its ids and transitions stay inside it.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include <fstage/base/strings.hpp>

#include "load_internal.hpp"

namespace fstage::flow::detail {

namespace {

std::string pos(const Location& l) {
  return std::to_string(l.line) + ":" + std::to_string(l.column);
}

void error(Checker& c, const Location& l, std::string message, std::string expected,
           std::string hint = {}) {
  c.error_at(l.line, l.column, std::move(message), std::move(expected), std::move(hint));
}

std::string maybe(std::string_view word, const std::vector<std::string>& names) {
  auto close = closest_match(word, names);
  return close ? "did you mean '" + *close + "'?" : "";
}

// "one of a, b, c" (the first 10), for an unknown name.
std::string one_of(const std::vector<std::string>& names, std::string_view what) {
  if (names.empty()) {
    return std::string(what) + " (there are none)";
  }
  std::vector<std::string> shown(names.begin(),
                                 names.begin() + std::min<std::size_t>(10, names.size()));
  std::string out = std::string(what) + ": " + join(shown, ", ");
  return names.size() > shown.size() ? out + ", ..." : out;
}

// A name used twice in a list: reported at the second, naming the first.
template <typename T, typename Name, typename Where>
void check_unique(Checker& c, const std::vector<T>& items, std::string_view what, Name name,
                  Where where) {
  std::map<std::string, Location> seen;
  for (const auto& item : items) {
    const std::string& n = name(item);
    if (n.empty()) {
      continue;
    }
    auto [it, fresh] = seen.try_emplace(n, where(item));
    if (!fresh) {
      error(c, where(item),
            std::string(what) + " " + quote(n) + " is already defined at " + pos(it->second),
            "each " + std::string(what) + " once");
    }
  }
}

struct Edge {
  std::size_t to;
  Location where;
  std::string kind;  // "transition", "on_errors transition", "condition", "default"
};

class ScopeCheck {
 public:
  ScopeCheck(Checker& c, const Definition& d, const std::vector<State>& states,
             const std::string& start, const Location& start_where, std::string label)
      : m_c(c),
        m_d(d),
        m_states(states),
        m_start(start),
        m_start_where(start_where),
        m_label(std::move(label)) {
    for (const auto& s : states) {
      m_ids.push_back(s.id);
    }
  }

  void run() {
    check_unique(
        m_c, m_states, "state id", [](const State& s) -> const std::string& { return s.id; },
        [](const State& s) { return s.id_where; });
    m_edges.resize(m_states.size());
    for (std::size_t i = 0; i < m_states.size(); ++i) {
      check_state(i);
    }
    auto start = index_of(m_start);
    if (!start && !m_start.empty()) {
      error(m_c, m_start_where, m_label + "start: " + quote(m_start) + " is not a state",
            one_of(m_ids, "a state id"), maybe(m_start, m_ids));
    }
    if (start) {
      check_reachable(*start);
      check_cycles(*start);
    }
  }

 private:
  std::optional<std::size_t> index_of(std::string_view id) const {
    for (std::size_t i = 0; i < m_states.size(); ++i) {
      if (m_states[i].id == id) {
        return i;
      }
    }
    return std::nullopt;
  }

  // An edge from state `from` to `id`; an unknown target is reported at `where`.
  void edge(std::size_t from, const std::string& id, const Location& where,
            const std::string& kind) {
    if (id.empty()) {
      return;
    }
    if (auto to = index_of(id)) {
      m_edges[from].push_back(Edge{*to, where, kind});
      return;
    }
    std::string scope = m_label.empty() ? "" : " in " + m_label.substr(0, m_label.size() - 2);
    error(m_c, where,
          "state " + quote(m_states[from].id) + ": " + kind + " to " + quote(id) +
              ", which is not a state" + scope,
          one_of(m_ids, "a state id"), maybe(id, m_ids));
  }

  void check_state(std::size_t i) {
    const State& s = m_states[i];
    const std::string who = "state " + quote(s.id);
    const bool is_end = s.type == StateType::end;
    if (is_end) {
      if (!s.transition.empty()) {
        error(m_c, s.transition_where, who + ": an End state has no transition",
              "\"transition\": \"\" or no transition");
      }
    } else if (s.type != StateType::switch_) {
      if (s.end && !s.transition.empty()) {
        error(m_c, s.transition_where, who + ": both end: true and a transition",
              "either end: true or a transition");
      } else if (!s.end && s.transition.empty()) {
        error(m_c, s.where, who + ": neither a transition nor end: true",
              "a transition to the next state, or end: true (or type: End)");
      }
    }
    if (s.type == StateType::operation && s.actions.empty()) {
      error(m_c, s.where, who + ": an Operation state has no actions",
            "actions: [{function_ref: {ref_name: ...}}]");
    } else if (s.type != StateType::operation && !s.actions.empty()) {
      error(m_c, s.actions.front().where,
            who + (s.type == StateType::end ? ": an " : ": a ") + std::string(to_string(s.type)) +
                " state runs no actions",
            "\"actions\": [] or no actions (or type: Operation)");
    }
    check_actions(s);
    edge(i, s.transition, s.transition_where, "transition");
    for (const auto& o : s.on_errors) {
      edge(i, o.transition, o.transition_where, "on_errors transition");
      if (!o.retry_ref.empty() && !m_d.find_retry(o.retry_ref)) {
        std::vector<std::string> names;
        for (const auto& r : m_d.retries) {
          names.push_back(r.name);
        }
        error(m_c, o.retry_where, who + ": retry_ref " + quote(o.retry_ref) + " is not a retry",
              one_of(names, "a name from retries[]"), maybe(o.retry_ref, names));
      }
    }
    for (const auto& cond : s.conditions) {
      edge(i, cond.transition, cond.transition_where, "condition");
    }
    edge(i, s.default_transition, s.default_where, "default");
    if (s.type == StateType::parallel) {
      if (s.completion > 0 && !s.branches.empty() &&
          static_cast<std::size_t>(s.completion) > s.branches.size()) {
        error(m_c, s.completion_where,
              who + ": completion " + std::to_string(s.completion) + " of " +
                  std::to_string(s.branches.size()) + " branches",
              "all, one, or a number from 1 to " + std::to_string(s.branches.size()));
      }
      for (std::size_t b = 0; b < s.branches.size(); ++b) {
        const Subflow& f = s.branches[b];
        ScopeCheck(m_c, m_d, f.states, f.start, f.start_where,
                   m_label + s.id + ".branches[" + std::to_string(b) + "]: ")
            .run();
      }
    }
    if (s.type == StateType::foreach && s.iterator) {
      const Subflow& f = *s.iterator;
      ScopeCheck(m_c, m_d, f.states, f.start, f.start_where, m_label + s.id + ".iterator: ").run();
    }
  }

  void check_actions(const State& s) {
    for (const auto& a : s.actions) {
      if (a.ref_name.empty()) {
        continue;  // reported by the parser
      }
      if (!m_d.find_function(a.ref_name)) {
        std::vector<std::string> names;
        for (const auto& f : m_d.functions) {
          names.push_back(f.name);
        }
        error(m_c, a.ref_where,
              "state " + quote(s.id) + ": ref_name " + quote(a.ref_name) + " is not a function",
              one_of(names, "a name from functions[]"), maybe(a.ref_name, names));
      }
    }
  }

  void check_reachable(std::size_t start) {
    std::vector<bool> seen(m_states.size(), false);
    std::vector<std::size_t> todo{start};
    seen[start] = true;
    while (!todo.empty()) {
      std::size_t i = todo.back();
      todo.pop_back();
      for (const auto& e : m_edges[i]) {
        if (!seen[e.to]) {
          seen[e.to] = true;
          todo.push_back(e.to);
        }
      }
    }
    for (std::size_t i = 0; i < m_states.size(); ++i) {
      // A duplicate id is reported as such; its twin may be the one reached.
      if (!seen[i] && !m_states[i].id.empty() && index_of(m_states[i].id) == i) {
        error(m_c, m_states[i].id_where,
              m_label + "state " + quote(m_states[i].id) + " is never reached from start " +
                  quote(m_start),
              "a transition, on_errors or Switch edge leading to it (or remove the state)");
      }
    }
  }

  // Depth-first from start; an edge to a state on the current path closes a cycle, reported
  // at that edge with the cycle spelled out.
  void check_cycles(std::size_t start) {
    std::vector<int> color(m_states.size(), 0);  // 0 new, 1 on the path, 2 done
    std::vector<std::size_t> path;
    struct Frame {
      std::size_t node;
      std::size_t next = 0;
    };
    std::vector<Frame> stack{{start}};
    color[start] = 1;
    path.push_back(start);
    while (!stack.empty()) {
      Frame& f = stack.back();
      if (f.next == m_edges[f.node].size()) {
        color[f.node] = 2;
        path.pop_back();
        stack.pop_back();
        continue;
      }
      const Edge& e = m_edges[f.node][f.next++];
      if (color[e.to] == 1) {
        auto from = std::find(path.begin(), path.end(), e.to);
        std::vector<std::string> ids;
        for (auto it = from; it != path.end(); ++it) {
          ids.push_back(m_states[*it].id);
        }
        ids.push_back(m_states[e.to].id);
        error(m_c, e.where,
              m_label + "state " + quote(m_states[f.node].id) + ": " + e.kind + " to " +
                  quote(m_states[e.to].id) + " closes a cycle " + join(ids, " -> "),
              "a flow without cycles (the console requires a DAG; retry with retry_ref)");
      } else if (color[e.to] == 0) {
        color[e.to] = 1;
        path.push_back(e.to);
        stack.push_back(Frame{e.to});
      }
    }
  }

  Checker& m_c;
  const Definition& m_d;
  const std::vector<State>& m_states;
  const std::string& m_start;
  Location m_start_where;
  std::string m_label;
  std::vector<std::string> m_ids;
  std::vector<std::vector<Edge>> m_edges;
};

void check_manifest_functions(Checker& c, const Definition& d, const manifest::Manifest& m) {
  std::vector<std::string> names;
  for (const auto& f : m.functions) {
    names.push_back(f.name);
  }
  for (const auto& f : d.functions) {
    if (f.local.empty() || m.find(f.local)) {
      continue;
    }
    std::string what = f.local == f.operation ? quote(f.local)
                                              : quote(f.operation) + " names " + quote(f.local),
                which = ", which is not a function in fstage.yaml";
    error(c, f.operation_where, "function " + quote(f.name) + ": " + what + which,
          one_of(names, "a function of fstage.yaml"), maybe(f.local, names));
  }
}

}  // namespace

void validate_definition(Checker& c, const Definition& d, const manifest::Manifest* m) {
  check_unique(
      c, d.functions, "function",
      [](const FunctionDecl& f) -> const std::string& { return f.name; },
      [](const FunctionDecl& f) { return f.name_where; });
  check_unique(
      c, d.retries, "retry", [](const Retry& r) -> const std::string& { return r.name; },
      [](const Retry& r) { return r.name_where; });
  check_unique(
      c, d.triggers, "trigger", [](const FlowTrigger& t) -> const std::string& { return t.name; },
      [](const FlowTrigger& t) { return t.name_where; });
  if (m) {
    check_manifest_functions(c, d, *m);
  }
  ScopeCheck(c, d, d.states, d.start, d.start_where, "").run();
}

namespace {

void collect_uses(const std::vector<State>& states, std::vector<std::string>& functions,
                  std::vector<std::string>& retries) {
  for (const auto& s : states) {
    for (const auto& a : s.actions) {
      functions.push_back(a.ref_name);
    }
    for (const auto& o : s.on_errors) {
      retries.push_back(o.retry_ref);
    }
    for (const auto& b : s.branches) {
      collect_uses(b.states, functions, retries);
    }
    if (s.iterator) {
      collect_uses(s.iterator->states, functions, retries);
    }
  }
}

}  // namespace

std::vector<Diagnostic> unused_declarations(const Definition& d) {
  std::vector<std::string> functions;
  std::vector<std::string> retries;
  collect_uses(d.states, functions, retries);
  auto used = [](const std::vector<std::string>& names, const std::string& name) {
    return std::find(names.begin(), names.end(), name) != names.end();
  };
  std::vector<Diagnostic> out;
  for (const auto& f : d.functions) {
    if (!f.name.empty() && !used(functions, f.name)) {
      out.push_back(Diagnostic{f.name_where, "function " + quote(f.name) + " is never called",
                               "an action with ref_name: " + f.name + ", or no such function", ""});
    }
  }
  for (const auto& r : d.retries) {
    if (!r.name.empty() && !used(retries, r.name)) {
      out.push_back(
          Diagnostic{r.name_where, "retry " + quote(r.name) + " is never used",
                     "an on_errors entry with retry_ref: " + r.name + ", or no such retry", ""});
    }
  }
  return out;
}

}  // namespace fstage::flow::detail
