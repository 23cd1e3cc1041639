// SPDX-License-Identifier: Apache-2.0
// `fstage flow graph`: the graph a Definition draws as, and its DOT and Mermaid text.
#include <algorithm>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <fstage/flow/graph.hpp>

using namespace fstage;
using namespace fstage::flow;

namespace {

State op(std::string id, std::vector<std::string> fns, std::string next = "") {
  State s;
  s.id = std::move(id);
  s.type = StateType::operation;
  for (auto& f : fns) {
    Action a;
    a.ref_name = std::move(f);
    s.actions.push_back(std::move(a));
  }
  s.transition = std::move(next);
  return s;
}

OnError on_error(std::string error, std::string transition, std::string retry) {
  OnError e;
  e.error = std::move(error);
  e.transition = std::move(transition);
  e.retry_ref = std::move(retry);
  return e;
}

Condition condition(std::string expression, std::string transition) {
  Condition c;
  c.expression = std::move(expression);
  c.transition = std::move(transition);
  return c;
}

State end_state(std::string id) {
  State s;
  s.id = std::move(id);
  s.type = StateType::end;
  s.end = true;
  return s;
}

// start -> a (f1) -> wait (2s) -> done; a's errors: any error retried 3 times every 2 s, then
// -> undo; Timeout retried alone.
Definition linear() {
  Definition d;
  d.name = "orders";
  d.start = "a";
  FunctionDecl f;
  f.name = "f1";
  f.operation = "urn:fss:r:p:function:default:orders:latest";
  f.local = "orders";
  d.functions.push_back(f);
  Retry r;
  r.name = "thrice";
  r.delay = 2;
  r.max_attempts = 3;
  d.retries.push_back(r);
  State a = op("a", {"f1"}, "wait");
  a.on_errors.push_back(on_error("*", "undo", "thrice"));
  a.on_errors.push_back(on_error("Timeout", "", "thrice"));
  d.states.push_back(a);
  State w;
  w.id = "wait";
  w.type = StateType::sleep;
  w.duration = 86400 + 90;
  w.transition = "done";
  d.states.push_back(w);
  d.states.push_back(op("undo", {"f1"}, "done"));
  d.states.push_back(end_state("done"));
  return d;
}

const GraphEdge* edge(const Graph& g, const std::string& from_path, const std::string& to_path) {
  const GraphNode* from = g.find_state(from_path);
  const GraphNode* to = g.find_state(to_path);
  REQUIRE(from != nullptr);
  REQUIRE(to != nullptr);
  for (const auto& e : g.edges) {
    if (e.from == from->id && e.to == to->id) {
      return &e;
    }
  }
  return nullptr;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    out.push_back(line);
  }
  return out;
}

// The DOT line that declares node `id` ("n3").
std::string dot_node_line(const std::string& dot, const std::string& id) {
  for (const auto& line : lines_of(dot)) {
    if (line.find("\"" + id + "\" [") != std::string::npos) {
      return line;
    }
  }
  return "";
}

Graph graph_of(const Definition& d, const ExecutionStatus* e = nullptr) {
  auto g = build_graph(d, e);
  REQUIRE(g.has_value());
  return *g;
}

}  // namespace

TEST_CASE("flow::build_graph draws a start, each state with its details, and transitions",
          "[flow][graph]") {
  Graph g = graph_of(linear());
  REQUIRE(g.nodes.front().kind == GraphNode::Kind::start);
  const GraphNode* a = g.find_state("a");
  REQUIRE(a != nullptr);
  CHECK(a->kind == GraphNode::Kind::operation);
  CHECK(a->title == "a");
  CHECK(a->type == "Operation");
  CHECK(a->lines == std::vector<std::string>{"ƒ f1 (orders)"});
  const GraphNode* w = g.find_state("wait");
  REQUIRE(w != nullptr);
  CHECK(w->kind == GraphNode::Kind::sleep);
  CHECK(w->lines == std::vector<std::string>{"sleep 1d 1m 30s"});
  CHECK(g.find_state("done")->kind == GraphNode::Kind::end);
  const GraphEdge* first = nullptr;
  for (const auto& e : g.edges) {
    if (e.from == g.nodes.front().id) {
      first = &e;
    }
  }
  REQUIRE(first != nullptr);
  CHECK(first->to == a->id);
  REQUIRE(edge(g, "a", "wait") != nullptr);
  CHECK(edge(g, "a", "wait")->kind == GraphEdge::Kind::transition);
  REQUIRE(edge(g, "wait", "done") != nullptr);
}

