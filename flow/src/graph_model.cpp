// SPDX-License-Identifier: Apache-2.0
// A Definition as a drawing: one node per state (a Parallel a fork and a join around a cluster
// per branch, a Foreach a loop head and a collector around its body), edges for transitions,
// conditions and on_errors, and a start node. Every format renders this one graph.
#include <map>
#include <optional>
#include <set>
#include <string>

#include <fstage/flow/graph.hpp>

namespace fstage::flow {

namespace {

using NodeKind = GraphNode::Kind;
using EdgeKind = GraphEdge::Kind;

// Where edges into and out of a state attach: the same node for most states, the fork and
// join of a Parallel, the loop head and collector of a Foreach.
struct Ends {
  std::string entry;
  std::string exit;
};

std::string error_label(const Definition& def, const OnError& e) {
  std::string label = e.error == "*" || e.error.empty() ? "any error" : e.error;
  if (!e.retry_ref.empty()) {
    if (const Retry* r = def.find_retry(e.retry_ref)) {
      label += "\nretry ×" + std::to_string(r->max_attempts) + " every " + human_duration(r->delay);
    } else {
      label += "\nretry " + e.retry_ref;
    }
  }
  return label;
}

// Whether the execution's `node_id` is the state at `path`, where a `*` segment stands for a
// Foreach iteration's index: "each/*/a" matches "each/0/a" and "each/12/a".
bool path_matches(std::string_view path, std::string_view node_id) {
  while (true) {
    const auto ps = path.find('/');
    const auto ns = node_id.find('/');
    const std::string_view p = path.substr(0, ps);
    const std::string_view n = node_id.substr(0, ns);
    if (p == "*") {
      if (n.empty() || n.find_first_not_of("0123456789") != std::string_view::npos) {
        return false;
      }
    } else if (p != n) {
      return false;
    }
    if (ps == std::string_view::npos || ns == std::string_view::npos) {
      return ps == ns;
    }
    path.remove_prefix(ps + 1);
    node_id.remove_prefix(ns + 1);
  }
}

// Which of several iterations' statuses a Foreach body's state shows: the worst.
int severity(std::string_view status) {
  if (status == "fail") {
    return 5;
  }
  if (status == "timeout") {
    return 4;
  }
  if (status == "cancel" || status == "stopping") {
    return 3;
  }
  if (status == "success") {
    return 0;
  }
  return 2;  // running, retrying, scheduled, recovered
}

std::string completion_text(const State& s) {
  const auto n = s.branches.size();
  if (s.completion <= 0 || static_cast<std::size_t>(s.completion) >= n) {
    return n == 1 ? "its branch" : "all " + std::to_string(n) + " branches";
  }
  if (s.completion == 1) {
    return "first of " + std::to_string(n) + " branches";
  }
  return std::to_string(s.completion) + " of " + std::to_string(n) + " branches";
}

class Builder {
 public:
  Builder(const Definition& def, const ExecutionStatus* exec) : def_(def), exec_(exec) {
    g_.name = def.name;
    if (exec != nullptr) {
      g_.has_execution = true;
      g_.execution_status = exec->status;
    }
  }

  Graph build() {
    const std::string start = add_node(NodeKind::start, "start", "", "");
    std::string finish;  // created when a state has `end: true`
    const std::string entry = scope(def_.states, def_.start, "", "", finish, true);
    if (!entry.empty()) {
      add_edge(start, entry, EdgeKind::transition, "");
    }
    return std::move(g_);
  }

  // The paths the drawing has, to check an execution against.
  const std::set<std::string>& paths() const { return paths_; }
  const std::set<std::string>& ids() const { return ids_; }

 private:
  std::string add_node(NodeKind kind, std::string title, std::string type, std::string cluster) {
    GraphNode n;
    n.id = "n" + std::to_string(g_.nodes.size());
    n.kind = kind;
    n.title = std::move(title);
    n.type = std::move(type);
    n.cluster = std::move(cluster);
    g_.nodes.push_back(std::move(n));
    return g_.nodes.back().id;
  }

