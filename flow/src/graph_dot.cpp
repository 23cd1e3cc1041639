// SPDX-License-Identifier: Apache-2.0
// The graph as Graphviz DOT. Every label is an HTML-like label (<...>) whose text is escaped
// as XML, and every id is a quoted "n0"-style id of the graph's own: nothing a state is called
// can break the syntax. Graphviz expands \N, \G, \l in every label, HTML-like ones included:
// a backslash is written twice.
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <fstage/flow/graph.hpp>
#include <fstage/flow/xml.hpp>

namespace fstage::flow {

namespace {

using NodeKind = GraphNode::Kind;
using EdgeKind = GraphEdge::Kind;

constexpr const char* k_font = "Helvetica,Arial,sans-serif";
constexpr const char* k_ink = "#37474f";
constexpr const char* k_muted = "#607d8b";
constexpr const char* k_error = "#c62828";

// Text for an HTML-like label: XML-escaped as an attribute value (xml.hpp: bytes that are not
// UTF-8 and characters XML 1.0 refuses, which the SVG would carry, become U+FFFD), a line
// break as <br/>, and a backslash doubled: Graphviz expands \N, \G, \l even in HTML labels.
std::string html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  std::size_t from = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || text[i] == '\n' || text[i] == '\\') {
      out += xml_escape(text.substr(from, i - from), true);
      if (i < text.size()) {
        out += text[i] == '\n' ? "<br/>" : "\\\\";
      }
      from = i + 1;
    }
  }
  return out;
}

std::string small(std::string_view text, std::string_view color) {
  return "<font point-size=\"9\" color=\"" + std::string(color) + "\">" + html(text) + "</font>";
}

// The fill a node has when no execution is drawn: one light tint per kind of state.
std::string kind_fill(NodeKind kind) {
  switch (kind) {
    case NodeKind::operation:
      return "#e8f0fe";
    case NodeKind::sleep:
      return "#fff8e1";
    case NodeKind::end:
      return "#eceff1";
    case NodeKind::decision:
      return "#f3e5f5";
    case NodeKind::fork:
      return "#ede7f6";
    case NodeKind::loop:
    case NodeKind::collect:
      return "#e0f2f1";
    default:
      return "#ffffff";
  }
}

// The nodes that draw a state (and so show its run); the others are start, end, join and
// collector.
bool is_state(NodeKind kind) {
  return kind == NodeKind::operation || kind == NodeKind::sleep || kind == NodeKind::end ||
         kind == NodeKind::decision || kind == NodeKind::fork || kind == NodeKind::loop;
}

std::string node_label(const Graph& g, const GraphNode& n) {
  std::string label = "<b>" + html(n.title) + "</b>";
  if (!n.type.empty()) {
    label += "<br/>" + small(n.type, k_muted);
  }
  for (const auto& line : n.lines) {
    label += "<br/>" + html(line);
  }
  if (g.has_execution && is_state(n.kind)) {
    const StatusColors c = status_colors(n.has_run ? n.run.status : "");
    label += "<br/><font point-size=\"10\" color=\"" + c.stroke + "\"><b>" +
             html(n.has_run ? describe_run(n.run) : "not run") + "</b></font>";
  }
  return label;
}

void write_node(std::ostream& out, const Graph& g, const GraphNode& n, const std::string& indent) {
  out << indent << '"' << n.id << "\" [";
  switch (n.kind) {
    case NodeKind::start:
      out << "shape=circle, style=filled, fillcolor=\"" << k_ink
          << "\", fontcolor=white, width=0.55, fixedsize=true, fontsize=10, label=<start>";
      break;
    case NodeKind::finish:
      out << "shape=doublecircle, style=filled, fillcolor=\"" << k_ink
          << "\", fontcolor=white, width=0.45, fixedsize=true, fontsize=9, label=<end>";
      break;
    case NodeKind::join:
      out << "shape=box, style=filled, fillcolor=\"" << k_ink << "\", color=\"" << k_ink
          << "\", width=1.6, height=0.06, fixedsize=true, label=\"\"";
      break;
    case NodeKind::collect:
      out << "shape=box, style=\"rounded,filled\", fillcolor=\"" << kind_fill(n.kind)
          << "\", color=\"#00897b\", fontsize=9, label=<" << html(n.lines.empty() ? "" : n.lines[0])
          << ">";
      break;
    default: {
      StatusColors c{kind_fill(n.kind), n.kind == NodeKind::fork   ? "#5e35b1"
                                        : n.kind == NodeKind::loop ? "#00897b"
                                                                   : k_muted};
      std::string pen = "1";
      if (g.has_execution) {
        c = status_colors(n.has_run ? n.run.status : "");
        pen = n.has_run ? "2" : "1";
      }
      const char* shape = n.kind == NodeKind::decision ? "diamond"
                          : n.kind == NodeKind::end    ? "ellipse"
                          : n.kind == NodeKind::loop   ? "hexagon"
                                                       : "box";
      out << "shape=" << shape << ", style=\""
          << (n.kind == NodeKind::decision ? "filled" : "rounded,filled")
          << (g.has_execution && !n.has_run ? ",dashed" : "") << "\", fillcolor=\"" << c.fill
          << "\", color=\"" << c.stroke << "\", penwidth=" << pen;
      if (n.kind == NodeKind::end) {
        out << ", peripheries=2";
      }
      if (n.kind == NodeKind::loop) {
        out << ", margin=\"0.02,0.02\"";  // a hexagon's default margin makes it twice as wide
      }
      out << ", label=<" << node_label(g, n) << ">";
    }
  }
  out << "];\n";
}

