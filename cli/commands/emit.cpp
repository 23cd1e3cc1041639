// SPDX-License-Identifier: Apache-2.0
// `fstage emit`: fire a running `fstage serve`'s event sources from another terminal.
//   fstage emit obs put BUCKET KEY FILE|-       fstage emit obs delete BUCKET KEY
//   fstage emit smn publish TOPIC MESSAGE [--subject S]
//   fstage emit {kafka,dis,rocketmq} TOPIC [RECORD...|-] [--key K]
// Each is one request to serve's /_fstage/emit/ routes (serve/src/event_routes.cpp); the
// serve is the project's (.fstage/serve.json) unless --url names one.
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include <fstage/base/json.hpp>
#include <fstage/base/json_text.hpp>
#include <fstage/base/percent.hpp>
#include <fstage/base/read.hpp>
#include <fstage/cli/context.hpp>
#include <fstage/cli/exit_codes.hpp>
#include <fstage/serve/console.hpp>
#include <fstage/serve/serve_client.hpp>

#include "../src/options.hpp"
#include "commands.hpp"

namespace fstage::cli {

namespace {

struct EmitOptions {
  std::string source;  // obs, smn, kafka, dis, rocketmq
  std::string action;  // put, delete, publish ("" for streams)
  std::vector<std::string> args;
  std::string subject;
  std::string key;
  std::string url;
  std::string manifest;
  bool json = false;
};

// A path segment as a URL carries it: '/' kept where `keep_slash`.
std::string url_encode(std::string_view s, bool keep_slash) {
  return percent_encode(s, keep_slash ? "/" : "");
}

Expected<serve::ServeAddress> find_serve(Context& ctx, const EmitOptions& o) {
  if (!o.url.empty()) {
    return serve::parse_serve_url(o.url);
  }
  const auto manifest = FSTAGE_TRY(manifest_path(ctx, o.manifest));
  auto file = serve::read_serve_file(manifest.parent_path());
  if (!file) {
    Error e = std::move(file).error();
    if (e.hint.empty()) {
      e.hint = "start `fstage serve` in this project first, or name a running one with --url";
    }
    return tl::unexpected(std::move(e));
  }
  return serve::parse_serve_url(file->url);
}

// serve's answer, or its error as fstage's (429 -> limit, with serve's hint).
Expected<OrderedJson> send(Context& ctx, const EmitOptions& o, const std::string& method,
                           const std::string& target, std::string_view body,
                           const std::string& type) {
  const serve::ServeAddress at = FSTAGE_TRY(find_serve(ctx, o));
  auto answer = FSTAGE_TRY(
      serve::serve_send(at, method, target, body, type, std::chrono::milliseconds(30000)));
  auto j = parse_ordered_json(answer.body, at.url + target);
  if (answer.status == 200 && j && j->is_object()) {
    return *j;
  }
  std::string message = j && j->is_object() ? j->value("error_msg", answer.body) : answer.body;
  std::string hint = j && j->is_object() ? j->value("hint", std::string()) : std::string();
  ErrorCode code = answer.status == 429   ? ErrorCode::limit
                   : answer.status == 400 ? ErrorCode::invalid_input
                   : answer.status == 404 ? ErrorCode::not_found
                                          : ErrorCode::remote;
  if (answer.status == 404 && (!j || !j->is_object())) {
    hint = "is the program at " + at.url + " fstage serve 0.22 or later?";
  }
  return fail(code,
              "fstage serve at " + at.url + " answered " + std::to_string(answer.status) + ": " +
                  message.substr(0, 500),
              hint);
}

std::string functions_text(const OrderedJson& a) {
  std::string out;
  if (a.contains("functions") && a["functions"].is_array()) {
    for (const auto& f : a["functions"]) {
      out += (out.empty() ? "" : ", ") + f.get<std::string>();
    }
  }
  return out;
}

Expected<int> run_emit(Context& ctx, const EmitOptions& o) {
  OrderedJson answer;
  std::string summary;
  if (o.source == "obs") {
    const std::string target = "/_fstage/emit/obs/" + url_encode(o.args.at(0), false) + "/" +
                               url_encode(o.args.at(1), true);
    if (o.action == "put") {
      const std::string& file = o.args.at(2);
      std::string bytes =
          file == "-" ? FSTAGE_TRY(read_stream(std::cin, "<stdin>")) : FSTAGE_TRY(read_file(file));
      answer = FSTAGE_TRY(send(ctx, o, "PUT", target, bytes, "application/octet-stream"));
      summary =
          "put " + o.args[0] + "/" + o.args[1] + " (" + std::to_string(bytes.size()) + " bytes)";
    } else {
      answer = FSTAGE_TRY(send(ctx, o, "DELETE", target, {}, {}));
      summary = "deleted " + o.args[0] + "/" + o.args[1];
    }
    std::string fns;
    for (const auto& d : answer.value("delivered", OrderedJson::array())) {
      fns += (fns.empty() ? "" : ", ") + d.value("function", "") + " (" +
             d.value("request_id", "") + ")";
    }
    if (fns.empty()) {
      fns = functions_text(answer);
    }
    summary += fns.empty() ? ": no OBS trigger fires for it" : ": fires " + fns;
  } else if (o.source == "smn") {
    OrderedJson body;
    body["message"] = o.args.at(1);
    body["subject"] = o.subject;
    answer = FSTAGE_TRY(send(ctx, o, "POST", "/_fstage/emit/smn/" + url_encode(o.args[0], false),
                             json_text(body), "application/json"));
    std::string fns;
    for (const auto& d : answer.value("delivered", OrderedJson::array())) {
      fns += (fns.empty() ? "" : ", ") + d.value("function", "") + " (" +
             d.value("request_id", "") + ")";
    }
    summary = "published to " + o.args[0] +
              (fns.empty() ? ": no SMN trigger listens to it" : ": delivered to " + fns);
  } else {
    OrderedJson records = OrderedJson::array();
    auto add = [&](const std::string& value) {
      if (o.key.empty()) {
        records.push_back(value);
      } else {
        records.push_back({{"key", o.key}, {"value", value}});
      }
    };
    std::vector<std::string> values(o.args.begin() + 1, o.args.end());
    if (values.size() == 1 && values[0] == "-") {
      std::string line;
      values.clear();
      while (read_line(std::cin, line, 1 << 20)) {
        if (!line.empty() && line.back() == '\r') {
          line.pop_back();
        }
        if (!line.empty()) {
          values.push_back(line);
        }
      }
    }
    if (values.empty()) {
      return fail(ErrorCode::usage, "no records to emit",
                  "give them as arguments, or '-' to read one record per line from stdin");
    }
    for (const auto& v : values) {
      add(v);
    }
    answer = FSTAGE_TRY(send(ctx, o, "POST",
                             "/_fstage/emit/" + o.source + "/" + url_encode(o.args.at(0), false),
                             json_text(records), "application/json"));
    std::string parts;
    for (const auto& p : answer.value("partitions", OrderedJson::array())) {
      parts += (parts.empty() ? "" : ", ") + std::string("partition ") +
               std::to_string(p.value("partition", 0)) + " offsets " +
               std::to_string(p.value("first_offset", 0)) + "-" +
               std::to_string(p.value("last_offset", 0));
    }
    std::string fns = functions_text(answer);
    summary = fns.empty()
                  ? "no " + o.source + " trigger reads " + o.args[0] + "; the records were not kept"
                  : "queued " + std::to_string(answer.value("accepted", 0)) + " records on " +
                        o.source + " " + o.args[0] + " (" + parts + ") for " + fns;
  }
  if (o.json) {
    *ctx.out << json_text(answer) << '\n';
  } else {
    *ctx.out << summary << '\n';
  }
  return k_exit_ok;
}

void common(CLI::App* cmd, Context& ctx, const std::shared_ptr<EmitOptions>& opts) {
  cmd->add_option("--url", opts->url,
                  "The serve to send to, e.g. http://127.0.0.1:8080 (default: the one running "
                  "in this project, from .fstage/serve.json)")
      ->type_name("URL");
  add_manifest_option(cmd, opts->manifest);
  add_json_flag(cmd, opts->json, ctx, "Print serve's answer as JSON");
  cmd->callback([&ctx, opts, cmd] {
    opts->source =
        cmd->get_parent()->get_name() == "emit" ? cmd->get_name() : cmd->get_parent()->get_name();
    opts->action = opts->source == cmd->get_name() ? "" : cmd->get_name();
    ctx.action = [&ctx, opts] { return run_emit(ctx, *opts); };
  });
}

}  // namespace

void register_emit(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<EmitOptions>();
  auto* emit = app.add_subcommand(
      "emit", "Fire a running `fstage serve`'s OBS, SMN, Kafka, DIS or RocketMQ triggers");
  emit->require_subcommand(1);
  emit->footer(
      "Each command is one request to serve's /_fstage/emit/ routes; scripts may call them\n"
      "directly (README, Event sources). A file written into .fstage/buckets/BUCKET/ by any\n"
      "program fires the bucket's OBS triggers too.");

  auto* obs = emit->add_subcommand("obs", "Write or delete an object in a local bucket");
  obs->require_subcommand(1);
  auto* put =
      obs->add_subcommand("put", "Write FILE (or stdin: -) as BUCKET/KEY: ObjectCreated:Put");
  put->add_option("bucket", opts->args, "BUCKET KEY FILE|-")
      ->expected(3)
      ->required()
      ->type_name("BUCKET KEY FILE");
  common(put, ctx, opts);
  auto* del = obs->add_subcommand("delete", "Delete BUCKET/KEY: ObjectRemoved:Delete");
  del->add_option("bucket", opts->args, "BUCKET KEY")
      ->expected(2)
      ->required()
      ->type_name("BUCKET KEY");
  common(del, ctx, opts);

  auto* smn = emit->add_subcommand("smn", "Publish a message to an SMN topic");
  smn->require_subcommand(1);
  auto* publish =
      smn->add_subcommand("publish", "Publish MESSAGE to TOPIC (its URN or the URN's last part)");
  publish->add_option("topic", opts->args, "TOPIC MESSAGE")
      ->expected(2)
      ->required()
      ->type_name("TOPIC MESSAGE");
  publish->add_option("--subject", opts->subject, "The message's subject")->type_name("TEXT");
  common(publish, ctx, opts);

  const std::pair<const char*, const char*> kinds[] = {
      {"kafka", "a Kafka topic"}, {"dis", "a DIS stream"}, {"rocketmq", "a RocketMQ topic"}};
  for (const auto& [kind, what] : kinds) {
    auto* s = emit->add_subcommand(
        kind, std::string("Queue records on ") + what + "; its triggers read them in batches");
    s->add_option("topic", opts->args, "TOPIC [RECORD...|-] (- = one record per stdin line)")
        ->expected(1, -1)
        ->required()
        ->type_name("TOPIC [RECORD...|-]");
    s->add_option("--key", opts->key, "The records' key: it picks their partition")
        ->type_name("KEY");
    common(s, ctx, opts);
  }
}

}  // namespace fstage::cli
