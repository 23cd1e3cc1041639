// SPDX-License-Identifier: Apache-2.0
// ${env:VAR}, ${file:path}, ${param:name} and ${stage} in manifest values.
#include <unordered_map>

#include <fstage/base/read.hpp>
#include <fstage/base/strings.hpp>

#include "resolve.hpp"

namespace fstage::manifest::detail {

namespace {

namespace fs = std::filesystem;

const char* const k_forms =
    "${env:VAR}, ${file:path}, ${param:name} or ${stage} (a default "
    "after a comma: ${env:VAR, value}; $${ for a literal ${)";

// A ${file:} is a secret or a certificate, not a payload: a manifest holds 4 MB at most.
constexpr std::size_t k_max_variable_file = std::size_t{1} << 20;

struct Lookup {
  std::optional<std::string> value;
  bool secret = false;
  std::string problem;  // why there is no value
  std::string hint;
};

Lookup lookup_env(const std::string& name, const VariableSources& src) {
  Lookup l;
  if (src.getenv) {
    l.value = src.getenv(name);
  }
  if (!l.value) {
    if (auto it = src.dotenv.find(name); it != src.dotenv.end()) {
      l.value = it->second;
    }
  }
  l.secret = l.value.has_value();
  l.problem = name + " is not set";
  l.hint = "set " + name + " in the environment, " + src.dotenv_names;
  return l;
}

Lookup lookup_file(const std::string& name, const VariableSources& src) {
  Lookup l;
  fs::path p(name);
  if (p.is_relative() && src.root) {
    p = *src.root / p;
  }
  auto text = read_file(p, ReadLimit{k_max_variable_file, "a ${file:} value is at most 1 MB"});
  if (!text) {
    l.problem = name + ": " + text.error().message;
    l.hint = text.error().code == ErrorCode::not_found
                 ? "create " + name +
                       " (relative to the project root) or give a default: "
                       "${file:" +
                       name + ", value}"
                 : text.error().hint;
    return l;
  }
  std::string v = std::move(*text);
  while (!v.empty() && (v.back() == '\n' || v.back() == '\r')) {
    v.pop_back();
  }
  l.value = std::move(v);
  l.secret = true;
  return l;
}

Lookup lookup_param(const std::string& name, const VariableSources& src) {
  Lookup l;
  if (!src.params_known) {
    l.problem = "a parameter cannot use ${param:}";
    l.hint = "write the value, or use ${env:VAR} there";
    return l;
  }
  if (auto it = src.params.find(name); it != src.params.end()) {
    l.value = it->second;
    l.secret = true;
    return l;
  }
  l.problem = "no parameter " + quote(name);
  l.hint =
      "pass --param " + name + "=VALUE, or set it under params: (or " + src.stage_params_path + ")";
  return l;
}

}  // namespace

std::optional<std::string> expand_variables(Checker& c, const YamlNode& at, std::string_view path,
                                            std::string_view text, const VariableSources& src,
                                            std::vector<std::string>& secrets, bool& secret) {
  std::string out;
  bool ok = true;
  std::size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 3, "$${") == 0) {
      out += "${";
      i += 3;
      continue;
    }
    if (text.compare(i, 2, "${") != 0) {
      out += text[i++];
      continue;
    }
    const std::size_t close = text.find('}', i + 2);
    if (close == text.npos) {
      c.error(at, std::string(path) + ": '${' without a closing '}'", k_forms);
      return std::nullopt;
    }
    const std::string_view inner = text.substr(i + 2, close - i - 2);
    const std::string whole(text.substr(i, close - i + 1));
    i = close + 1;
    std::string_view spec = inner;
    std::optional<std::string> fallback;
    if (auto comma = inner.find(','); comma != inner.npos) {
      spec = inner.substr(0, comma);
      fallback = std::string(trim(inner.substr(comma + 1)));
    }
    spec = trim(spec);
    if (spec == "stage") {
      out += src.stage;
      continue;
    }
    const auto colon = spec.find(':');
    const std::string kind(colon == spec.npos ? spec : spec.substr(0, colon));
    const std::string name(colon == spec.npos ? "" : trim(spec.substr(colon + 1)));
    Lookup l;
    if (name.empty() && (kind == "env" || kind == "file" || kind == "param")) {
      c.error(at, std::string(path) + ": " + whole + " names nothing", k_forms);
      ok = false;
      continue;
    }
    if (kind == "env") {
      l = lookup_env(name, src);
    } else if (kind == "file") {
      l = lookup_file(name, src);
    } else if (kind == "param") {
      l = lookup_param(name, src);
    } else {
      c.error(at, std::string(path) + ": unknown variable " + quote(whole), k_forms);
      ok = false;
      continue;
    }
    if (l.value) {
      if (l.secret && !l.value->empty()) {
        secret = true;
        secrets.push_back(*l.value);
      }
      out += *l.value;
    } else if (fallback) {
      out += *fallback;
    } else if (src.lenient) {
      c.warning(at, std::string(path) + ": " + whole + ": " + l.problem, "", l.hint);
    } else {
      c.error(at, std::string(path) + ": " + whole + ": " + l.problem, "", l.hint);
      ok = false;
    }
  }
  if (!ok) {
    return std::nullopt;
  }
  return out;
}

namespace {

class Substituter {
 public:
  Substituter(Checker& c, const VariableSources& src, std::vector<std::string>& secrets)
      : m_c(c), m_src(src), m_secrets(secrets) {}

  // Aliases share nodes: each is substituted once (a "billion laughs" document stays linear).
  NodePtr walk(const NodePtr& n, const std::string& path) {
    if (!n) {
      return n;
    }
    if (auto it = m_done.find(n.get()); it != m_done.end()) {
      return it->second;
    }
    NodePtr result = n;
    if (n->is_scalar() && n->value.find("${") != std::string::npos) {
      bool secret = false;
      auto v = expand_variables(m_c, *n, path, n->value, m_src, m_secrets, secret);
      auto copy = std::make_shared<YamlNode>(*n);
      copy->value = v.value_or(n->value);
      copy->content_column = 0;  // offsets into the written text no longer map
      copy->secret = secret;
      copy->expanded_bytes = copy->value.size();
      result = copy;
    } else if (n->is_map()) {
      std::shared_ptr<YamlNode> copy;
      for (std::size_t i = 0; i < n->entries.size(); ++i) {
        const auto& e = n->entries[i];
        NodePtr v = walk(e.value, join_path(path, e.key->value));
        if (v != e.value) {
          if (!copy) {
            copy = std::make_shared<YamlNode>(*n);
          }
          copy->entries[i].value = v;
        }
      }
      if (copy) {
        result = copy;
      }
    } else if (n->is_sequence()) {
      std::shared_ptr<YamlNode> copy;
      for (std::size_t i = 0; i < n->items.size(); ++i) {
        NodePtr v = walk(n->items[i], path + "[" + std::to_string(i) + "]");
        if (v != n->items[i]) {
          if (!copy) {
            copy = std::make_shared<YamlNode>(*n);
          }
          copy->items[i] = v;
        }
      }
      if (copy) {
        result = copy;
      }
    }
    m_done.emplace(n.get(), result);
    return result;
  }

 private:
  Checker& m_c;
  const VariableSources& m_src;
  std::vector<std::string>& m_secrets;
  std::unordered_map<const YamlNode*, NodePtr> m_done;
};

}  // namespace

NodePtr substitute_tree(Checker& c, const NodePtr& root, const VariableSources& src,
                        std::vector<std::string>& secrets) {
  Substituter s(c, src, secrets);
  return s.walk(root, "");
}

}  // namespace fstage::manifest::detail