  std::string add_cluster(GraphCluster::Kind kind, std::string label, const std::string& parent) {
    GraphCluster c;
    c.id = "c" + std::to_string(g_.clusters.size());
    c.parent = parent;
    c.kind = kind;
    c.label = std::move(label);
    g_.clusters.push_back(std::move(c));
    return g_.clusters.back().id;
  }

  void add_edge(const std::string& from, const std::string& to, EdgeKind kind, std::string label) {
    g_.edges.push_back({from, to, kind, std::move(label)});
  }

  // The run the execution recorded for the state at `path` (id `id`), if any. Inside a
  // Foreach body the path has a `*` for the iteration ("each/*/a"), and the runs of every
  // iteration ("each/0/a", "each/1/a"...) add up: the worst status, all the attempts.
  std::optional<NodeRun> run_of(const std::string& path, const std::string& id) const {
    if (exec_ == nullptr) {
      return std::nullopt;
    }
    if (auto it = exec_->nodes.find(path); it != exec_->nodes.end()) {
      return it->second;
    }
    if (path.find('*') != std::string::npos) {
      std::optional<NodeRun> sum;
      for (const auto& [node_id, run] : exec_->nodes) {
        if (!path_matches(path, node_id)) {
          continue;
        }
        if (!sum) {
          sum = run;
          continue;
        }
        sum->attempts += run.attempts;
        sum->iterations += run.iterations;
        if (severity(run.status) > severity(sum->status)) {
          sum->status = run.status;
        }
      }
      return sum;
    }
    if (auto it = exec_->nodes.find(id); it != exec_->nodes.end()) {
      return it->second;  // a record that names nested states by their id alone
    }
    return std::nullopt;
  }

  void attach_run(GraphNode& n, const std::string& path, const std::string& id) {
    n.state_path = path;
    if (auto r = run_of(path, id)) {
      n.has_run = true;
      n.run = *r;
    }
  }

  // Draws `states` (the flow, a branch or a loop body) into `cluster`. Paths inside it are
  // `prefix` + id. A state that ends the scope leads to `finish`: the flow's end node, made
  // on first use when `top`, else the enclosing join or collector. Returns the entry of
  // `start` ("" when there is no such state).
  std::string scope(const std::vector<State>& states, const std::string& start,
                    const std::string& prefix, const std::string& cluster, std::string& finish,
                    bool top) {
    std::map<std::string, Ends> ends;
    for (const State& s : states) {
      ends[s.id] = place(s, prefix, cluster);
    }
    auto finish_node = [&]() -> const std::string& {
      if (finish.empty()) {
        finish = add_node(NodeKind::finish, "end", "", cluster);
      }
      return finish;
    };
    for (const State& s : states) {
      const Ends& from = ends[s.id];
      auto target = [&](const std::string& id) -> const std::string* {
        auto it = ends.find(id);
        return it == ends.end() ? nullptr : &it->second.entry;
      };
      if (s.type == StateType::switch_) {
        for (const Condition& c : s.conditions) {
          if (const std::string* to = target(c.transition)) {
            add_edge(from.exit, *to, EdgeKind::condition, c.expression);
          }
        }
        if (const std::string* to = target(s.default_transition)) {
          add_edge(from.exit, *to, EdgeKind::fallback, "default");
        }
      }
      const std::string* next = s.transition.empty() ? nullptr : target(s.transition);
      if (next != nullptr) {
        add_edge(from.exit, *next, EdgeKind::transition, "");
      } else if (s.type != StateType::switch_ &&
                 (s.end || s.type == StateType::end || (!top && s.transition.empty()))) {
        // End states are terminals of their own at the top; inside a branch or a loop body
        // every state that ends it leads on to the join or the collector.
        if (!top || s.type != StateType::end) {
          add_edge(from.exit, finish_node(), top ? EdgeKind::transition : EdgeKind::internal, "");
        }
      }
      for (const OnError& e : s.on_errors) {
        const std::string* to = e.transition.empty() ? nullptr : target(e.transition);
        if (to != nullptr) {
          add_edge(from.exit, *to, EdgeKind::error, error_label(def_, e));
        } else if (!e.retry_ref.empty()) {
          add_edge(from.exit, from.exit, EdgeKind::error, error_label(def_, e));
        }
      }
    }
    auto it = ends.find(start);
    return it == ends.end() ? std::string() : it->second.entry;
  }