void write_edge(std::ostream& out, const GraphEdge& e) {
  out << "  \"" << e.from << "\" -> \"" << e.to << "\" [";
  switch (e.kind) {
    case EdgeKind::transition:
      out << "color=\"" << k_ink << "\"";
      break;
    case EdgeKind::error:
      out << "style=dashed, color=\"" << k_error << "\", fontcolor=\"" << k_error << "\"";
      break;
    case EdgeKind::condition:
      out << "color=\"#6a1b9a\", fontcolor=\"#6a1b9a\"";
      break;
    case EdgeKind::fallback:
      out << "color=\"#6a1b9a\", fontcolor=\"#6a1b9a\", style=bold";
      break;
    case EdgeKind::internal:
      out << "color=\"#90a4ae\"";
      break;
  }
  if (!e.label.empty()) {
    out << ", label=<" << (e.kind == EdgeKind::fallback ? "<i>" : "") << html(e.label)
        << (e.kind == EdgeKind::fallback ? "</i>" : "") << ">";
  }
  out << "];\n";
}

void write_cluster(std::ostream& out, const Graph& g, const GraphCluster& c,
                   const ClusterIndex& index, const std::string& indent) {
  out << indent << "subgraph \"cluster_" << c.id << "\" {\n";
  const std::string in = indent + "  ";
  std::string color = c.kind == GraphCluster::Kind::foreach    ? "#00897b"
                      : c.kind == GraphCluster::Kind::parallel ? "#5e35b1"
                                                               : "#b0bec5";
  std::string label = html(c.label);
  if (g.has_execution && c.kind == GraphCluster::Kind::branch && c.has_run) {
    label += " · " + html(describe_run(c.run));
  }
  std::string pen = "1.2";
  if (g.has_execution && c.kind != GraphCluster::Kind::branch) {
    // The state's run is on its fork or loop head; the cluster's outline says it too.
    const StatusColors s = status_colors(c.has_run ? c.run.status : "");
    color = s.stroke;
    pen = c.has_run ? "2" : "1.2";
  }
  // An empty label too: a cluster would otherwise inherit the graph's title.
  out << in << "label=<" << label << ">;\n"
      << in << "style=\"rounded" << (c.kind == GraphCluster::Kind::branch ? ",dashed" : "")
      << "\"; color=\"" << color << "\"; penwidth=" << pen << "; fontsize=11; margin=12;\n";
  for (const GraphNode* n : index.nodes_in(c.id)) {
    write_node(out, g, *n, in);
  }
  for (const GraphCluster* child : index.clusters_in(c.id)) {
    write_cluster(out, g, *child, index, in);
  }
  out << indent << "}\n";
}

}  // namespace

std::string to_dot(const Graph& g) {
  std::ostringstream out;
  std::string title = g.name;
  if (g.has_execution && !g.execution_status.empty()) {
    title += " — " + g.execution_status;
  }
  out << "digraph \"flow\" {\n"
      << "  graph [rankdir=TB, newrank=true, nodesep=0.4, ranksep=0.45, pad=0.25, fontname=\""
      << k_font << "\", fontsize=16, labelloc=t, label=<<b>" << html(title) << "</b>>];\n"
      << "  node [fontname=\"" << k_font
      << "\", fontsize=11, fontcolor=\"#263238\", margin=\"0.15,0.06\"];\n"
      << "  edge [fontname=\"" << k_font << "\", fontsize=9, arrowsize=0.7];\n";
  const ClusterIndex index(g);
  for (const GraphNode* n : index.nodes_in("")) {
    write_node(out, g, *n, "  ");
  }
  for (const GraphCluster* c : index.clusters_in("")) {
    write_cluster(out, g, *c, index, "  ");
  }
  for (const auto& e : g.edges) {
    write_edge(out, e);
  }
  out << "}\n";
  return out.str();
}

}  // namespace fstage::flow
