// SPDX-License-Identifier: Apache-2.0
// The manifest's flows read into Definitions: an inline definition is the manifest's own
// YAML node; a definition file is read (bounded) and parsed by the same YAML parser (JSON is
// YAML's flow style), so its diagnostics point into that file under its own name.
#include <string>

#include <fstage/base/read.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/flow/load.hpp>

#include "load_internal.hpp"

namespace fstage::flow {

namespace fs = std::filesystem;

namespace {

using manifest::detail::Checker;
using manifest::detail::YamlNode;

// The definition at `root`, checked into `out` (errors first in position order).
void check_root(Checker& c, const YamlNode* root, const manifest::Manifest& m,
                const manifest::FlowSource& src, const fs::path& file, FlowSet& out) {
  if (!root && c.error_count() == 0) {
    c.error_at(1, 1, "the flow definition is empty", "a mapping with start and states");
  }
  if (root) {
    if (root->is_null()) {
      c.error(*root, "the flow definition is empty", "a mapping with start and states");
    } else if (c.expect_map(*root, "the flow definition", "a mapping with start and states")) {
      Definition d = detail::parse_definition(c, *root, src.name);
      detail::validate_definition(c, d, &m);
      d.file = file;
      d.where = src.where;
      if (c.error_count() == 0) {
        for (auto& w : detail::unused_declarations(d)) {
          out.warnings.push_back(std::move(w));
        }
        out.flows.push_back(std::move(d));
      }
    }
  }
  for (auto& e : c.take_errors()) {
    out.errors.push_back(std::move(e));
  }
  for (auto& w : c.take_warnings()) {
    out.warnings.push_back(std::move(w));
  }
}

void load_text(const manifest::Manifest& m, const manifest::FlowSource& src, std::string_view text,
               const std::string& origin, const fs::path& file, FlowSet& out) {
  Checker c(origin, m.root);
  manifest::detail::YamlDocument doc = manifest::detail::parse_yaml(text, origin);
  if (!doc.root && doc.errors.size() == 1 && doc.errors[0].message == "the manifest is empty") {
    // The shared parser speaks of the manifest when a file holds no document at all.
    doc.errors.clear();
  }
  c.add_errors(std::move(doc.errors));
  check_root(c, doc.root.get(), m, src, file, out);
}

// How a definition file is named in diagnostics: beside the manifest as the manifest is named
// ("flows/orders.json" for "fstage.yaml", "proj/flows/orders.json" for "proj/fstage.yaml").
std::string display_name(const manifest::FlowSource& src) {
  return (fs::path(src.where.file).parent_path() / src.file).generic_string();
}

}  // namespace

FlowSet load_flow_source(const manifest::Manifest& m, const manifest::FlowSource& src) {
  FlowSet out;
  if (src.node) {
    Checker c(src.where.file, m.root);
    check_root(c, src.node.get(), m, src, m.path, out);
    return out;
  }
  const std::string origin = display_name(src);
  const fs::path file = m.root / src.file;
  auto text = read_file(file, ReadLimit{k_max_definition_bytes,
                                        "a flow definition (at most 100 states and 100 "
                                        "functions) is far smaller",
                                        "is this the flow's definition?"});
  if (!text) {
    out.errors.push_back(manifest::Diagnostic{src.file_where,
                                              "flows." + src.name + ": " + text.error().message,
                                              "a readable .json or .yaml file", text.error().hint});
    return out;
  }
  load_text(m, src, *text, origin, file, out);
  return out;
}

FlowSet load_definition_text(const manifest::Manifest& m, std::string_view name,
                             std::string_view text, std::string_view origin) {
  manifest::FlowSource src;
  src.name = std::string(name);
  src.file = std::string(origin);
  src.where = manifest::Location{std::string(origin), 1, 1};
  FlowSet out;
  load_text(m, src, text, std::string(origin), m.root / src.file, out);
  return out;
}

FlowSet load_flows(const manifest::Manifest& m) {
  FlowSet all;
  for (const auto& src : m.flows) {
    FlowSet one = load_flow_source(m, src);
    for (auto& d : one.flows) {
      all.flows.push_back(std::move(d));
    }
    all.errors.insert(all.errors.end(), one.errors.begin(), one.errors.end());
    all.warnings.insert(all.warnings.end(), one.warnings.begin(), one.warnings.end());
  }
  return all;
}

std::vector<std::string> flow_names(const manifest::Manifest& m) {
  std::vector<std::string> names;
  for (const auto& src : m.flows) {
    names.push_back(src.name);
  }
  return names;
}

Error unknown_flow(const manifest::Manifest& m, std::string_view name) {
  std::vector<std::string> names = flow_names(m);
  std::string message =
      "no flow " + quote(name) + " in " + m.path.filename().string() + did_you_mean(name, names);
  std::string hint = names.empty() ? "add one under 'flows:' in " + m.path.filename().string()
                                   : "flows: " + join(names, ", ");
  return Error(ErrorCode::not_found, std::move(message), std::move(hint));
}

Expected<Definition> load_flow(const manifest::Manifest& m, std::string_view name) {
  for (const auto& src : m.flows) {
    if (src.name != name) {
      continue;
    }
    FlowSet one = load_flow_source(m, src);
    if (!one.errors.empty() || one.flows.empty()) {
      return fail(manifest::validation_error(one.errors, "flow " + quote(name)));
    }
    return std::move(one.flows.front());
  }
  return fail(unknown_flow(m, name));
}

}  // namespace fstage::flow