TEST_CASE("flow::build_graph labels on_errors edges with the error and the retry",
          "[flow][graph]") {
  Definition d = linear();
  Graph g = graph_of(d);
  const GraphEdge* routed = edge(g, "a", "undo");
  REQUIRE(routed != nullptr);
  CHECK(routed->kind == GraphEdge::Kind::error);
  CHECK(routed->label == "any error\nretry ×3 every 2s");
  const GraphEdge* self = edge(g, "a", "a");  // a retry without a transition loops back
  REQUIRE(self != nullptr);
  CHECK(self->kind == GraphEdge::Kind::error);
  CHECK(self->label == "Timeout\nretry ×3 every 2s");

  const std::string dot = to_dot(g);
  const std::string from = g.find_state("a")->id;
  const std::string to = g.find_state("undo")->id;
  bool dashed = false;
  for (const auto& line : lines_of(dot)) {
    if (line.find("\"" + from + "\" -> \"" + to + "\"") != std::string::npos) {
      dashed = line.find("style=dashed") != std::string::npos &&
               line.find("any error<br/>retry ×3 every 2s") != std::string::npos;
    }
  }
  CHECK(dashed);
  const std::string mermaid = to_mermaid(g);
  CHECK(mermaid.find(from + " -.->|\"any error<br/>retry ×3 every 2s\"| " + to) !=
        std::string::npos);
  CHECK(mermaid.find("linkStyle") != std::string::npos);
}

TEST_CASE("flow::build_graph draws a Switch as a decision with its conditions and default",
          "[flow][graph]") {
  Definition d;
  d.name = "route";
  d.start = "pick";
  State s;
  s.id = "pick";
  s.type = StateType::switch_;
  s.conditions.push_back(condition("$.age >= 20", "adult"));
  s.conditions.push_back(condition("$.name == 'x'", "x"));
  s.default_transition = "other";
  d.states.push_back(s);
  d.states.push_back(end_state("adult"));
  d.states.push_back(end_state("x"));
  d.states.push_back(end_state("other"));
  Graph g = graph_of(d);
  CHECK(g.find_state("pick")->kind == GraphNode::Kind::decision);
  REQUIRE(edge(g, "pick", "adult") != nullptr);
  CHECK(edge(g, "pick", "adult")->label == "$.age >= 20");
  CHECK(edge(g, "pick", "adult")->kind == GraphEdge::Kind::condition);
  CHECK(edge(g, "pick", "other")->kind == GraphEdge::Kind::fallback);
  CHECK(edge(g, "pick", "other")->label == "default");
  const std::string dot = to_dot(g);
  CHECK(dot.find("shape=diamond") != std::string::npos);
  CHECK(dot.find("label=<$.age &gt;= 20>") != std::string::npos);
  CHECK(dot.find("label=<$.name == &apos;x&apos;>") != std::string::npos);
  const std::string mermaid = to_mermaid(g);
  CHECK(mermaid.find("-->|\"$.age #gt;= 20\"|") != std::string::npos);
}

