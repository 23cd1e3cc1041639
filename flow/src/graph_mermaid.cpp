// SPDX-License-Identifier: Apache-2.0
// The graph as Mermaid `flowchart TD`, which (unlike stateDiagram-v2) draws dashed, labelled
// edges (`-.->|"..."|`), nested subgraphs and per-node classes. Node ids are the graph's own
// (n0, n1, ...: never a Mermaid keyword such as `end`); every label is a quoted string whose
// special characters are Mermaid entities (#quot;, #35;, #lt; ...), so any state id draws.
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <fstage/flow/graph.hpp>

namespace fstage::flow {

namespace {

using NodeKind = GraphNode::Kind;
using EdgeKind = GraphEdge::Kind;

std::string text(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (char c : in) {
    switch (c) {
      case '"':
        out += "#quot;";
        break;
      case '#':
        out += "#35;";
        break;
      case '<':
        out += "#lt;";
        break;
      case '>':
        out += "#gt;";
        break;
      case '&':
        out += "#amp;";
        break;
      case '|':
        out += "#124;";
        break;
      case '`':
        out += "#96;";
        break;
      case ';':
        out += "#59;";
        break;
      case '\n':
        out += "<br/>";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          out += "\xEF\xBF\xBD";
        } else {
          out += c;
        }
    }
  }
  return out;
}

// The title goes in YAML front matter, where entities are not decoded: a single-quoted scalar.
std::string yaml_quoted(std::string_view in) {
  std::string out = "'";
  for (char c : in) {
    if (c == '\'') {
      out += "''";
    } else if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      out += "\xEF\xBF\xBD";
    } else {
      out += c;
    }
  }
  return out + "'";
}

bool is_state(NodeKind kind) {
  return kind == NodeKind::operation || kind == NodeKind::sleep || kind == NodeKind::end ||
         kind == NodeKind::decision || kind == NodeKind::fork || kind == NodeKind::loop;
}

std::string label(const Graph& g, const GraphNode& n) {
  switch (n.kind) {
    case NodeKind::start:
      return "start";
    case NodeKind::finish:
      return "end";
    case NodeKind::join:
      return "join";
    case NodeKind::collect:
      return text(n.lines.empty() ? "" : n.lines[0]);
    default:
      break;
  }
  std::string out = "<b>" + text(n.title) + "</b>";
  if (!n.type.empty()) {
    out += "<br/><small>" + text(n.type) + "</small>";
  }
  for (const auto& line : n.lines) {
    out += "<br/>" + text(line);
  }
  if (g.has_execution && is_state(n.kind)) {
    out += "<br/><b>" + text(n.has_run ? describe_run(n.run) : "not run") + "</b>";
  }
  return out;
}

// The shape's brackets around a quoted label.
std::pair<const char*, const char*> shape(NodeKind kind) {
  switch (kind) {
    case NodeKind::start:
      return {"((", "))"};
    case NodeKind::finish:
    case NodeKind::end:
      return {"(((", ")))"};
    case NodeKind::sleep:
      return {"([", "])"};
    case NodeKind::decision:
      return {"{", "}"};
    case NodeKind::loop:
      return {"{{", "}}"};
    case NodeKind::fork:
    case NodeKind::join:
      return {"[", "]"};
    default:
      return {"(", ")"};
  }
}

std::string class_of(const Graph& g, const GraphNode& n) {
  switch (n.kind) {
    case NodeKind::start:
    case NodeKind::finish:
    case NodeKind::join:
      return "dark";
    case NodeKind::collect:
      return "loop";
    default:
      break;
  }
  if (g.has_execution) {
    return n.has_run ? "st_" + n.run.status : "st_none";
  }
  switch (n.kind) {
    case NodeKind::sleep:
      return "sleep";
    case NodeKind::end:
      return "terminal";
    case NodeKind::decision:
      return "decision";
    case NodeKind::fork:
      return "par";
    case NodeKind::loop:
      return "loop";
    default:
      return "op";
  }
}

