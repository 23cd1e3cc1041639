// SPDX-License-Identifier: Apache-2.0
// A flow drawn as a person would draw it (`fstage flow graph`): a Definition turned into a small
// graph of nodes, edges and clusters (graph_model.cpp), which each format renders without
// looking at the Definition again: DOT (graph_dot.cpp), Mermaid (graph_mermaid.cpp) and SVG,
// which is the DOT laid out and rendered by Graphviz in the fstage-graphviz.so module
// (graph_svg.cpp opens it; flow/graphviz/ is the module).
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/flow/model.hpp>

namespace fstage::flow {

// What a recorded run says about one state: the status of its last attempt and how many
// attempts it made (every entry of node_execution_details that names it, added up).
struct NodeRun {
  std::string status;  // success, fail, running, timeout, cancel
  int attempts = 0;
  int iterations = 1;  // a state in a Foreach body: the iterations that ran it
};

// The runs read from an execution, keyed by node_id as the execution writes it: a state's id,
// or for a state inside a Parallel branch or a Foreach body its path ("par/0/a": branch 0;
// "each/3/a": iteration 3), as the engine records them.
struct ExecutionStatus {
  std::string workflow_name;  // "" when the file does not say
  std::string status;         // the run's own status, "" when absent
  std::map<std::string, NodeRun> nodes;
};

// Reads `fstage flow run --json` output (the API's ShowWorkflowExecution shape). `origin`
// names the file in errors. Errors: invalid_input, saying what is wrong where.
Expected<ExecutionStatus> read_execution(std::string_view json_text, const std::string& origin);

struct GraphNode {
  enum class Kind {
    start,      // the flow's entry
    operation,  // an Operation: its functions
    sleep,
    end,       // an End state: a terminal
    finish,    // where a state with `end: true` leads (no state of its own)
    decision,  // a Switch
    fork,      // a Parallel's entry: a bar
    join,      // a Parallel's exit: a bar
    loop,      // a Foreach's entry: the items, the variable, the concurrency
    collect,   // a Foreach's exit
  };
  std::string id;  // "n0", "n1", ...: safe in every format; labels carry the state's id
  Kind kind = Kind::operation;
  std::string title;               // the state's id (and name, when it differs)
  std::string type;                // "Operation", "Sleep", ...; "" for drawing-only nodes
  std::vector<std::string> lines;  // details, one per line: functions, a duration, ...
  std::string cluster;             // the GraphCluster::id it sits in, "" at the top
  std::string state_path;          // the state's id, or "par/0/a" inside a subflow; "" if none
  bool has_run = false;            // an execution was given and names this state
  NodeRun run;
};

struct GraphEdge {
  enum class Kind {
    transition,  // solid
    error,       // on_errors: dashed, labelled with the error and the retry
    condition,   // a Switch's condition, labelled
    fallback,    // a Switch's default
    internal,    // fork to branch, branch to join, loop to body
  };
  std::string from;
  std::string to;
  Kind kind = Kind::transition;
  std::string label;
};

struct GraphCluster {
  enum class Kind { parallel, branch, foreach };
  std::string id;      // "c0", "c1", ...
  std::string parent;  // "" at the top
  Kind kind = Kind::branch;
  std::string label;
  std::string state_path;  // the Parallel or Foreach state it draws; "" for a branch
  bool has_run = false;
  NodeRun run;
};

struct Graph {
  std::string name;
  std::vector<GraphNode> nodes;
  std::vector<GraphEdge> edges;
  std::vector<GraphCluster> clusters;  // parents before their children
  bool has_execution = false;
  std::string execution_status;

  const GraphNode* find(std::string_view id) const;
  // The node drawn for the state at `path` ("a", "par/0/a"); nullptr when none.
  const GraphNode* find_state(std::string_view path) const;
};

// The clusters and nodes of a Graph by the cluster that holds them ("" for the top level), in
// the graph's order: how the text formats nest subgraphs.
class ClusterIndex {
 public:
  explicit ClusterIndex(const Graph& g);
  const std::vector<const GraphCluster*>& clusters_in(const std::string& cluster) const;
  const std::vector<const GraphNode*>& nodes_in(const std::string& cluster) const;

 private:
  std::map<std::string, std::vector<const GraphCluster*>> m_children;
  std::map<std::string, std::vector<const GraphNode*>> m_members;
};

// The graph of `def`, coloured by `execution` when given. Errors: invalid_input when the
// execution is of another flow, or names a node the flow does not have.
Expected<Graph> build_graph(const Definition& def, const ExecutionStatus* execution = nullptr);

// "2s", "1m 30s", "1d": a duration in seconds as a person writes it.
std::string human_duration(std::int64_t seconds);

// "success", "fail · 3 attempts", "success · 4 runs": a run as a node shows it.
std::string describe_run(const NodeRun& run);

// The colours every format gives a status: a light fill and a darker outline. Not run: white.
struct StatusColors {
  std::string fill;
  std::string stroke;
};
StatusColors status_colors(std::string_view status);

// Graphviz DOT, valid for `dot -Tsvg`: every id and label quoted and escaped.
std::string to_dot(const Graph& g);

// Mermaid `flowchart TD`: node ids are the graph's own (n0, n1...), labels entity-escaped, so
// any state id draws.
std::string to_mermaid(const Graph& g);

// SVG: to_dot(g) laid out with Graphviz's `dot` and rendered by its SVG renderer, in the
// fstage-graphviz.so module, opened now (it links libgvc, which fstage does not). Errors:
// not_found (the module or Graphviz is missing: the package to install), internal (Graphviz
// failed, with its message).
Expected<std::string> to_svg(const Graph& g);

}  // namespace fstage::flow