TEST_CASE("flow::build_graph draws a Parallel as a fork, a cluster per branch and a join",
          "[flow][graph]") {
  Definition d;
  d.name = "fan";
  d.start = "par";
  State p;
  p.id = "par";
  p.type = StateType::parallel;
  p.completion = 1;
  p.result_key = "out";
  p.transition = "done";
  Subflow b1;
  b1.start = "a";
  b1.states.push_back(op("a", {"f"}, "b"));
  b1.states.push_back(op("b", {"g"}));
  Subflow b2;
  b2.start = "a";  // the same id in another branch: a node of its own
  b2.states.push_back(op("a", {"h"}));
  p.branches = {b1, b2};
  d.states.push_back(p);
  d.states.push_back(end_state("done"));
  Graph g = graph_of(d);

  REQUIRE(g.clusters.size() == 3);
  CHECK(g.clusters[0].kind == GraphCluster::Kind::parallel);

  CHECK(g.clusters[1].kind == GraphCluster::Kind::branch);
  CHECK(g.clusters[1].parent == g.clusters[0].id);
  CHECK(g.clusters[2].parent == g.clusters[0].id);
  const GraphNode* a0 = g.find_state("par/0/a");
  const GraphNode* a1 = g.find_state("par/1/a");
  REQUIRE(a0 != nullptr);
  REQUIRE(a1 != nullptr);
  CHECK(a0->id != a1->id);
  CHECK(a0->cluster == g.clusters[1].id);
  CHECK(a1->cluster == g.clusters[2].id);
  const GraphNode* fork = g.find_state("par");
  REQUIRE(fork != nullptr);
  CHECK(fork->kind == GraphNode::Kind::fork);
  CHECK(fork->title == "par");
  CHECK(fork->type == "Parallel");
  CHECK(fork->lines == std::vector<std::string>{"waits for first of 2 branches", "results → out"});
  auto has_edge = [&](const std::string& from, const std::string& to) {
    return std::any_of(g.edges.begin(), g.edges.end(),
                       [&](const GraphEdge& e) { return e.from == from && e.to == to; });
  };
  std::string join;
  for (const auto& n : g.nodes) {
    if (n.kind == GraphNode::Kind::join) {
      join = n.id;
    }
  }
  REQUIRE(!join.empty());
  CHECK(has_edge(fork->id, a0->id));
  CHECK(has_edge(fork->id, a1->id));
  CHECK(has_edge(g.find_state("par/0/b")->id, join));  // the branch's last state
  CHECK(has_edge(a1->id, join));
  CHECK(has_edge(join, g.find_state("done")->id));
  CHECK_FALSE(has_edge(a0->id, join));  // a goes on to b

  const std::string dot = to_dot(g);
  CHECK(dot.find("subgraph \"cluster_c0\"") != std::string::npos);
  CHECK(dot.find("subgraph \"cluster_c1\"") != std::string::npos);
  const std::string mermaid = to_mermaid(g);
  CHECK(mermaid.find("subgraph c1 [\"branch 1\"]") != std::string::npos);
}

TEST_CASE("flow::build_graph draws a Foreach around its body with items and concurrency",
          "[flow][graph]") {
  Definition d;
  d.name = "each";
  d.start = "loop";
  State l;
  l.id = "loop";
  l.type = StateType::foreach;
  l.items_path = "$.orders";
  l.iteration_variable = "order";
  l.concurrency = 4;
  l.result_path = "$.done";
  l.transition = "end";
  Subflow body;
  body.start = "one";
  body.states.push_back(op("one", {"ship"}));
  l.iterator = body;
  d.states.push_back(l);
  d.states.push_back(end_state("end"));
  Graph g = graph_of(d);
  REQUIRE(g.clusters.size() == 1);
  CHECK(g.clusters[0].kind == GraphCluster::Kind::foreach);
  const GraphNode* head = g.find_state("loop");
  REQUIRE(head != nullptr);
  CHECK(head->kind == GraphNode::Kind::loop);
  CHECK(head->title == "loop");
  CHECK(head->type == "Foreach");
  CHECK(head->lines == std::vector<std::string>{"for each order in $.orders", "at most 4 at once"});
  const GraphNode* one = g.find_state("loop/*/one");
  REQUIRE(one != nullptr);
  CHECK(one->cluster == g.clusters[0].id);
  // A state called "end" is no Mermaid keyword: nodes are n0, n1...
  const std::string mermaid = to_mermaid(g);
  CHECK(mermaid.find("{{\"<b>loop</b><br/><small>Foreach</small><br/>for each order in "
                     "$.orders<br/>at most 4 at once\"}}") != std::string::npos);
  CHECK(mermaid.find("\n  end\n") != std::string::npos);  // the subgraph's end
  CHECK(mermaid.find("(((\"<b>end</b>") != std::string::npos);
}

