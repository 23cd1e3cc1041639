// SPDX-License-Identifier: Apache-2.0
// fstage.yaml's `flows:` map: each flow's name and where its v2 definition is (inline, or a
// .json/.yaml file inside the project). The definition itself is read and checked by
// fstage_flow (flow/src/parse.cpp), which knows the model; here only what the manifest owns.
#include <string>

#include <fstage/base/fs.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/manifest/checker.hpp>
#include <fstage/manifest/manifest.hpp>

namespace fstage::manifest {

namespace fs = std::filesystem;

namespace {

// Decodes one UTF-8 code point at `i` (advancing it); -1 for a malformed sequence.
long next_code_point(std::string_view s, std::size_t& i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = byte(i);
  int extra = c < 0x80 ? 0 : (c >> 5) == 0x6 ? 1 : (c >> 4) == 0xE ? 2 : (c >> 3) == 0x1E ? 3 : -1;
  if (extra < 0 || i + static_cast<std::size_t>(extra) >= s.size()) {
    ++i;
    return -1;
  }
  long cp = extra == 0 ? c : c & (0x3F >> extra);
  for (int k = 1; k <= extra; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) {
      ++i;
      return -1;
    }
    cp = (cp << 6) | (byte(i + k) & 0x3F);
  }
  i += static_cast<std::size_t>(extra) + 1;
  return cp;
}

bool has_definition_extension(const fs::path& p) {
  std::string ext = to_lower(p.extension().string());
  return ext == ".json" || ext == ".yaml" || ext == ".yml";
}

constexpr const char* k_flows_expected =
    "a mapping of flow names to {definition: FILE} or an inline v2 definition";

void check_file_source(detail::Checker& c, const detail::YamlNode& value, FlowSource& src) {
  using detail::YamlNode;
  const std::string path = "flows." + src.name;
  for (const auto& e : value.entries) {
    if (e.key->value != "definition") {
      c.error(*e.key, path + ": unknown key " + quote(e.key->value) + " beside 'definition'",
              "only 'definition: FILE' (the definition is in the file), or the definition "
              "inline without 'definition'");
    }
  }
  const YamlNode& def = *value.find("definition")->value;
  auto text = c.text(def, path + ".definition", "a .json or .yaml file inside the project");
  if (!text) {
    return;
  }
  src.file_where = c.where(def);
  fs::path p(*text);
  fs::path norm = p.lexically_normal();
  if (text->empty() || p.is_absolute() || (!norm.empty() && *norm.begin() == "..")) {
    c.error(def, path + ".definition: " + quote(*text) + " is outside the project",
            "a path relative to fstage.yaml, without a leading '..' (e.g. flows/" + src.name +
                ".json)");
    return;
  }
  if (!has_definition_extension(p)) {
    c.error(def, path + ".definition: " + quote(*text) + " is neither JSON nor YAML",
            "a file ending in .json, .yaml or .yml");
    return;
  }
  src.file = norm;
  if (!c.root()) {
    return;  // text only: nothing on disk to look at
  }
  const fs::path full = *c.root() / norm;
  if (!c.exists(full)) {
    c.error(def, path + ".definition: " + quote(*text) + " does not exist",
            "a .json or .yaml file inside the project",
            "create it, or write the definition inline under flows." + src.name);
    return;
  }
  if (c.is_directory(full)) {
    c.error(def, path + ".definition: " + quote(*text) + " is a directory",
            "a .json or .yaml file inside the project");
    return;
  }
  // A symlink may lead out of the project: what deploys must be the project's own file.
  auto real_root = real_path(*c.root());
  auto real_file = real_path(full);
  if (real_root && real_file && !is_within(*real_root, *real_file)) {
    c.error(def, path + ".definition: " + quote(*text) + " leads outside the project",
            "a file inside the project (not a symlink to one elsewhere)");
  }
}

}  // namespace

bool is_valid_flow_name(std::string_view name) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < name.size();) {
    long cp = next_code_point(name, i);
    bool ok = (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') ||
              cp == '_' || cp == '(' || cp == ')' || cp == '.' || cp == '-' ||
              (cp >= 0x4E00 && cp <= 0x9FA5);
    if (!ok) {
      return false;
    }
    ++count;
  }
  return count >= 1 && count <= 64;
}

namespace detail {

void check_flows(Checker& c, const YamlNode& flows, Manifest& m) {
  if (flows.is_null()) {
    return;  // `flows:` with nothing under it: no flows
  }
  if (!c.expect_map(flows, "flows", k_flows_expected)) {
    return;
  }
  for (const auto& e : flows.entries) {
    FlowSource src;
    src.name = e.key->value;
    src.where = c.where(*e.key);
    if (!is_valid_flow_name(src.name)) {
      c.error(*e.key, "flows: " + quote(src.name) + " is not a valid flow name",
              std::string(k_flow_name_rule));
      continue;
    }
    const YamlNode& value = *e.value;
    if (!value.is_map()) {
      c.error(value, "flows." + src.name + ": found " + describe(value), k_flows_expected);
      continue;
    }
    if (value.find("definition")) {
      check_file_source(c, value, src);
    } else {
      src.node = e.value;
    }
    m.flows.push_back(std::move(src));
  }
}

}  // namespace detail

}  // namespace fstage::manifest
