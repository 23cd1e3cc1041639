// SPDX-License-Identifier: Apache-2.0
#include <chrono>
#include <cstdio>
#include <exception>
#include <ostream>

#include <CLI/CLI.hpp>

#include <fstage/base/interrupt.hpp>
#include <fstage/base/json.hpp>
#include <fstage/base/json_text.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/base/version.hpp>
#include <fstage/cli/app.hpp>
#include <fstage/cli/exit_codes.hpp>

#include "../commands/commands.hpp"

namespace fstage::cli {

namespace {

// Each command and the function that registers it (register_completion adds the hidden
// __complete as well).
struct Command {
  std::string_view name;
  void (*add)(CLI::App&, Context&);
};
constexpr Command k_commands[] = {
    {"init", register_init},
    {"templates", register_templates},
    {"validate", register_validate},
    {"print", register_print},
    {"help", register_help},
    {"completion", register_completion},
    {"__complete", register_completion},
    {"build", register_build},
    {"package", register_package},
    {"deploy", register_deploy},
    {"remote", register_remote},
    {"rollback", register_rollback},
    {"remove", register_remove},
    {"configure", register_configure},
    {"invoke", register_invoke},
    {"event", register_event},
    {"doctor", register_doctor},
    {"serve", register_serve},
    {"logs", register_logs},
    {"emit", register_emit},
    {"flow", register_flow},
    {"debug-config", register_debug_config},
};

}  // namespace

std::string_view named_command(const std::vector<std::string>& args) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--") {
      break;
    }
    if (a == "--color" || a == "--stage" || a == "--param") {
      ++i;  // its value
    } else if (!a.starts_with("-")) {
      return a;
    }
  }
  return {};
}

std::unique_ptr<CLI::App> make_app(Context& ctx, std::string_view only) {
  auto app = std::make_unique<CLI::App>("fstage: the local toolchain for FunctionGraph functions",
                                        "fstage");
  app->set_version_flag("-V,--version", std::string("fstage ") + std::string(version()) +
                                            " (commit " + std::string(commit()) + ")");
  app->require_subcommand(0, 1);
  app->allow_extras();
  app->fallthrough();
  // The levels are written down at Context::verbosity.
  app->add_flag_callback(
      "-q,--quiet", [&ctx] { ctx.verbosity = -1; },
      "Only errors on stderr (the command's result still goes to stdout)");
  app->add_flag_function(
      "-v,--verbose", [&ctx](std::int64_t n) { ctx.verbosity = static_cast<int>(n); },
      "More on stderr: -v what fstage set up and did, -vv also what that rests on and timings");
  app->add_option_function<std::string>(
         "--color",
         [&ctx](const std::string& v) {
           ctx.color = v == "always"  ? ColorMode::always
                       : v == "never" ? ColorMode::never
                                      : ColorMode::auto_;
         },
         "Colour diagnostics: auto, always or never (NO_COLOR is honoured)")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  // Global: every command that reads the manifest resolves it for this stage.
  app->add_option("--stage", ctx.stage,
                  "The stage the manifest is resolved for: its stages.NAME overrides, "
                  ".env.NAME, function names on the platform (default: FSTAGE_STAGE, else dev)")
      ->type_name("NAME");
  app->add_option("--param", ctx.params,
                  "A value for ${param:KEY} in the manifest, over params: (repeatable)")
      ->type_name("KEY=VALUE")
      ->allow_extra_args(false);

  // Building every command's options is most of what fstage does before a command starts
  // (about a millisecond here): a command line that names one builds that one alone. Anything
  // else (no command, a typo to suggest a fix for) gets the whole tree.
  const Command* one = nullptr;
  for (const auto& c : k_commands) {
    if (!only.empty() && c.name == only) {
      one = &c;
    }
  }
  if (one != nullptr) {
    one->add(*app, ctx);
  } else {
    void (*last)(CLI::App&, Context&) = nullptr;
    for (const auto& c : k_commands) {
      if (c.add != last) {  // register_completion once for its two names
        c.add(*app, ctx);
      }
      last = c.add;
    }
  }
  for (auto* sub : app->get_subcommands({})) {
    sub->allow_extras();
  }
  return app;
}