  Ends place(const State& s, const std::string& prefix, const std::string& cluster) {
    const std::string path = prefix + s.id;
    paths_.insert(path);
    ids_.insert(s.id);
    std::string title = s.id;
    std::string type(to_string(s.type));
    if (!s.name.empty() && s.name != s.id) {
      type += " · " + s.name;
    }
    switch (s.type) {
      case StateType::operation:
        return single(NodeKind::operation, title, type, action_lines(s), path, s.id, cluster);
      case StateType::sleep:
        return single(NodeKind::sleep, title, type, {"sleep " + human_duration(s.duration)}, path,
                      s.id, cluster);
      case StateType::end:
        return single(NodeKind::end, title, type, {}, path, s.id, cluster);
      case StateType::switch_:
        return single(NodeKind::decision, title, type, {}, path, s.id, cluster);
      case StateType::parallel:
        return parallel(s, type, path, cluster);
      case StateType::foreach:
        return loop(s, type, path, cluster);
    }
    return {};
  }

  Ends single(NodeKind kind, const std::string& title, const std::string& type,
              std::vector<std::string> lines, const std::string& path, const std::string& id,
              const std::string& cluster) {
    const std::string n = add_node(kind, title, type, cluster);
    g_.nodes.back().lines = std::move(lines);
    attach_run(g_.nodes.back(), path, id);
    return {n, n};
  }

  std::vector<std::string> action_lines(const State& s) const {
    std::vector<std::string> out;
    const bool parallel = s.action_mode == "parallel" && s.actions.size() > 1;
    if (parallel) {
      out.push_back("in parallel:");
    }
    for (std::size_t i = 0; i < s.actions.size(); ++i) {
      const Action& a = s.actions[i];
      std::string fn = a.ref_name;
      if (const FunctionDecl* f = def_.find_function(a.ref_name);
          f != nullptr && !f->local.empty() && f->local != a.ref_name) {
        fn += " (" + f->local + ")";
      }
      if (parallel) {
        out.push_back("∥ " + fn);
      } else if (s.actions.size() > 1) {
        out.push_back(std::to_string(i + 1) + ". " + fn);
      } else {
        out.push_back("ƒ " + fn);
      }
    }
    return out;
  }

  void cluster_run(const std::string& cluster, const std::string& path, const std::string& id) {
    for (GraphCluster& c : g_.clusters) {
      if (c.id == cluster) {
        c.state_path = path;
        if (auto r = run_of(path, id)) {
          c.has_run = true;
          c.run = *r;
        }
      }
    }
  }

  // The fork carries the Parallel's name and what it waits for, so edges into the state meet
  // its title rather than crossing a cluster label; the join is a bare bar.
  Ends parallel(const State& s, const std::string& type, const std::string& path,
                const std::string& parent) {
    const std::string outer = add_cluster(GraphCluster::Kind::parallel, "", parent);
    cluster_run(outer, path, s.id);
    std::string waits = "waits for " + completion_text(s);
    const std::string fork = single(NodeKind::fork, s.id, type, {waits}, path, s.id, outer).entry;
    if (!s.result_key.empty()) {
      g_.nodes.back().lines.push_back("results → " + s.result_key);
    }
    const std::string join = add_node(NodeKind::join, "", "", outer);
    for (std::size_t b = 0; b < s.branches.size(); ++b) {
      const Subflow& branch = s.branches[b];
      const std::string inner =
          add_cluster(GraphCluster::Kind::branch, "branch " + std::to_string(b + 1), outer);
      // The engine records each branch as a node of its own ("par/0").
      paths_.insert(path + "/" + std::to_string(b));
      cluster_run(inner, path + "/" + std::to_string(b), "");
      std::string finish = join;
      const std::string entry = scope(branch.states, branch.start,
                                      path + "/" + std::to_string(b) + "/", inner, finish, false);
      if (!entry.empty()) {
        add_edge(fork, entry, EdgeKind::internal, "");
      }
    }
    return {fork, join};
  }

