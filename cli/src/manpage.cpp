// SPDX-License-Identifier: Apache-2.0
#include "manpage.hpp"

#include <sstream>

#include <CLI/CLI.hpp>

#include <fstage/base/version.hpp>
#include <fstage/cli/exit_codes.hpp>

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
       "standard error as \\fBfstage: error:\\fR followed by \\fBhint:\\fR.\n"
    << ".SH GLOBAL OPTIONS\n";
  options(s, app);
  s << ".SH COMMANDS\n";
  commands(s, app, "");
  s << ".SH EXIT STATUS\n";
  for (const auto& row : exit_code_table()) {
    s << ".TP\n.B " << row.code << "\n"
      << esc(std::string(row.name)) << ": " << esc(std::string(row.meaning)) << "\n";
  }
  s << ".SH ENVIRONMENT\n"
    << ".TP\n.B NO_COLOR\nDisables colour in diagnostics.\n"
    << ".TP\n.B SOURCE_DATE_EPOCH\nThe timestamp of every entry in packaged zips.\n"
    << ".TP\n.B XDG_CONFIG_HOME\nWhere \\fIfstage/\\fR keeps configuration and credentials "
       "(default \\fI~/.config\\fR).\n"
    << ".TP\n.B HUAWEICLOUD_SDK_AK, HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_SECURITY_TOKEN, "
       "HUAWEICLOUD_SDK_PROJECT_ID\nCredentials and project for deploy and remote commands.\n"
    << ".SH FILES\n.TP\n.I fstage.yaml\nThe project manifest.\n"
    << ".TP\n.I .fstageignore\nFiles left out of packages (gitignore syntax).\n"
    << ".TP\n.I ~/.config/fstage/credentials\nNamed credential profiles (mode 0600).\n"
    << ".SH SEE ALSO\n\\fBfstage help exit\\-codes\\fR, \\fBfstage completion\\fR\n";
  return s.str();
}

}  // namespace fstage::cli