void write_node(std::ostream& out, const Graph& g, const GraphNode& n, const std::string& in) {
  auto [open, close] = shape(n.kind);
  out << in << n.id << open << '"' << label(g, n) << '"' << close << ":::" << class_of(g, n)
      << "\n";
}

void write_cluster(std::ostream& out, const Graph& g, const GraphCluster& c,
                   const ClusterIndex& index, const std::string& in) {
  // A Parallel's or a Foreach's name and run are on its fork or loop head; a branch's here.
  std::string title = c.label;
  if (g.has_execution && c.kind == GraphCluster::Kind::branch && c.has_run) {
    title += " · " + describe_run(c.run);
  }
  out << in << "subgraph " << c.id << " [\"" << (title.empty() ? " " : text(title)) << "\"]\n";
  for (const GraphNode* n : index.nodes_in(c.id)) {
    write_node(out, g, *n, in + "  ");
  }
  for (const GraphCluster* child : index.clusters_in(c.id)) {
    write_cluster(out, g, *child, index, in + "  ");
  }
  out << in << "end\n";
}

}  // namespace

std::string to_mermaid(const Graph& g) {
  std::ostringstream out;
  std::string title = g.name;
  if (g.has_execution && !g.execution_status.empty()) {
    title += " — " + g.execution_status;
  }
  out << "---\ntitle: " << yaml_quoted(title) << "\n---\nflowchart TD\n";
  const ClusterIndex index(g);
  for (const GraphNode* n : index.nodes_in("")) {
    write_node(out, g, *n, "  ");
  }
  for (const GraphCluster* c : index.clusters_in("")) {
    write_cluster(out, g, *c, index, "  ");
  }
  std::vector<std::size_t> errors;
  std::vector<std::size_t> conditions;
  for (std::size_t i = 0; i < g.edges.size(); ++i) {
    const GraphEdge& e = g.edges[i];
    const std::string lbl = e.label.empty() ? "" : "|\"" + text(e.label) + "\"|";
    switch (e.kind) {
      case EdgeKind::error:
        out << "  " << e.from << " -.->" << lbl << " " << e.to << "\n";
        errors.push_back(i);
        break;
      case EdgeKind::fallback:
        out << "  " << e.from << " ==>" << lbl << " " << e.to << "\n";
        conditions.push_back(i);
        break;
      case EdgeKind::condition:
        conditions.push_back(i);
        [[fallthrough]];
      default:
        out << "  " << e.from << " -->" << lbl << " " << e.to << "\n";
    }
  }
  auto link_style = [&](const std::vector<std::size_t>& edges, const char* style) {
    if (edges.empty()) {
      return;
    }
    out << "  linkStyle ";
    for (std::size_t i = 0; i < edges.size(); ++i) {
      out << (i == 0 ? "" : ",") << edges[i];
    }
    out << " " << style << "\n";
  };
  link_style(errors, "stroke:#c62828,color:#c62828");
  link_style(conditions, "stroke:#6a1b9a,color:#6a1b9a");
  out << "  classDef dark fill:#37474f,stroke:#37474f,color:#ffffff\n"
         "  classDef loop fill:#e0f2f1,stroke:#00897b\n"
         "  classDef op fill:#e8f0fe,stroke:#607d8b\n"
         "  classDef sleep fill:#fff8e1,stroke:#607d8b\n"
         "  classDef terminal fill:#eceff1,stroke:#607d8b\n"
         "  classDef decision fill:#f3e5f5,stroke:#607d8b\n"
         "  classDef par fill:#ede7f6,stroke:#5e35b1\n";
  if (g.has_execution) {
    for (const char* status : {"success", "fail", "timeout", "cancel", "running", "scheduled",
                               "recovered", "retrying", "stopping"}) {
      const StatusColors c = status_colors(status);
      out << "  classDef st_" << status << " fill:" << c.fill << ",stroke:" << c.stroke
          << ",stroke-width:2px\n";
    }
    const StatusColors none = status_colors("");
    out << "  classDef st_none fill:" << none.fill << ",stroke:" << none.stroke
        << ",stroke-dasharray:4 3\n";
  }
  return out.str();
}

}  // namespace fstage::flow
