// SPDX-License-Identifier: Apache-2.0
// `fstage doctor [-f FILE] [--json] [--require-isolation]`: what this host allows. The sandbox
// diagnosis is sandbox::check_host (pure, fixture-tested); this file gathers the real host,
// checks the manifest's runtimes and the deploy credentials, and renders the checklist.
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <ostream>
#include <string>
#include <unistd.h>
#include <vector>

#include <CLI/CLI.hpp>

#include <fstage/base/access.hpp>
#include <fstage/base/json.hpp>
#include <fstage/base/json_text.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/cli/app.hpp>
#include <fstage/cli/context.hpp>
#include <fstage/cli/exit_codes.hpp>
#include <fstage/deploy/credentials.hpp>
#include <fstage/manifest/manifest.hpp>
#include <fstage/sandbox/host_check.hpp>
#include <fstage/sandbox/interpreters.hpp>

#include "../src/options.hpp"
#include "commands.hpp"
#include <sys/stat.h>

namespace fstage::cli {

namespace {

namespace fs = std::filesystem;
namespace sb = fstage::sandbox;
using manifest::Language;
using sb::CheckStatus;
using sb::Finding;

struct DoctorOptions {
  std::string file;
  bool json = false;
  bool require_isolation = false;
};

// A checklist item and the exit code it stands for when it fails.
struct Item {
  Finding f;
  int code = k_exit_ok;
};

struct Section {
  std::string id;
  std::string title;
  std::vector<Item> items;
};

constexpr Language k_languages[] = {Language::python, Language::nodejs, Language::java,
                                    Language::go};

const char* env_var_for(Language lang) {
  switch (lang) {
    case Language::python:
      return "FSTAGE_PYTHON";
    case Language::nodejs:
      return "FSTAGE_NODE";
    case Language::java:
      return "FSTAGE_JAVA";
    default:
      return "FSTAGE_GO";
  }
}

Section sandbox_section(const Context& ctx, const DoctorOptions& o, sb::HostReport& host) {
  auto options = sb::ProbeOptions::from_env(ctx.env);
  const sb::Capabilities& caps = sb::probe(options);
  sb::HostCheckOptions hc;
  std::error_code ec;
  hc.binary = fs::canonical("/proc/self/exe", ec);
  hc.uid = ::geteuid();
  hc.self_pid = ::getpid();
  host = sb::check_host(sb::TrialResults::from(caps, options), hc);
  Section s{"sandbox", "Sandbox", {}};
  for (auto& f : host.findings) {
    s.items.push_back({f, k_exit_ok});
  }
  if (o.require_isolation && !caps.namespaces) {
    s.items.push_back({{"isolation", "isolation", CheckStatus::fail,
                        "required (--require-isolation), but tier " +
                            std::string(sb::to_string(host.tier)) + " has no namespaces",
                        "", "follow the user namespace fix above, or drop --require-isolation"},
                       k_exit_sandbox});
  }
  return s;
}

Item runtime_item(const manifest::RuntimeInfo& rt, const std::vector<std::string>& fns,
                  const manifest::Manifest& m, const Context& ctx, OrderedJson& j) {
  Finding f{"runtime:" + std::string(rt.name),
            std::string(rt.name) + " (" + join(fns, ", ") + ")",
            CheckStatus::ok,
            "",
            "",
            ""};
  j["runtime"] = rt.name;
  j["language"] = manifest::to_string(rt.language);
  j["functions"] = fns;
  if (!rt.local) {
    f.status = CheckStatus::warn;
    f.summary = "fstage cannot run it locally: deploy only";
    return {f, k_exit_ok};
  }
  if (rt.language == Language::custom || rt.language == Language::http) {
    f.summary = "no interpreter needed: the function's own bootstrap runs";
    return {f, k_exit_ok};
  }
  auto in = sb::find_interpreter_for(rt, ctx.env);
  j["found"] = in.has_value();
  if (!in) {
    f.status = CheckStatus::fail;
    f.summary = in.error().message;
    f.fix = in.error().hint;
    if (rt.language == Language::go) {
      // Go functions run their built executable; the toolchain only builds it.
      bool built = std::all_of(m.functions.begin(), m.functions.end(), [&](const auto& fn) {
        return fn.runtime.name != rt.name ||
               ::access((m.root / fn.code / fn.handler).c_str(), X_OK) == 0;
      });
      if (built) {
        f.status = CheckStatus::warn;
        f.detail = "the executables are built, so invoke works, but package cannot rebuild";
      }
    }
    return {f, f.status == CheckStatus::fail ? k_exit_not_found : k_exit_ok};
  }
  j["path"] = in->path.string();
  j["version"] = in->version;
  j["matches"] = sb::version_matches(rt, in->version);
  std::string lang(manifest::to_string(rt.language));
  f.summary = lang + " " + in->version + " at " + in->path.string();
  if (auto e = sb::function_cannot_run(sb::probe(sb::ProbeOptions::from_env(ctx.env)), in->path)) {
    f.status = CheckStatus::fail;
    std::string_view why = e->message;
    f.summary += ": " + std::string(why.substr(why.starts_with("sandbox: ") ? 9 : 0));
    f.fix = e->hint;
    return {f, k_exit_sandbox};
  }
  if (!sb::version_matches(rt, in->version)) {
    // As version_matches compares: Node.js by major version, the others by major.minor.
    std::string want(rt.version);
    if (rt.language == Language::nodejs) {
      want = want.substr(0, want.find('.'));
    }
    f.status = CheckStatus::warn;
    f.summary += ": runs, but " + std::string(rt.name) + " asks for " + lang + " " + want;
    f.fix = std::string("export ") + env_var_for(rt.language) + "=/path/to/" +
            (rt.language == Language::nodejs ? "node" : lang) + want +
            "   # an interpreter of the version the platform runs";
  }
  return {f, k_exit_ok};
}

// The manifest's runtimes against the host's interpreters; the host's alone without a manifest.
Expected<Section> runtime_section(const Context& ctx, const DoctorOptions& o, OrderedJson& j) {
  Section s{"runtimes", "Runtimes", {}};
  fs::path file;
  if (!o.file.empty()) {
    auto given = manifest_path(ctx, o.file);
    if (!given && given.error().code == ErrorCode::not_found) {
      return fail(std::move(given).error().with_hint(
          "run 'fstage doctor' without -f to check the host alone"));
    }
    file = FSTAGE_TRY(std::move(given));
  } else if (auto found = manifest::find_manifest(ctx.cwd)) {
    file = *found;
  } else if (found.error().code != ErrorCode::not_found) {
    return fail(std::move(found).error());  // a directory on the way that may not be read
  }
  j["manifest"] = file.empty() ? OrderedJson() : OrderedJson(file.string());
  j["interpreters"] = OrderedJson::array();
  std::vector<std::string> host;
  for (Language lang : k_languages) {
    auto in = sb::find_interpreter(lang, ctx.env);
    OrderedJson e = {{"language", manifest::to_string(lang)}, {"found", in.has_value()}};
    std::string name(manifest::to_string(lang));
    if (in) {
      e["path"] = in->path.string();
      e["version"] = in->version;
      host.push_back(name + " " + in->version);
    }
    j["interpreters"].push_back(e);
    if (file.empty()) {
      Finding f{"interpreter:" + name, name, in ? CheckStatus::ok : CheckStatus::warn, "", "", ""};
      f.summary = in ? in->version + " at " + in->path.string() : in.error().message;
      f.fix = in ? "" : in.error().hint;
      s.items.push_back({f, k_exit_ok});
    }
  }
  j["runtimes"] = OrderedJson::array();
  if (file.empty()) {
    s.title = "Runtimes (no fstage.yaml here: the host's interpreters)";
    return s;
  }
  s.title = "Runtimes (" + file.string() + ")";
  manifest::Validation v = FSTAGE_TRY(validate_project(ctx, file, ctx.display_path(file)));
  if (v.read_error) {
    return fail(std::move(*v.read_error));
  }
  if (!v.manifest) {
    Error e = manifest::validation_error(v.errors, ctx.display_path(file));
    // The error's own fix (one problem: its hint), then the command that re-checks.
    std::string fix = v.errors.size() == 1 && !e.hint.empty() ? e.hint + "\n" : "";
    s.items.push_back({{"manifest", "manifest", CheckStatus::fail, e.message, join(e.details, "\n"),
                        fix + "fstage validate -f " + file.string()},
                       k_exit_invalid_input});
    return s;
  }
  std::vector<std::pair<manifest::RuntimeInfo, std::vector<std::string>>> wanted;
  for (const auto& fn : v.manifest->functions) {
    auto it = std::find_if(wanted.begin(), wanted.end(),
                           [&](const auto& w) { return w.first.name == fn.runtime.name; });
    if (it == wanted.end()) {
      wanted.push_back({fn.runtime, {}});
      it = std::prev(wanted.end());
    }
    it->second.push_back(fn.name);
  }
  for (const auto& [rt, fns] : wanted) {
    OrderedJson r = OrderedJson::object();
    s.items.push_back(runtime_item(rt, fns, *v.manifest, ctx, r));
    r["status"] = sb::to_string(s.items.back().f.status);
    j["runtimes"].push_back(r);
  }
  Finding access =
      sb::check_project_access(sb::probe(sb::ProbeOptions::from_env(ctx.env)), v.manifest->root);
  s.items.push_back({access, access.status == CheckStatus::fail
                                 ? (::geteuid() == 0 ? k_exit_sandbox : k_exit_failure)
                                 : k_exit_ok});
  s.items.push_back({{"interpreters", "on this host", CheckStatus::ok,
                      host.empty() ? "no interpreters found" : join(host, ", "), "", ""},
                     k_exit_ok});
  return s;
}

// Presence only: values never leave deploy::load_credentials' result.
Section credentials_section(const Context& ctx, OrderedJson& j) {
  Section s{"credentials", "Deploy credentials", {}};
  const fs::path dir = deploy::config_dir_from(ctx.env);
  const fs::path file = dir / "credentials";
  OrderedJson env = OrderedJson::object();
  for (const char* k :
       {"HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_SECURITY_TOKEN",
        "HUAWEICLOUD_SDK_PROJECT_ID", "FSTAGE_AUTH_TOKEN", "FSTAGE_PROFILE"}) {
    env[k] = ctx.getenv(k).value_or("").empty() ? "absent" : "present";
  }
  j["environment"] = env;
  j["file"] = file.string();
  struct stat st {};
  bool exists = ::stat(file.c_str(), &st) == 0;
  j["file_exists"] = exists;
  if (exists) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", st.st_mode & 07777);
    j["file_mode"] = mode;
    auto profiles = deploy::read_profiles(file);
    j["profiles"] = OrderedJson::array();
    if (profiles) {
      for (const auto& p : *profiles) {
        j["profiles"].push_back(p.name);
      }
    }
  }
  auto creds = deploy::load_credentials(ctx.env, dir, "");
  Finding f{"credentials", "credentials", CheckStatus::ok, "", "", ""};
  int code = k_exit_ok;
  j["present"] = creds.has_value();
  if (creds) {
    f.summary = "present (" + creds->source + ")";
    j["source"] = creds->source;
    j["kind"] = creds->token_auth() ? "token" : "aksk";
  } else if (creds.error().message.starts_with("no credentials found")) {
    f.status = CheckStatus::warn;
    f.summary = "none configured: needed only for deploy and remote";
    f.fix = "fstage configure   # or export HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK";
  } else {
    f.status = CheckStatus::fail;
    f.summary = creds.error().message;
    f.fix = creds.error().hint;
    code = exit_code_for(creds.error().code);
  }
  s.items.push_back({f, code});
  return s;
}

// ✓ ! ✗, coloured like the rest of the CLI: --color, NO_COLOR, TERM=dumb, and a TTY on stdout.
bool stdout_color(const Context& ctx) {
  if (ctx.color != ColorMode::auto_) {
    return ctx.color == ColorMode::always;
  }
  return !ctx.getenv("NO_COLOR") && ctx.getenv("TERM").value_or("") != "dumb" && ctx.stdout_tty;
}

std::string mark(CheckStatus st, bool color) {
  const char* sym = st == CheckStatus::ok ? "✓" : st == CheckStatus::warn ? "!" : "✗";
  if (!color) {
    return sym;
  }
  const char* c = st == CheckStatus::ok     ? "\033[32m"
                  : st == CheckStatus::warn ? "\033[33m"
                                            : "\033[31m";
  return std::string(c) + sym + "\033[0m";
}

void print_lines(std::ostream& out, const std::string& text, const std::string& indent) {
  for (const auto& line : split(text, '\n')) {
    out << indent << line << "\n";
  }
}

void print_human(const Context& ctx, const sb::HostReport& host,
                 const std::vector<Section>& sections, int code, int warnings, int problems) {
  std::ostream& out = *ctx.out;
  bool color = stdout_color(ctx);
  out << "Sandbox tier " << sb::to_string(host.tier) << ": " << host.why << "\n";
  for (const auto& s : sections) {
    out << "\n" << (color ? "\033[1m" : "") << s.title << (color ? "\033[0m" : "") << "\n";
    for (const auto& [f, item_code] : s.items) {
      if (ctx.verbosity < 0 && f.status == CheckStatus::ok) {
        continue;
      }
      out << "  " << mark(f.status, color) << " " << f.title << ": " << f.summary << "\n";
      if (!f.detail.empty() && (f.status != CheckStatus::ok || ctx.verbosity > 0)) {
        print_lines(out, f.detail, "      ");
      }
      if (!f.fix.empty()) {
        out << "    fix:\n";
        print_lines(out, f.fix, "      ");
      }
    }
  }
  out << "\n"
      << (problems == 0 ? "ready" : "not ready") << ": " << problems
      << (problems == 1 ? " problem, " : " problems, ") << warnings
      << (warnings == 1 ? " warning" : " warnings") << " (exit " << code << ")\n";
}

OrderedJson finding_json(const Finding& f) {
  return {{"id", f.id},           {"title", f.title},   {"status", sb::to_string(f.status)},
          {"summary", f.summary}, {"detail", f.detail}, {"fix", f.fix}};
}

Expected<int> run_doctor(Context& ctx, const DoctorOptions& o) {
  OrderedJson runtimes = OrderedJson::object();
  OrderedJson creds = OrderedJson::object();
  sb::HostReport host;
  std::vector<Section> sections;
  sections.push_back(sandbox_section(ctx, o, host));
  sections.push_back(FSTAGE_TRY(runtime_section(ctx, o, runtimes)));
  sections.push_back(credentials_section(ctx, creds));
  int code = k_exit_ok;
  int warnings = 0;
  int problems = 0;
  for (const auto& s : sections) {
    for (const auto& [f, item_code] : s.items) {
      warnings += f.status == CheckStatus::warn ? 1 : 0;
      problems += f.status == CheckStatus::fail ? 1 : 0;
      if (f.status == CheckStatus::fail && code == k_exit_ok) {
        code = item_code == k_exit_ok ? k_exit_failure : item_code;
      }
    }
  }
  if (!o.json) {
    print_human(ctx, host, sections, code, warnings, problems);
    return code;
  }
  OrderedJson j = OrderedJson::object();
  j["tier"] = sb::to_string(host.tier);
  j["why"] = host.why;
  j["ready"] = problems == 0;
  j["exit_code"] = code;
  j["uid"] = ::geteuid();
  j["container"] =
      host.container.engine.empty() ? OrderedJson() : OrderedJson(host.container.engine);
  j["cgroup"] = {{"mode", sb::to_string(host.cgroup.mode)}, {"reason", host.cgroup.reason}};
  j["checks"] = OrderedJson::array();
  for (const auto& s : sections) {
    for (const auto& [f, item_code] : s.items) {
      OrderedJson c = finding_json(f);
      c["section"] = s.id;
      j["checks"].push_back(c);
    }
  }
  j["runtimes"] = runtimes;
  j["credentials"] = creds;
  *ctx.out << json_text(j, 2) << "\n";
  return code;
}

}  // namespace

void register_doctor(CLI::App& app, Context& ctx) {
  auto opts = std::make_shared<DoctorOptions>();
  auto* cmd = app.add_subcommand(
      "doctor", "Check what this host allows: sandbox tier, runtimes, credentials");
  add_manifest_option(cmd, opts->file);
  add_json_flag(cmd, opts->json, ctx,
                "Print one JSON object: tier, why, checks (status, summary, fix), runtimes, "
                "credentials");
  cmd->add_flag("--require-isolation", opts->require_isolation,
                "Fail (exit 13) when the sandbox has no namespace isolation");
  cmd->footer(
      "Exit codes: 0 everything the manifest needs is here, 3 invalid manifest, 4 a runtime's\n"
      "interpreter or the -f file is missing, 13 --require-isolation unmet or the sandbox\n"
      "cannot reach the project or run its interpreter, 21 unsafe or half-set credentials.\n"
      "Warnings (!) never change the exit code.");
  cmd->callback([&ctx, opts] { ctx.action = [&ctx, opts] { return run_doctor(ctx, *opts); }; });
}

}  // namespace fstage::cli