void render_error(const Error& e, const Context& ctx) {
  const bool color = ctx.use_color();
  const char* red = color ? "\033[1;31m" : "";
  const char* cyan = color ? "\033[1;36m" : "";
  const char* reset = color ? "\033[0m" : "";
  std::ostream& err = *ctx.err;
  if (e.code == ErrorCode::interrupted) {
    // Not a mistake to explain: one line, and what was left as it was or removed.
    err << "fstage: " << e.message << "\n";
    for (const auto& d : e.details) {
      err << "  " << d << "\n";
    }
    return;
  }
  err << "fstage: " << red << "error:" << reset << " " << e.message << "\n";
  for (const auto& d : e.details) {
    err << "  " << d << "\n";
  }
  for (const auto& c : e.context) {
    err << "  caused by: " << c << "\n";
  }
  if (!e.hint.empty()) {
    err << cyan << "hint:" << reset << " " << e.hint << "\n";
  }
}

void warn(const Context& ctx, const std::string& message) {
  if (ctx.verbosity < 0) {
    return;
  }
  const bool color = ctx.use_color();
  *ctx.err << "fstage: " << (color ? "\033[1;33m" : "") << "warning:" << (color ? "\033[0m" : "")
           << " " << message << "\n";
}

// What the same thing is called in another command: invoke's event is a flow's input.
constexpr std::pair<std::string_view, std::string_view> k_named_elsewhere[] = {
    {"-e", "-i"}, {"--event", "--input"}, {"-i", "-e"}, {"--input", "--event"}};

static std::string suggestion_for(const std::string& word, const std::vector<std::string>& names,
                                  bool option) {
  const auto has = [&](std::string_view n) {
    return std::find(names.begin(), names.end(), n) != names.end();
  };
  if (option) {
    for (const auto& [given, here] : k_named_elsewhere) {
      if (word == given && has(here)) {
        return "; did you mean '" + std::string(here) + "'?";
      }
    }
    if (word.size() == 2 && word[1] != '-') {
      // One letter: every other letter is one edit away, so spelling says nothing; only a
      // difference of case does (-F for -f).
      for (const auto& n : names) {
        if (n.size() == 2 && to_lower(n) == to_lower(word)) {
          return "; did you mean '" + n + "'?";
        }
      }
      return {};
    }
  }
  return did_you_mean(word, names);
}

// Arguments no option or subcommand took: a typo of a subcommand or a flag. Suggest the
// closest name, as ninja's ChooseTool does.
static Error unexpected_argument(const CLI::App& where, const std::string& arg) {
  std::vector<std::string> names;
  std::string what = "argument";
  std::string word = arg;
  if (arg.starts_with("-")) {
    what = "option";
    word = arg.substr(0, arg.find('='));
    for (const CLI::App* a = &where; a != nullptr; a = a->get_parent()) {
      for (const auto* opt : a->get_options()) {
        for (const auto& l : opt->get_lnames()) {
          names.push_back("--" + l);
        }
        for (const auto& s : opt->get_snames()) {
          names.push_back("-" + s);
        }
      }
    }
  } else {
    for (const auto* sub : where.get_subcommands({})) {
      names.push_back(sub->get_name());
    }
    if (!names.empty() && where.get_parent() == nullptr) {
      what = "command";
    }
  }
  std::string cmd;  // the whole path: "fstage flow run"
  for (const CLI::App* a = &where; a->get_parent() != nullptr; a = a->get_parent()) {
    cmd = " " + a->get_name() + cmd;
  }
  cmd = "fstage" + cmd;
  const std::string suggestion = suggestion_for(word, names, what == "option");
  Error e(ErrorCode::usage, "unknown " + what + " " + quote(word) + suggestion);
  e.hint = "run '" + cmd + " --help' for the list";
  if (word == "-f" && where.get_option_no_throw("--force") != nullptr) {
    e.hint = "write --force: -f is --file, the manifest, in every command that reads one";
  }
  return e;
}

static const CLI::App* deepest_parsed(const CLI::App& app) {
  for (const auto* sub : app.get_subcommands()) {
    return deepest_parsed(*sub);
  }
  return &app;
}

// {"error": {"code", "message", "details", "context", "hint", "errno"}, "exit_code"}: what a
// command given --json prints on stdout when it fails, after whatever JSON it printed before.
static std::string error_json(const Error& e) {
  OrderedJson err = OrderedJson::object();
  err["code"] = std::string(to_string(e.code));
  err["message"] = e.message;
  err["details"] = e.details;
  err["context"] = e.context;
  err["hint"] = e.hint;
  if (e.sys_errno != 0) {
    err["errno"] = e.sys_errno;
  }
  OrderedJson j = OrderedJson::object();
  j["error"] = err;
  j["exit_code"] = exit_code_for(e.code);
  return json_text(j, 2);
}