TEST_CASE("flow graph escapes hostile state ids in DOT and Mermaid", "[flow][graph]") {
  Definition d;
  d.name = "esc";
  const std::vector<std::string> ids = {"a\"b",    "<x>",        "ünï→✓", "\\N\\l",
                                        "p|q#r;s", "x]}) --> y", "%% c",  "end"};
  d.start = ids[0];
  for (std::size_t i = 0; i < ids.size(); ++i) {
    d.states.push_back(i + 1 < ids.size() ? op(ids[i], {"f&g"}, ids[i + 1]) : end_state(ids[i]));
  }
  Graph g = graph_of(d);
  const std::string dot = to_dot(g);
  // Every line of DOT has its double quotes paired: no label or id broke out of its quotes.
  for (const auto& line : lines_of(dot)) {
    INFO(line);
    CHECK(std::count(line.begin(), line.end(), '"') % 2 == 0);
  }
  CHECK(dot_node_line(dot, g.find_state("a\"b")->id).find("<b>a&quot;b</b>") != std::string::npos);
  CHECK(dot_node_line(dot, g.find_state("<x>")->id).find("<b>&lt;x&gt;</b>") != std::string::npos);
  CHECK(dot.find("<b>ünï→✓</b>") != std::string::npos);
  // Graphviz would expand \N to the node's name: each backslash doubled.
  CHECK(dot.find("<b>\\\\N\\\\l</b>") != std::string::npos);
  CHECK(dot.find("ƒ f&amp;g") != std::string::npos);
  CHECK(dot.find("<x>") == std::string::npos);

  const std::string mermaid = to_mermaid(g);
  // Every node line: an nN id, one quoted label without a raw quote, a class.
  const std::regex node_line(R"(^\s*n\d+[\[\(\{]+"[^"]*"[\]\)\}]+:::\w+$)");
  int nodes = 0;
  for (const auto& line : lines_of(mermaid)) {
    if (std::regex_search(line, std::regex(R"(^\s*n\d+[\[\(\{])"))) {
      INFO(line);
      CHECK(std::regex_match(line, node_line));
      ++nodes;
    }
  }
  CHECK(nodes == static_cast<int>(g.nodes.size()));
  CHECK(mermaid.find("<b>a#quot;b</b>") != std::string::npos);
  CHECK(mermaid.find("<b>#lt;x#gt;</b>") != std::string::npos);
  CHECK(mermaid.find("<b>p#124;q#35;r#59;s</b>") != std::string::npos);
  CHECK(mermaid.find("<b>ünï→✓</b>") != std::string::npos);
}

TEST_CASE("flow::read_execution reads statuses and attempts, and refuses a bad file",
          "[flow][graph]") {
  const std::string good = R"({"workflow_name": "orders", "status": "success",
    "node_execution_details": [
      {"node_id": "a", "executions": [{"status": "fail"}, {"status": "fail"}, {"status": "success"}]},
      {"node_id": "wait", "executions": [{"status": "success"}]},
      {"node_id": "done", "executions": [{"status": "success"}]}]})";
  auto e = read_execution(good, "run.json");
  REQUIRE(e.has_value());
  CHECK(e->workflow_name == "orders");
  CHECK(e->nodes.at("a").status == "success");
  CHECK(e->nodes.at("a").attempts == 3);
  CHECK(describe_run(e->nodes.at("a")) == "success · 3 attempts");

  Graph g = graph_of(linear(), &*e);
  CHECK(g.has_execution);
  CHECK(g.find_state("a")->has_run);
  CHECK_FALSE(g.find_state("undo")->has_run);
  const std::string dot = to_dot(g);
  const std::string a_line = dot_node_line(dot, g.find_state("a")->id);
  CHECK(a_line.find(status_colors("success").fill) != std::string::npos);
  CHECK(a_line.find("success · 3 attempts") != std::string::npos);
  const std::string undo_line = dot_node_line(dot, g.find_state("undo")->id);
  CHECK(undo_line.find("not run") != std::string::npos);
  CHECK(undo_line.find("#ffffff") != std::string::npos);
  CHECK(to_mermaid(g).find(":::st_success") != std::string::npos);

  struct Bad {
    std::string text;
    std::string says;
  };
  const std::vector<Bad> bad = {
      {"[]", "run.json: an execution is a JSON object, not array"},
      {"{\"status\": \"success\"}", "run.json: no node_execution_details"},
      {"{\"node_execution_details\": {}}", "run.json: node_execution_details: expected an array"},
      {"{\"node_execution_details\": [{\"executions\": []}]}",
       "run.json: node_execution_details[0].node_id"},
      {"{\"node_execution_details\": [{\"node_id\": \"a\", \"executions\": [{\"status\": "
       "\"great\"}]}]}",
       "run.json: node_execution_details[0].executions[0].status: expected one of success"},
      {"{\"status\": 3, \"node_execution_details\": []}", "run.json: status: expected one of"},
      {"{nope", "run.json"},
  };
  for (const auto& b : bad) {
    INFO(b.text);
    auto r = read_execution(b.text, "run.json");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().code == ErrorCode::invalid_input);
    CHECK(r.error().message.find(b.says) != std::string::npos);
  }

  ExecutionStatus other;
  other.workflow_name = "payments";
  auto wrong_flow = build_graph(linear(), &other);
  REQUIRE_FALSE(wrong_flow.has_value());
  CHECK(wrong_flow.error().message == "the execution is of flow 'payments', not 'orders'");
  ExecutionStatus stranger;
  stranger.nodes["ghost"].status = "success";
  auto unknown = build_graph(linear(), &stranger);
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().message.find("'ghost'") != std::string::npos);
}

