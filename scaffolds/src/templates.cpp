// SPDX-License-Identifier: Apache-2.0
#include <algorithm>

#include <fstage/base/assets.hpp>
#include <fstage/base/json.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/scaffolds/templates.hpp>

namespace fstage::scaffolds {

namespace {

constexpr std::string_view k_prefix = "templates/";
constexpr std::string_view k_events_prefix = "templates/events/";

std::vector<std::string> string_list(const Json& j, const char* key) {
  std::vector<std::string> out;
  if (j.contains(key) && j[key].is_array()) {
    for (const auto& v : j[key]) {
      out.push_back(v.get<std::string>());
    }
  }
  return out;
}

}  // namespace

Expected<TemplateInfo> parse_template_json(std::string_view text, std::string_view origin,
                                           bool builtin) {
  // A broken built-in template.json is a build bug; a git template's is the template's.
  const ErrorCode code = builtin ? ErrorCode::internal : ErrorCode::invalid_input;
  const std::string hint = builtin ? "" : "templates/README.md describes template.json";
  auto j = parse_json(text, origin);
  if (!j) {
    Error e = std::move(j).error();
    e.code = code;
    e.hint = hint;
    return fail(std::move(e));
  }
  try {
    TemplateInfo t;
    t.id = builtin ? j->at("id").get<std::string>() : j->value("id", "");
    t.language = builtin ? j->at("language").get<std::string>() : j->value("language", "");
    t.description = j->value("description", "");
    t.runtimes = string_list(*j, "runtimes");
    t.handler = j->at("handler").get<std::string>();
    t.initializer = j->value("initializer", "");
    t.memory = j->value("memory", 128);
    t.timeout = j->value("timeout", 3);
    t.triggers = string_list(*j, "triggers");
    t.executable = string_list(*j, "executable");
    t.sdk = j->value("sdk", "");
    t.functions = string_list(*j, "functions");
    if (t.runtimes.empty()) {
      return fail(code, std::string(origin) + ": no runtimes", hint);
    }
    for (auto& r : t.runtimes) {
      auto rt = manifest::resolve_runtime(r);
      if (!rt) {
        return fail(code, std::string(origin) + ": unknown runtime " + quote(r), hint);
      }
      r = std::string(rt->name);  // aliases to the exact API name
    }
    return t;
  } catch (const nlohmann::json::exception& e) {
    return fail(code, std::string(origin) + ": " + e.what(), hint);
  }
}

std::vector<RenderedFile> layered_files(const std::vector<RenderedFile>& all, const TemplateInfo& t,
                                        const std::string& trigger) {
  std::map<std::string, RenderedFile> files;
  auto collect = [&](const std::string& prefix) {
    for (const auto& f : all) {
      if (f.path.starts_with(prefix) && f.path.size() > prefix.size()) {
        RenderedFile copy = f;
        copy.path = f.path.substr(prefix.size());
        files[copy.path] = std::move(copy);
      }
    }
  };
  collect("base/");
  if (!trigger.empty()) {
    collect("triggers/" + trigger + "/");
  }
  std::vector<RenderedFile> out;
  for (auto& [path, f] : files) {
    if (!f.symlink &&
        std::find(t.executable.begin(), t.executable.end(), path) != t.executable.end()) {
      f.mode = 0755;
    }
    out.push_back(std::move(f));
  }
  return out;
}

Expected<std::vector<TemplateInfo>> builtin_templates() {
  static const Expected<std::vector<TemplateInfo>> k_all =
      []() -> Expected<std::vector<TemplateInfo>> {
    std::vector<TemplateInfo> out;
    for (const Asset* a : assets_under(k_prefix)) {
      // templates/<id>/template.json, exactly one level down.
      std::string_view rest = a->path.substr(k_prefix.size());
      auto slash = rest.find('/');
      if (slash == std::string_view::npos || rest.substr(slash + 1) != "template.json") {
        continue;
      }
      out.push_back(FSTAGE_TRY(parse_template_json(a->data, a->path, true)));
    }
    std::sort(out.begin(), out.end(),
              [](const TemplateInfo& x, const TemplateInfo& y) { return x.id < y.id; });
    return out;
  }();
  return k_all;
}

Expected<TemplateInfo> find_template(std::string_view id) {
  auto all = FSTAGE_TRY(builtin_templates());
  std::vector<std::string> ids;
  for (const auto& t : all) {
    if (t.id == id) {
      return t;
    }
    ids.push_back(t.id);
  }
  return fail(ErrorCode::not_found, "unknown template " + quote(id) + did_you_mean(id, ids),
              "'fstage templates' lists them: " + join(ids, ", "));
}

Expected<TemplateInfo> template_for_runtime(const manifest::RuntimeInfo& runtime) {
  auto all = FSTAGE_TRY(builtin_templates());
  for (const auto& t : all) {
    // An example project (obs-pipeline) is never a runtime's default: `-r` makes one function.
    if (t.functions.empty() && t.language == manifest::to_string(runtime.language)) {
      return t;
    }
  }
  return fail(ErrorCode::not_found, "no built-in template for runtime " + quote(runtime.name),
              "fstage scaffolds Python, Node.js, Java, Go, Custom and http functions; use a git "
              "template (--template git+URL) for others");
}

std::vector<std::string> event_names() {
  std::vector<std::string> out;
  for (const Asset* a : assets_under(k_events_prefix)) {
    std::string_view name = a->path.substr(k_events_prefix.size());
    if (name.ends_with(".json") && name.find('/') == std::string_view::npos) {
      out.emplace_back(name.substr(0, name.size() - 5));
    }
  }
  return out;
}

Expected<std::string> sample_event(std::string_view trigger) {
  std::string path = std::string(k_events_prefix) + to_lower(trigger) + ".json";
  if (const Asset* a = find_asset(path)) {
    return std::string(a->data);
  }
  auto names = event_names();
  return fail(ErrorCode::not_found,
              "no sample event for " + quote(trigger) + did_you_mean(trigger, names),
              "known events: " + join(names, ", "));
}

std::string render(std::string_view text, const Variables& vars) {
  std::string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    std::size_t open = text.find("{{", i);
    if (open == std::string_view::npos) {
      break;
    }
    std::size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      break;
    }
    std::string_view key = text.substr(open + 2, close - open - 2);
    auto it = vars.find(key);
    out.append(text.substr(i, open - i));
    if (it != vars.end()) {
      out += it->second;
    } else {
      out.append(text.substr(open, close + 2 - open));
    }
    i = close + 2;
  }
  out.append(text.substr(i));
  return out;
}

bool is_binary(std::string_view data) {
  return data.find('\0') != std::string_view::npos || !is_valid_utf8(data);
}

}  // namespace fstage::scaffolds
