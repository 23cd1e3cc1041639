// SPDX-License-Identifier: Apache-2.0
// The console's live side: /_fstage/events streams the EventBus as server-sent events, and
// the flow executions' progress is put on the bus by looking at FlowService (its public API:
// list and show) while anyone listens.
#include <charconv>
#include <map>

#include <fstage/base/json_text.hpp>
#include <fstage/serve/console.hpp>

namespace fstage::serve {

namespace {

HttpResponseData unavailable(const std::string& message) {
  HttpResponseData r;
  r.status = 503;
  r.headers.emplace_back("Content-Type", "application/json");
  r.headers.emplace_back("Retry-After", "1");
  OrderedJson j = OrderedJson::object();
  j["error_code"] = "FSTAGE.503";
  j["error_msg"] = message;
  r.body = json_text(j);
  return r;
}

// One open stream: gives its slot back when the server drops the response, whether the
// body ran (the client left, serve stopped) or never started.
struct Stream {
  std::shared_ptr<Subscription> subscription;
  std::atomic<int>* open = nullptr;
  bool started = false;
  ~Stream() { --*open; }
};

std::string text_of(const OrderedJson& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Each node's status as the console colours it: its last attempt's; a node begun but with no
// attempt ended yet is running while the execution runs (the execution's status after).
std::map<std::string, std::string> node_statuses(const OrderedJson& exec) {
  std::map<std::string, std::string> out;
  const std::string status = text_of(exec, "status");
  auto details = exec.find("node_execution_details");
  if (details == exec.end() || !details->is_array()) {
    return out;
  }
  for (const auto& node : *details) {
    const std::string id = text_of(node, "node_id");
    auto runs = node.find("executions");
    std::string s;
    if (runs != node.end() && runs->is_array() && !runs->empty()) {
      s = text_of(runs->back(), "status");
    }
    out[id] = !s.empty() ? s : status;
  }
  return out;
}

}  // namespace

HttpResponseData Console::events(const HttpRequestData& d) {
  if (m_stopping) {
    return unavailable("fstage serve is stopping");
  }
  if (++m_streams > static_cast<int>(m_options.max_streams)) {
    --m_streams;
    return unavailable("too many open event streams (" + std::to_string(m_options.max_streams) +
                       "): close a console tab or a `fstage logs --follow`");
  }
  auto stream = std::make_shared<Stream>();
  stream->open = &m_streams;
  const std::string backlog_text = query_value(d, "backlog");
  std::size_t backlog = 0;
  std::from_chars(backlog_text.data(), backlog_text.data() + backlog_text.size(), backlog);
  stream->subscription =
      m_bus.subscribe(query_value(d, "function"), std::min<std::size_t>(backlog, 1000));
  if (!stream->subscription) {
    return unavailable("fstage serve is stopping");
  }
  HttpResponseData r;
  r.headers.emplace_back("Content-Type", "text/event-stream");
  r.headers.emplace_back("Cache-Control", "no-store");
  const auto keepalive = m_options.keepalive;
  r.stream = [stream, keepalive](const HttpWrite& write) {
    if (!stream->started) {
      // At once, so that the client knows the stream is open before the first event.
      stream->started = true;
      return write(": fstage serve events\nretry: 1000\n\n");
    }
    auto got = stream->subscription->next(keepalive);
    if (!got) {
      return false;  // the bus closed: serve is stopping, the body ends
    }
    if (got->empty()) {
      // Idle: a comment line, which also finds out that a client has gone (the write fails).
      return write(": keepalive\n\n");
    }
    std::string batch;
    for (const auto& e : *got) {
      batch += sse_frame(*e);
    }
    return write(batch);
  };
  return r;
}

void Console::watch_flows() {
  struct Seen {
    std::string flow;
    std::string status;
    std::map<std::string, std::string> nodes;
  };
  std::map<std::string, Seen> seen;  // execution id -> what the bus was last told
  bool listening = false;
  bool baseline = true;
  // One execution looked at: what changed since `seen` is published (unless this is the
  // baseline, said to no one: a new subscriber reads the executions as they are from the API,
  // and hears what changes after).
  auto look = [&](const std::string& flow, const std::string& id, const std::string& listed,
                  std::map<std::string, Seen>& into) {
    auto before = seen.find(id);
    const bool known = before != seen.end();
    Seen s = known ? before->second : Seen{flow, "", {}};
    if (!listed.empty() && listed != "running" && (baseline || known) &&
        (!known || s.status == listed)) {
      s.status = listed;
      into[id] = std::move(s);
      return;  // ended, and the bus was told (or nobody listened then)
    }
    auto shown = m_flows.show(id);
    if (!shown) {
      return;  // forgotten
    }
    const std::string status = text_of(*shown, "status");
    auto nodes = node_statuses(*shown);
    if (!baseline) {
      OrderedJson base = OrderedJson::object();
      base["flow"] = flow;
      base["execution_id"] = id;
      if (!known) {
        OrderedJson j = base;
        j["status"] = "running";
        m_bus.publish("flow_started", "", std::move(j));
      }
      for (const auto& [node, st] : nodes) {
        auto old = s.nodes.find(node);
        if (old == s.nodes.end() || old->second != st) {
          OrderedJson j = base;
          j["node_id"] = node;
          j["status"] = st;
          m_bus.publish("flow_state", "", std::move(j));
        }
      }
      if (status != "running" && (!known || s.status == "running")) {
        OrderedJson j = base;
        j["status"] = status;
        m_bus.publish("flow_finished", "", std::move(j));
      }
    }
    into[id] = Seen{flow, status, std::move(nodes)};
  };
  // Only while someone listens does it hold a subscription of its own: every request publishes
  // two or three events, and a subscription wakes this thread for each (a context switch
  // apiece, a quarter of the gateway's CPU per request when nobody was listening). That
  // subscription says when something ran (a flow's function, a v2 route): only then, and once
  // a second, is every flow's list read (kept executions come from the store); in between, the
  // running executions alone are looked at.
  while (!m_stopping) {
    if (!m_bus.wait_for_subscriber(std::chrono::seconds(1))) {
      continue;  // nobody listens (or the bus closed: m_stopping is then set)
    }
    auto own = m_bus.subscribe("");
    listening = false;
    auto last_full = std::chrono::steady_clock::time_point{};
    while (own && !m_stopping) {
      auto got = own->next(m_options.flow_poll);
      if (!got) {
        break;  // the bus closed: serve is stopping
      }
      if (m_bus.subscribers() <= 1) {
        break;  // the listeners have gone: let go of the subscription, wait for the next one
      }
      baseline = !listening;
      listening = true;
      bool activity = false;
      for (const auto& e : *got) {
        activity = activity || !e->type.starts_with("flow_");  // not what this thread said
      }
      const auto now = std::chrono::steady_clock::now();
      if (baseline || activity || now - last_full >= std::chrono::seconds(1)) {
        last_full = now;
        std::map<std::string, Seen> found;
        for (const auto& def : m_flows.flows()) {
          for (const auto& brief : m_flows.list(def.name)) {
            look(def.name, text_of(brief, "execution_id"), text_of(brief, "status"), found);
          }
        }
        seen = std::move(found);
      } else {
        std::map<std::string, Seen> found;
        for (const auto& [id, s] : seen) {
          if (s.status == "running") {
            look(s.flow, id, "", found);
          }
        }
        for (auto& [id, s] : found) {
          seen[id] = std::move(s);
        }
      }
    }
    if (!own) {
      break;  // the bus is closed
    }
  }
}

}  // namespace fstage::serve