// The one way a failed command ends: rendered on stderr, and as JSON on stdout under --json.
static int report(const Error& e, const Context& ctx) {
  render_error(e, ctx);
  if (ctx.json) {
    *ctx.out << error_json(e) << "\n";
    ctx.out->flush();
  }
  return exit_code_for(e.code);
}

// `--json` among the arguments (before a `--`).
static bool asks_for_json(const std::vector<std::string>& args) {
  for (const auto& a : args) {
    if (a == "--") {
      return false;
    }
    if (a == "--json") {
      return true;
    }
  }
  return false;
}

static int run_command(const std::vector<std::string>& args, Context& ctx) {
  try {
    std::shared_ptr<CLI::App> app = make_app(ctx, named_command(args));
    ctx.keep.push_back(app);
    std::vector<std::string> reversed(args.rbegin(), args.rend());
    try {
      app->parse(reversed);
    } catch (const CLI::CallForHelp&) {
      *ctx.out << app->help();
      return k_exit_ok;
    } catch (const CLI::CallForAllHelp&) {
      *ctx.out << app->help("", CLI::AppFormatMode::All);
      return k_exit_ok;
    } catch (const CLI::CallForVersion&) {
      *ctx.out << app->version() << "\n";
      return k_exit_ok;
    } catch (const CLI::ParseError& pe) {
      Error e(ErrorCode::usage, pe.what());
      // The help of the command that was being parsed (`fstage emit obs put --help`), not the
      // root's: that is where the missing argument or the bad value is described.
      std::string cmd;
      for (const CLI::App* a = deepest_parsed(*app); a != nullptr; a = a->get_parent()) {
        cmd = a->get_parent() ? " " + a->get_name() + cmd : "fstage" + cmd;
      }
      e.hint = "run '" + cmd + " --help' for usage";
      // --json may not have been reached: a script that asked for JSON still gets its error as
      // JSON on stdout.
      ctx.json = ctx.json || asks_for_json(args);
      return report(e, ctx);
    }
    if (app->count("--quiet") > 0 && app->count("--verbose") > 0) {
      return report(Error(ErrorCode::usage, "-q and -v contradict each other", "give one of them"),
                    ctx);
    }
    // With fallthrough, a mistyped flag of a subcommand lands in the root's leftovers.
    const CLI::App* where = deepest_parsed(*app);
    auto extras = where->remaining();
    if (extras.empty()) {
      extras = app->remaining();
    }
    if (!extras.empty()) {
      return report(unexpected_argument(*where, extras.front()), ctx);
    }
    if (!ctx.action) {
      *ctx.out << app->help();
      return args.empty() ? k_exit_ok : k_exit_usage;
    }
    auto result = ctx.action();
    if (interrupted() && ctx.ends_on_interrupt) {
      return k_exit_interrupted;
    }
    if (interrupted() && (result || result.error().code != ErrorCode::interrupted)) {
      // A signal the command did not stop for (it came too late, or while the command did
      // nothing it could stop): the outcome is the same, exit 130. An error it caused (a
      // read cut short) is not reported as the cause.
      result = fail(interrupted_error());
    }
    if (!result) {
      return report(result.error(), ctx);
    }
    return *result;
  } catch (const std::exception& ex) {
    Error e(ErrorCode::internal, std::string("internal error: ") + ex.what());
    e.hint = "this is a bug in fstage; please report it with the command you ran";
    return report(e, ctx);
  }
}

int run(const std::vector<std::string>& args, Context& ctx) {
  // Every command handles SIGINT and SIGTERM the same way (fstage/base/interrupt.hpp).
  InterruptScope interrupts;
  const auto start = std::chrono::steady_clock::now();
  const int code = run_command(args, ctx);
  if (ctx.verbosity >= 2) {
    const std::chrono::duration<double, std::milli> took = std::chrono::steady_clock::now() - start;
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.1f", took.count());
    *ctx.err << "fstage: exit " << code << " after " << ms << " ms\n";
  }
  return code;
}

}  // namespace fstage::cli