  // The loop head (a hexagon, as flowcharts draw a loop) says what it iterates over; the
  // collector where the results go.
  Ends loop(const State& s, const std::string& type, const std::string& path,
            const std::string& parent) {
    const std::string outer = add_cluster(GraphCluster::Kind::foreach, "", parent);
    cluster_run(outer, path, s.id);
    const std::string head =
        single(NodeKind::loop, s.id, type,
               {"for each " + s.iteration_variable + " in " + s.items_path,
                s.concurrency > 0 ? "at most " + std::to_string(s.concurrency) + " at once"
                                  : "all at once"},
               path, s.id, outer)
            .entry;
    const std::string collect = add_node(NodeKind::collect, "", "", outer);
    g_.nodes.back().lines.push_back("results → " + s.result_path);
    paths_.insert(path + "/*");  // each iteration is a node of its own ("each/3")
    if (s.iterator) {
      std::string finish = collect;
      const std::string entry =
          scope(s.iterator->states, s.iterator->start, path + "/*/", outer, finish, false);
      if (!entry.empty()) {
        add_edge(head, entry, EdgeKind::internal, "");
      }
    } else {
      add_edge(head, collect, EdgeKind::internal, "");
    }
    return {head, collect};
  }

  const Definition& def_;
  const ExecutionStatus* exec_;
  Graph g_;
  std::set<std::string> paths_;
  std::set<std::string> ids_;
};

// A node id of the execution names a state of the drawing: its path (an iteration's
// "each/3/a" matches "each/*/a"), or its id alone.
bool known(const std::string& node_id, const Builder& b) {
  if (b.paths().count(node_id) != 0 || b.ids().count(node_id) != 0) {
    return true;
  }
  for (const auto& path : b.paths()) {
    if (path_matches(path, node_id)) {
      return true;
    }
  }
  return false;
}

}  // namespace

Expected<Graph> build_graph(const Definition& def, const ExecutionStatus* execution) {
  if (execution != nullptr && !execution->workflow_name.empty() &&
      execution->workflow_name != def.name) {
    return fail(
        ErrorCode::invalid_input,
        "the execution is of flow '" + execution->workflow_name + "', not '" + def.name + "'",
        "run `fstage flow run " + def.name + " --json > FILE` and pass that file");
  }
  Builder b(def, execution);
  Graph g = b.build();
  if (execution != nullptr) {
    for (const auto& [id, run] : execution->nodes) {
      if (!known(id, b)) {
        return fail(
            ErrorCode::invalid_input,
            "the execution has node '" + id + "', which flow '" + def.name + "' does not have",
            "was the flow changed since that run? Run it again with `fstage flow run " + def.name +
                " --json`");
      }
    }
  }
  return g;
}

std::string human_duration(std::int64_t seconds) {
  if (seconds < 60) {
    return std::to_string(seconds) + "s";
  }
  static constexpr std::pair<std::int64_t, const char*> k_units[] = {
      {86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}};
  std::string out;
  for (const auto& [size, unit] : k_units) {
    if (seconds >= size) {
      out += (out.empty() ? "" : " ") + std::to_string(seconds / size) + unit;
      seconds %= size;
    }
  }
  return out;
}

const GraphNode* Graph::find(std::string_view id) const {
  for (const auto& n : nodes) {
    if (n.id == id) {
      return &n;
    }
  }
  return nullptr;
}

const GraphNode* Graph::find_state(std::string_view path) const {
  for (const auto& n : nodes) {
    if (n.state_path == path) {
      return &n;
    }
  }
  return nullptr;
}

ClusterIndex::ClusterIndex(const Graph& g) {
  for (const auto& c : g.clusters) {
    m_children[c.parent].push_back(&c);
  }
  for (const auto& n : g.nodes) {
    m_members[n.cluster].push_back(&n);
  }
}

const std::vector<const GraphCluster*>& ClusterIndex::clusters_in(
    const std::string& cluster) const {
  static const std::vector<const GraphCluster*> k_none;
  auto it = m_children.find(cluster);
  return it == m_children.end() ? k_none : it->second;
}

const std::vector<const GraphNode*>& ClusterIndex::nodes_in(const std::string& cluster) const {
  static const std::vector<const GraphNode*> k_none;
  auto it = m_members.find(cluster);
  return it == m_members.end() ? k_none : it->second;
}

}  // namespace fstage::flow
