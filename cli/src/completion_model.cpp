// SPDX-License-Identifier: Apache-2.0
#include "completion_model.hpp"

#include <algorithm>

#include <CLI/CLI.hpp>

#include <fstage/base/strings.hpp>
#include <fstage/manifest/runtimes.hpp>
#include <fstage/scaffolds/templates.hpp>

namespace fstage::cli {

namespace {

// Regions the public cloud lists for FunctionGraph (JS-SDK FunctionGraphRegion), for
// completion only: any region name is accepted.
const std::vector<std::string>& regions() {
  static const std::vector<std::string> k_regions = {
      "af-north-1",     "af-south-1",     "ap-southeast-1", "ap-southeast-2",   "ap-southeast-3",
      "ap-southeast-4", "ap-southeast-5", "cn-east-2",      "cn-east-3",        "cn-east-4",
      "cn-east-5",      "cn-north-1",     "cn-north-2",     "cn-north-4",       "cn-north-9",
      "cn-south-1",     "cn-south-2",     "cn-southwest-2", "eu-west-0",        "eu-west-101",
      "la-north-2",     "la-south-2",     "me-east-1",      "my-kualalumpur-1", "na-mexico-1",
      "ru-moscow-1",    "ru-northwest-2", "sa-brazil-1",    "tr-west-1"};
  return k_regions;
}

// What `init --runtime` accepts: the runtimes the built-in templates support (their
// template.json lists), by API name and by every alias that resolves to one of them.
std::vector<std::string> runtime_words() {
  std::vector<std::string> supported;
  if (auto all = scaffolds::builtin_templates()) {
    for (const auto& t : *all) {
      supported.insert(supported.end(), t.runtimes.begin(), t.runtimes.end());
    }
  }
  auto accepted = [&supported](const std::string& word) {
    auto rt = manifest::resolve_runtime(word);
    return rt && std::find(supported.begin(), supported.end(), rt->name) != supported.end();
  };
  std::vector<std::string> out;
  for (const auto& r : manifest::all_runtimes()) {
    if (accepted(std::string(r.name))) {
      out.emplace_back(r.name);
    }
  }
  for (const auto& word : manifest::runtime_spellings()) {
    if (accepted(word) && std::find(out.begin(), out.end(), word) == out.end()) {
      out.push_back(word);
    }
  }
  return out;
}

std::vector<std::string> template_words(bool triggers) {
  std::vector<std::string> out;
  auto all = scaffolds::builtin_templates();
  if (!all) {
    return out;
  }
  for (const auto& t : *all) {
    if (!triggers) {
      out.push_back(t.id);
      continue;
    }
    for (const auto& trig : t.triggers) {
      if (std::find(out.begin(), out.end(), trig) == out.end()) {
        out.push_back(trig);
      }
    }
  }
  return out;
}

ValueCompletion words(std::vector<std::string> w) {
  ValueCompletion v;
  v.kind = "words";
  v.words = std::move(w);
  return v;
}

ValueCompletion value_for(const std::string& type_name, const CLI::App& app) {
  ValueCompletion v;
  std::string tag = type_name.substr(0, type_name.find(' '));
  if (auto open = type_name.find('{'); open != std::string::npos) {
    auto close = type_name.find('}', open);
    return words(split(type_name.substr(open + 1, close - open - 1), ','));
  }
  if (tag == "FILE") {
    v.kind = "file";
  } else if (tag == "DIR") {
    v.kind = "dir";
  } else if (tag == "FUNCTION") {
    v.kind = "dynamic";
    v.dynamic = "functions";
  } else if (tag == "FLOW") {
    v.kind = "dynamic";
    v.dynamic = "flows";
  } else if (tag == "RUNTIME") {
    return words(runtime_words());
  } else if (tag == "TEMPLATE") {
    return words(template_words(false));
  } else if (tag == "TRIGGER") {
    return words(template_words(true));
  } else if (tag == "EVENT") {
    return words(scaffolds::event_names());
  } else if (tag == "REGION") {
    return words(regions());
  } else if (tag == "SHELL") {
    return words({"bash", "zsh", "fish"});
  } else if (tag == "TOPIC") {
    std::vector<std::string> topics = {"exit-codes"};
    for (const auto* sub : app.get_parent()->get_subcommands({})) {
      if (!sub->get_group().empty()) {
        topics.push_back(sub->get_name());
      }
    }
    return words(topics);
  }
  return v;
}

void add_options(const CLI::App& app, std::vector<CompletionOption>& out) {
  for (const auto* opt : app.get_options()) {
    if (!opt->nonpositional() || opt->get_group().empty()) {
      continue;  // positionals; hidden options (old spellings kept for compatibility)
    }
    // A subcommand's own -h/--help shadows the inherited one: list each name once.
    bool seen = false;
    for (const auto& l : opt->get_lnames()) {
      for (const auto& prev : out) {
        seen =
            seen || std::find(prev.names.begin(), prev.names.end(), "--" + l) != prev.names.end();
      }
    }
    if (seen) {
      continue;
    }
    CompletionOption o;
    for (const auto& s : opt->get_snames()) {
      o.names.push_back("-" + s);
    }
    for (const auto& l : opt->get_lnames()) {
      o.names.push_back("--" + l);
    }
    o.description = opt->get_description();
    o.takes_value = opt->get_items_expected_max() > 0;
    if (o.takes_value) {
      o.value = value_for(opt->get_type_name(), app);
    }
    out.push_back(std::move(o));
  }
}

CompletionCommand build(const CLI::App& app, const std::string& path,
                        const std::vector<CompletionOption>& inherited) {
  CompletionCommand c;
  c.name = app.get_parent() ? app.get_name() : "";
  c.path = path;
  c.description = app.get_description();
  c.options = inherited;
  add_options(app, c.options);
  for (const auto* opt : app.get_options()) {
    if (!opt->nonpositional()) {
      c.positional = value_for(opt->get_type_name(), app);
      break;
    }
  }
  // Global options (the root's) work after every subcommand: fallthrough.
  std::vector<CompletionOption> globals = inherited;
  if (!app.get_parent()) {
    globals = c.options;
  }
  for (const auto* sub : app.get_subcommands({})) {
    if (sub->get_group().empty()) {
      continue;  // hidden (__complete)
    }
    std::string sub_path = path.empty() ? sub->get_name() : path + " " + sub->get_name();
    c.subcommands.push_back(build(*sub, sub_path, globals));
  }
  std::sort(c.subcommands.begin(), c.subcommands.end(),
            [](const auto& a, const auto& b) { return a.name < b.name; });
  return c;
}

void flatten_into(const CompletionCommand& c, std::vector<const CompletionCommand*>& out) {
  out.push_back(&c);
  for (const auto& s : c.subcommands) {
    flatten_into(s, out);
  }
}

}  // namespace

CompletionCommand completion_model(const CLI::App& app) {
  return build(app, "", {});
}

std::vector<const CompletionCommand*> flatten(const CompletionCommand& root) {
  std::vector<const CompletionCommand*> out;
  flatten_into(root, out);
  return out;
}

std::string sh_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return out + "'";
}

}  // namespace fstage::cli
