// SPDX-License-Identifier: Apache-2.0
// The console: its files are embedded byte for byte with ETags and content types, its routes
// answer under /_fstage/ only (GET only; others' pages pass through), and an event stream
// writes the bus's events as server-sent events and ends when serve stops.
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <fstage/base/json.hpp>
#include <fstage/serve/assets.hpp>
#include <fstage/serve/console.hpp>
#include <fstage/serve/flows.hpp>
#include <fstage/serve/log.hpp>

using namespace fstage;
using namespace fstage::serve;
using namespace std::chrono_literals;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

HttpRequestData get(std::string path) {
  HttpRequestData d;
  d.method = "GET";
  if (auto q = path.find('?'); q != std::string::npos) {
    std::string query = path.substr(q + 1);
    path.resize(q);
    auto eq = query.find('=');
    d.query.emplace_back(query.substr(0, eq), query.substr(eq + 1));
  }
  d.path = path;
  return d;
}

std::string header(const HttpResponseData& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) {
      return v;
    }
  }
  return "";
}

struct Fixture {
  std::ostringstream out;
  Logger log{out, false, true};
  EventBus bus;
  FlowService flows{[](const std::string&) { return std::shared_ptr<FunctionPool>(); }, log};
  Console console{bus, flows, [] { return ConsoleView{}; },
                  [] {
                    ConsoleOptions o;
                    o.keepalive = 50ms;
                    return o;
                  }()};
};

}  // namespace

TEST_CASE("The console's files are embedded as they are in serve/console/", "[serve][console]") {
  const std::string dir = std::string(FSTAGE_SOURCE_DIR) + "/serve/console/";
  for (const char* name : {"index.html", "app.js", "style.css"}) {
    const EmbeddedFile* f = find_console_file(name);
    REQUIRE(f != nullptr);
    CHECK(f->data == slurp(dir + name));
    CHECK(f->etag.size() == 18);  // 16 hex digits, quoted
    CHECK(f->etag.front() == '"');
  }
  CHECK(find_console_file("/") == find_console_file("index.html"));
  CHECK(find_console_file("") == find_console_file("index.html"));
  CHECK(find_console_file("nope.js") == nullptr);
  CHECK(find_console_file("index.html")->etag != find_console_file("app.js")->etag);
  CHECK(content_type_for("a/b.html") == "text/html; charset=utf-8");
  CHECK(content_type_for("app.js") == "text/javascript; charset=utf-8");
  CHECK(content_type_for("style.css") == "text/css; charset=utf-8");
  CHECK(content_type_for("x") == "application/octet-stream");
  // No CDN: the page loads nothing from elsewhere.
  for (const auto& f : console_files()) {
    CHECK(f.data.find("http://") == std::string_view::npos);
    CHECK(f.data.find("https://") == std::string_view::npos);
  }
}

TEST_CASE("The console answers its routes under /_fstage/ only", "[serve][console]") {
  Fixture fx;
  auto page = fx.console.answer(get("/_fstage/"));
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(header(*page, "Content-Type") == "text/html; charset=utf-8");
  const std::string etag = header(*page, "ETag");
  CHECK(etag == find_console_file("index.html")->etag);

  HttpRequestData again = get("/_fstage/");
  again.headers.emplace_back("if-none-match", etag);
  auto cached = fx.console.answer(again);
  REQUIRE(cached);
  CHECK(cached->status == 304);
  CHECK(cached->body.empty());

  HttpRequestData post = get("/_fstage/api/functions");
  post.method = "POST";
  CHECK(fx.console.answer(post)->status == 405);

  CHECK_FALSE(fx.console.answer(get("/_fstage/metrics")));  // another part of serve's
  CHECK_FALSE(fx.console.answer(get("/hello")));
  CHECK(fx.console.answer(get("/_fstage/api/nothing"))->status == 404);
  CHECK(fx.console.answer(get("/_fstage/api/flows/none/graph"))->status == 404);
  CHECK(fx.console.answer(get("/_fstage/api/executions/none"))->status == 404);

  auto flows = fx.console.answer(get("/_fstage/api/flows"));
  CHECK(flows->body == "[]");
  auto serve = fx.console.answer(get("/_fstage/api/serve"));
  auto j = parse_ordered_json(serve->body, "serve");
  REQUIRE(j);
  CHECK((*j)["pid"] == static_cast<long>(::getpid()));

  fx.log.attach(&fx.bus);
  fx.log.invocation_started("f", "r1");
  fx.log.function_line("f", "r1", "hello");
  auto logs = parse_ordered_json(fx.console.answer(get("/_fstage/api/logs?function=f"))->body, "l");
  REQUIRE(logs);
  REQUIRE((*logs)["lines"].size() == 1);
  CHECK((*logs)["lines"][0]["message"] == "hello");
  auto inv = parse_ordered_json(fx.console.answer(get("/_fstage/api/invocations"))->body, "i");
  REQUIRE(inv);
  CHECK((*inv)["invocations"][0]["lines"][0]["message"] == "hello");
  fx.log.attach(nullptr);
}

TEST_CASE("An event stream writes the bus's events and ends when serve stops", "[serve][console]") {
  Fixture fx;
  auto r = fx.console.answer(get("/_fstage/events?function=f"));
  REQUIRE(r);
  REQUIRE(r->stream);
  CHECK(header(*r, "Content-Type") == "text/event-stream");
  std::string written;
  HttpWrite write = [&](std::string_view s) {
    written += s;
    return true;
  };
  CHECK(r->stream(write));  // the opening comment, at once
  CHECK(written.starts_with(": fstage serve events\n"));
  written.clear();
  CHECK(r->stream(write));  // nothing yet: a keep-alive comment after the wait
  CHECK(written == ": keepalive\n\n");
  written.clear();
  fx.bus.publish("log", "g", OrderedJson{{"message", "not f"}});
  fx.bus.publish("log", "f", OrderedJson{{"message", "for f"}});
  CHECK(r->stream(write));
  CHECK(written.find("event: log\n") != std::string::npos);
  CHECK(written.find("for f") != std::string::npos);
  CHECK(written.find("not f") == std::string::npos);
  // A client that has gone: the write fails, the stream says so.
  fx.bus.publish("log", "f", OrderedJson{{"message", "x"}});
  CHECK_FALSE(r->stream([](std::string_view) { return false; }));
  fx.console.stop();
  CHECK_FALSE(r->stream(write));  // serve stopping: the body ends
  CHECK(fx.console.answer(get("/_fstage/events"))->status == 503);
}

TEST_CASE("Event streams are bounded: one too many is refused, a closed one frees its slot",
          "[serve][console]") {
  std::ostringstream out;
  Logger log{out, false, true};
  EventBus bus;
  FlowService flows{[](const std::string&) { return std::shared_ptr<FunctionPool>(); }, log};
  ConsoleOptions o;
  o.max_streams = 2;
  Console console{bus, flows, [] { return ConsoleView{}; }, o};
  auto a = console.answer(get("/_fstage/events"));
  auto b = console.answer(get("/_fstage/events"));
  CHECK(a->stream);
  CHECK(b->stream);
  CHECK(console.answer(get("/_fstage/events"))->status == 503);
  a.reset();  // the server dropped the response: the client left
  auto c = console.answer(get("/_fstage/events"));
  CHECK(c->stream);
}
