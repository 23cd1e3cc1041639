// SPDX-License-Identifier: Apache-2.0
// `fstage logs [FUNCTION] [--follow] [--url URL] [-n N] [--json]`: the log lines of a running
// `fstage serve`, from another terminal. Finds the serve of the project (its
// .fstage/serve.json) unless --url names one; prints its recent lines, and with --follow the
// new ones as they come (server-sent events from /_fstage/events) until Ctrl-C or serve stops.
#include <ctime>
#include <memory>
#include <string>

#include <CLI/CLI.hpp>

#include <fstage/base/interrupt.hpp>
#include <fstage/base/json.hpp>
#include <fstage/base/json_text.hpp>
#include <fstage/cli/context.hpp>
#include <fstage/cli/exit_codes.hpp>
#include <fstage/serve/console.hpp>
#include <fstage/serve/serve_client.hpp>

#include "../src/options.hpp"
#include "commands.hpp"

namespace fstage::cli {

namespace {

struct LogsOptions {
  std::string function;
  std::string manifest;
  std::string url;
  bool follow = false;
  int lines = 20;
  bool json = false;
};

// "2024-01-02T03:04:05.678Z" as serve's text log writes times: local "04:04:05.678".
std::string local_clock(const std::string& iso) {
  std::tm tm{};
  if (iso.size() < 23 ||
      ::strptime(iso.substr(0, 19).c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) {
    return iso;
  }
  std::time_t t = ::timegm(&tm);
  std::tm local{};
  ::localtime_r(&t, &local);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%H:%M:%S", &local);
  return std::string(buf) + iso.substr(19, 4);
}

// One log event as serve's text log shows a function's line, or as JSON.
void print_line(Context& ctx, const OrderedJson& e, bool json) {
  if (json) {
    *ctx.out << json_text(e) << '\n' << std::flush;
    return;
  }
  *ctx.out << local_clock(e.value("time", "")) << " [" << e.value("function", "") << " "
           << e.value("request_id", "") << "] " << e.value("line", e.value("message", "")) << '\n'
           << std::flush;  // at once: a pipe would otherwise hold the line back
}

Expected<serve::ServeAddress> find_serve(Context& ctx, const LogsOptions& o) {
  if (!o.url.empty()) {
    return serve::parse_serve_url(o.url);
  }
  const auto manifest = FSTAGE_TRY(manifest_path(ctx, o.manifest));
  auto file = serve::read_serve_file(manifest.parent_path());
  if (!file) {
    return tl::unexpected(std::move(file).error());
  }
  return serve::parse_serve_url(file->url);
}

Expected<int> run_logs(Context& ctx, const LogsOptions& o) {
  if (o.lines < 0) {
    return fail(ErrorCode::usage, "--lines must be 0 or more");
  }
  for (char c : o.function) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
      return fail(ErrorCode::usage, "'" + o.function + "' is not a function name");
    }
  }
  const serve::ServeAddress at = FSTAGE_TRY(find_serve(ctx, o));
  const std::string filter = o.function.empty() ? "" : "function=" + o.function + "&";
  if (!o.follow) {
    const std::string body = FSTAGE_TRY(
        serve::serve_get(at, "/_fstage/api/logs?" + filter + "limit=" + std::to_string(o.lines),
                         std::chrono::milliseconds(5000)));
    OrderedJson j = FSTAGE_TRY(parse_ordered_json(body, at.url + "/_fstage/api/logs"));
    if (j.contains("lines") && j["lines"].is_array()) {
      for (const auto& e : j["lines"]) {
        print_line(ctx, e, o.json);
      }
    }
    return k_exit_ok;
  }
  bool dropped = false;
  auto followed = serve::serve_follow(
      at, "/_fstage/events?" + filter + "backlog=" + std::to_string(o.lines),
      [&](std::string_view type, std::string_view data) {
        if (type != "log" && type != "dropped") {
          return;
        }
        auto e = parse_ordered_json(data, "event");
        if (!e) {
          return;
        }
        if (type == "dropped") {
          dropped = true;
          *ctx.err << "fstage: warning: " << e->value("message", "events were dropped") << '\n';
          return;
        }
        print_line(ctx, *e, o.json);
      },
      [] { return interrupted(); });
  if (interrupted()) {
    return fail(interrupted_error());
  }
  if (!followed) {
    return tl::unexpected(std::move(followed).error());
  }
  if (ctx.verbosity >= 0) {
    *ctx.err << "fstage: serve at " << at.url << " stopped\n";
  }
  return k_exit_ok;
}

}  // namespace

void register_logs(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<LogsOptions>();
  auto* cmd =
      app.add_subcommand("logs", "Print the log lines of a running `fstage serve`; --follow them");
  cmd->add_option("function", opts->function, "Only this function's lines (default: all)")
      ->type_name("FUNCTION");
  cmd->add_flag("-F,--follow", opts->follow,
                "Keep printing new lines as the functions write them, until Ctrl-C");
  cmd->add_option("-n,--lines", opts->lines, "Recent lines to print first")->capture_default_str();
  cmd->add_option("--url", opts->url,
                  "The serve to read, e.g. http://127.0.0.1:8080 (default: the one running in "
                  "this project, from .fstage/serve.json)")
      ->type_name("URL");
  add_manifest_option(cmd, opts->manifest);
  add_json_flag(cmd, opts->json, ctx,
                "One JSON object per line: time, function, request_id, level, message, line");
  cmd->footer(
      "A running `fstage serve` writes .fstage/serve.json beside the manifest (its address and\n"
      "pid) and removes it when it stops; a file left by a killed serve is recognised as stale.\n"
      "Lines are the functions' output, one event each, as they are written.");
  cmd->callback([&ctx, opts] { ctx.action = [&ctx, opts] { return run_logs(ctx, *opts); }; });
}

}  // namespace fstage::cli
