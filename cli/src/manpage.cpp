// SPDX-License-Identifier: Apache-2.0
#include "manpage.hpp"

#include <sstream>

#include <CLI/CLI.hpp>

#include <fstage/base/version.hpp>
#include <fstage/cli/exit_codes.hpp>

#include "environment.hpp"

namespace fstage::cli {

namespace {

// roff escapes: a leading '.' or '\'' starts a request, '\' starts an escape, '-' is a hyphen.
std::string esc(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\') {
      out += "\\e";
    } else if (c == '-') {
      out += "\\-";
    } else {
      out += c;
    }
  }
  if (!out.empty() && (out[0] == '.' || out[0] == '\'')) {
    out = "\\&" + out;
  }
  return out;
}

void options(std::ostringstream& s, const CLI::App& app) {
  for (const auto* opt : app.get_options()) {
    if (opt->get_group().empty()) {
      continue;  // hidden: an old spelling kept for compatibility
    }
    std::string names;
    for (const auto& n : opt->get_snames()) {
      names += (names.empty() ? "" : ", ") + std::string("\\-") + n;
    }
    for (const auto& n : opt->get_lnames()) {
      names += (names.empty() ? "" : ", ") + std::string("\\-\\-") + esc(n);
    }
    if (names.empty()) {
      names = esc(opt->get_name(true));
    }
    std::string type = opt->get_items_expected_max() > 0 ? opt->get_type_name() : "";
    s << ".TP\n.B " << names << (type.empty() ? "" : " \\fI" + esc(type) + "\\fR") << "\n"
      << esc(opt->get_description()) << "\n";
  }
}

void commands(std::ostringstream& s, const CLI::App& app, const std::string& prefix) {
  for (const auto* sub : app.get_subcommands({})) {
    if (sub->get_group().empty()) {
      continue;
    }
    std::string name = prefix.empty() ? sub->get_name() : prefix + " " + sub->get_name();
    s << ".SS \"fstage " << esc(name) << "\"\n" << esc(sub->get_description()) << "\n";
    options(s, *sub);
    commands(s, *sub, name);
  }
}

}  // namespace

std::string man_page(const CLI::App& app) {
  std::ostringstream s;
  s << ".TH FSTAGE 1 \"\" \"fstage " << version() << "\" \"User Commands\"\n"
    << ".SH NAME\nfstage \\- the local toolchain for FunctionGraph functions\n"
    << ".SH SYNOPSIS\n.B fstage\n[\\fIglobal options\\fR] \\fIcommand\\fR [\\fIoptions\\fR]\n"
    << ".SH DESCRIPTION\n"
    << "fstage scaffolds FunctionGraph function projects from templates, packages them into "
       "deterministic zip artifacts, runs them locally in a Linux-namespace sandbox and deploys "
       "them through the FunctionGraph v2 API. The project is described by \\fIfstage.yaml\\fR "
       "at its root.\n"
    << ".PP\nCommand output and \\fB\\-\\-json\\fR go to standard output; diagnostics go to "
       "standard error as \\fBfstage: error:\\fR followed by \\fBhint:\\fR. With "
       "\\fB\\-\\-json\\fR an error is also printed on standard output, as "
       "\\fB{\"error\": {...}, \"exit_code\": N}\\fR.\n"
    << ".PP\nEvery command that reads the manifest takes \\fB\\-f\\fR, \\fB\\-\\-file\\fR "
       "\\fIFILE\\fR; without it the nearest \\fIfstage.yaml\\fR in the working directory or "
       "a parent is used.\n"
    << ".PP\n\\fB\\-q\\fR leaves errors and the command's result (standard output) alone; "
       "by default warnings, progress and summaries are added on standard error; "
       "\\fB\\-v\\fR adds what fstage set up and did (the sandbox's enforcement and limits, "
       "each file written, each deploy step and API call); \\fB\\-vv\\fR adds what that rests "
       "on (the manifest used, each runtime's interpreter, the remote target and the source of "
       "the credentials, how long the command took).\n"
    << ".SH GLOBAL OPTIONS\n";
  options(s, app);
  s << ".SH COMMANDS\n";
  commands(s, app, "");
  s << ".SH EXIT STATUS\n";
  for (const auto& row : exit_code_table()) {
    s << ".TP\n.B " << row.code << "\n"
      << esc(std::string(row.name)) << ": " << esc(std::string(row.meaning)) << "\n";
  }
  s << ".SH ENVIRONMENT\n";
  for (const auto& v : environment_table()) {
    if (!v.set_for_build) {
      s << ".TP\n.B " << esc(std::string(v.name)) << "\n" << esc(std::string(v.meaning)) << "\n";
    }
  }
  s << ".PP\nSet for a function's \\fBbuild:\\fR command:\n";
  for (const auto& v : environment_table()) {
    if (v.set_for_build) {
      s << ".TP\n.B " << esc(std::string(v.name)) << "\n" << esc(std::string(v.meaning)) << "\n";
    }
  }
  s << ".SH FILES\n.TP\n.I fstage.yaml\nThe project manifest.\n"
    << ".TP\n.I .fstageignore\nFiles left out of packages (gitignore syntax).\n"
    << ".TP\n.I ~/.config/fstage/credentials\nNamed credential profiles (mode 0600).\n"
    << ".TP\n.I ~/.cache/fstage/\nInterpreter versions, the sandbox probe's verdict, compiled "
       "shims and build steps; deleting it costs only the next start.\n"
    << ".TP\n.I .fstage/\nIn the project: build trees, packages (\\fIdist/\\fR) and deploy "
       "state.\n"
    << ".SH SEE ALSO\n\\fBfstage help exit\\-codes\\fR, \\fBfstage help environment\\fR, "
       "\\fBfstage completion\\fR\n";
  return s.str();
}

}  // namespace fstage::cli