TEST_CASE("flow::human_duration writes durations as a person does", "[flow][graph]") {
  CHECK(human_duration(0) == "0s");
  CHECK(human_duration(2) == "2s");
  CHECK(human_duration(90) == "1m 30s");
  CHECK(human_duration(3600) == "1h");
  CHECK(human_duration(86400) == "1d");
  CHECK(human_duration(90061) == "1d 1h 1m 1s");
}

TEST_CASE("flow graph colours branch and iteration states by the paths the engine records",
          "[flow][graph]") {
  Definition d;
  d.name = "mix";
  d.start = "par";
  State p;
  p.id = "par";
  p.type = StateType::parallel;
  p.transition = "loop";
  Subflow b1;
  b1.start = "a";
  b1.states.push_back(op("a", {"f"}));
  Subflow b2;
  b2.start = "a";
  b2.states.push_back(op("a", {"g"}));
  p.branches = {b1, b2};
  d.states.push_back(p);
  State l;
  l.id = "loop";
  l.type = StateType::foreach;
  l.items_path = "$.items";
  Subflow body;
  body.start = "one";
  body.states.push_back(op("one", {"f"}));
  l.iterator = body;
  d.states.push_back(l);

  // As `fstage flow run --json` writes it: the name among fstage's figures.
  const std::string text = R"({"status": "fail", "fstage": {"workflow_name": "mix"},
    "node_execution_details": [
      {"node_id": "par", "executions": [{"status": "success"}]},
      {"node_id": "par/1/a", "executions": [{"status": "success"}]},
      {"node_id": "loop", "executions": [{"status": "fail"}]},
      {"node_id": "loop/0/one", "executions": [{"status": "success"}]},
      {"node_id": "loop/1/one", "executions": [{"status": "fail"}, {"status": "fail"}]}]})";
  auto e = read_execution(text, "run.json");
  REQUIRE(e.has_value());
  CHECK(e->workflow_name == "mix");
  Graph g = graph_of(d, &*e);
  CHECK_FALSE(g.find_state("par/0/a")->has_run);
  REQUIRE(g.find_state("par/1/a")->has_run);
  CHECK(g.find_state("par/1/a")->run.status == "success");
  const GraphNode* one = g.find_state("loop/*/one");
  REQUIRE(one != nullptr);
  REQUIRE(one->has_run);
  CHECK(one->run.status == "fail");
  CHECK(one->run.iterations == 2);
  CHECK(one->run.attempts == 3);
  CHECK(describe_run(one->run) == "fail · 2 runs, 3 attempts");
  CHECK(g.find_state("loop")->run.status == "fail");

  ExecutionStatus wrong;
  wrong.nodes["loop/x/one"].status = "success";  // not an iteration index
  CHECK_FALSE(build_graph(d, &wrong).has_value());
}
