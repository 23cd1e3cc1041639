// SPDX-License-Identifier: Apache-2.0
// fstage configure [--profile NAME] [--access-key AK] [--stdin] [--project-id ID] [--region R]
//                  [--endpoint URL] [--iam-endpoint URL] [--ca-bundle FILE]
// fstage configure list [--json]
//
// Writes a profile to <config dir>/credentials (mode 0600). Secrets are never taken from the
// command line (visible in `ps`): the secret key (and a security token) are prompted for without
// echo on a terminal, or read from stdin with --stdin (line 1 access key, line 2 secret key,
// optional line 3 security token).
#include <iostream>
#include <memory>
#include <ostream>
#include <termios.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include <fstage/base/json.hpp>
#include <fstage/base/json_text.hpp>
#include <fstage/base/read.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/cli/app.hpp>
#include <fstage/cli/context.hpp>
#include <fstage/cli/exit_codes.hpp>
#include <fstage/deploy/credentials.hpp>
#include <fstage/deploy/target.hpp>

#include "../src/options.hpp"
#include "commands.hpp"

namespace fstage::cli {

namespace {

struct ConfigureOptions {
  std::string profile = "default";
  std::string access_key;
  std::string project_id;
  std::string region;
  std::string endpoint;
  std::string iam_endpoint;
  std::string ca_bundle;
  bool from_stdin = false;
  bool json = false;
};

// One line from stdin; with echo off when it is a terminal and `secret`.
std::string prompt(const Context& ctx, const std::string& question, bool secret) {
  *ctx.err << question << std::flush;
  termios old{};
  const bool hide = secret && ctx.stdin_tty && ::tcgetattr(0, &old) == 0;
  if (hide) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(0, TCSAFLUSH, &quiet);
  }
  std::string line;
  read_line(std::cin, line);
  if (hide) {
    ::tcsetattr(0, TCSAFLUSH, &old);
    *ctx.err << "\n";
  }
  return std::string(trim(line));
}

Expected<int> run_configure(const Context& ctx, const ConfigureOptions& o) {
  deploy::Profile p;
  p.name = o.profile;
  std::string ak = o.access_key;
  std::string sk;
  std::string token;
  if (o.from_stdin) {
    if (ak.empty()) {
      read_line(std::cin, ak);
    }
    read_line(std::cin, sk);
    read_line(std::cin, token);
  } else if (ctx.stdin_tty) {
    if (ak.empty()) {
      ak = prompt(ctx, "Access key (AK): ", false);
    }
    sk = prompt(ctx, "Secret key (SK): ", true);
  } else {
    return fail(ErrorCode::usage, "no terminal to ask for the secret key",
                "pipe 'AK\\nSK\\n' into 'fstage configure --stdin' (secrets never go on the "
                "command line)");
  }
  ak = std::string(trim(ak));
  sk = std::string(trim(sk));
  token = std::string(trim(token));
  if (ak.empty() || sk.empty()) {
    return fail(ErrorCode::usage, "both the access key and the secret key are needed");
  }
  if (!o.endpoint.empty()) {
    FSTAGE_TRY(deploy::check_endpoint(o.endpoint));
  }
  if (!o.region.empty() && o.endpoint.empty()) {
    FSTAGE_TRY(deploy::region_endpoint(o.region));
  }
  p.values = {{"access_key", ak},
              {"secret_key", sk},
              {"security_token", token},
              {"project_id", o.project_id},
              {"region", o.region},
              {"endpoint", o.endpoint},
              {"iam_endpoint", o.iam_endpoint},
              {"ca_bundle", o.ca_bundle.empty() ? "" : ctx.resolve(o.ca_bundle).string()}};
  const auto file =
      deploy::config_dir_from(deploy::Env(ctx.env.begin(), ctx.env.end())) / "credentials";
  auto r = deploy::write_profile(file, p);
  if (!r) {
    Error e = std::move(r).error();
    deploy::Redactor red;
    red.add(ak);
    red.add(sk);
    red.add(token);
    red.apply(e);
    return fail(std::move(e));
  }
  if (ctx.verbosity >= 0) {
    *ctx.err << "fstage: saved profile " << quote(o.profile) << " to " << file.string()
             << " (mode 0600)\n";
  }
  return k_exit_ok;
}

Expected<int> run_list(const Context& ctx, const ConfigureOptions& o) {
  const auto file =
      deploy::config_dir_from(deploy::Env(ctx.env.begin(), ctx.env.end())) / "credentials";
  auto profiles = FSTAGE_TRY(deploy::read_profiles(file));
  Json out = Json::array();
  for (const auto& p : profiles) {
    auto get = [&p](const char* k) {
      auto it = p.values.find(k);
      return it == p.values.end() ? std::string() : it->second;
    };
    Json j = {{"profile", p.name},
              {"access_key", deploy::mask_secret(get("access_key"))},
              {"security_token", !get("security_token").empty()},
              {"project_id", get("project_id")},
              {"region", get("region")},
              {"endpoint", get("endpoint")}};
    if (!o.json) {
      *ctx.out << p.name << "\taccess_key " << j["access_key"].get<std::string>()
               << (get("region").empty() ? "" : "\tregion " + get("region"))
               << (get("endpoint").empty() ? "" : "\tendpoint " + get("endpoint")) << "\n";
    }
    out.push_back(std::move(j));
  }
  if (o.json) {
    *ctx.out << json_text(out, 2) << "\n";
  }
  return k_exit_ok;
}

}  // namespace

void register_configure(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<ConfigureOptions>();
  auto* cmd = app.add_subcommand("configure", "Store AK/SK credentials in a profile (mode 0600)");
  cmd->add_option("--profile", opts->profile, "Profile name (default 'default')");
  cmd->add_option("--access-key", opts->access_key, "Access key id (the secret key is prompted)");
  cmd->add_flag("--stdin", opts->from_stdin,
                "Read the access key, secret key and optional security token from stdin, one per "
                "line");
  cmd->add_option("--project-id", opts->project_id, "Project id (default: looked up through IAM)");
  cmd->add_option("-r,--region", opts->region, "Default region")->type_name("REGION");
  cmd->add_option("--endpoint", opts->endpoint, "Default API endpoint (other clouds)");
  cmd->add_option("--iam-endpoint", opts->iam_endpoint, "Default IAM endpoint");
  cmd->add_option("--ca-bundle", opts->ca_bundle, "Default CA bundle (PEM)")->type_name("FILE");
  auto* list = cmd->add_subcommand("list", "List the profiles (secrets masked)");
  add_json_flag(list, opts->json, ctx, "JSON on stdout");
  list->callback([&ctx, opts] { ctx.action = [&ctx, opts] { return run_list(ctx, *opts); }; });
  cmd->callback([&ctx, opts, cmd] {
    if (cmd->got_subcommand("list")) {
      return;
    }
    ctx.action = [&ctx, opts] { return run_configure(ctx, *opts); };
  });
}

}  // namespace fstage::cli
