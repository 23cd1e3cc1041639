// SPDX-License-Identifier: Apache-2.0
// One entry of `functions:`: the platform's function settings (PLATFORM.md §1.1, §2).
#include <algorithm>
#include <filesystem>
#include <system_error>

#include <fstage/base/strings.hpp>
#include <fstage/manifest/checker.hpp>

namespace fstage::manifest::detail {

namespace {

namespace fs = std::filesystem;

constexpr std::string_view k_function_keys[] = {
    "runtime", "handler", "memory", "timeout", "code", "env", "initializer", "initializer_timeout",
    "description", "include", "exclude", "build", "triggers", "dependencies", "async_invoke",
    "reserved_instances",
    // function_settings.cpp (k_settings_keys)
    "func_vpc", "xrole", "strategy_config", "log_config", "tags", "encrypted_env",
    "pre_stop_handler", "pre_stop_timeout"};

constexpr int k_max_triggers = 10;     // per function version (PLATFORM.md §2.2)
constexpr int k_max_env_chars = 4096;  // names and values together
constexpr int k_old_timeout_cap = 900;

std::size_t utf8_length(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(
      s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

std::string memory_list() {
  std::vector<std::string> v;
  for (int m : memory_sizes()) {
    v.push_back(std::to_string(m));
  }
  return "one of " + join(v, ", ") + " (MB)";
}

void check_runtime(Checker& c, const YamlNode& n, const std::string& path, Function& f,
                   bool& known) {
  auto text = c.text(n, path, "a runtime name such as Python3.10, Node.js18.15 or Java17");
  if (!text) {
    return;
  }
  auto rt = resolve_runtime(trim(*text));
  if (!rt) {
    auto close = closest_match(*text, runtime_spellings());
    c.error(n, path + ": unknown runtime " + quote(*text),
            "an API name (Python3.10, Node.js18.15, Java17, Go1.x, Custom, http, ...) or an alias "
            "(python3.10, nodejs18, java17, go)",
            close ? "did you mean '" + *close + "'?" : "");
    return;
  }
  known = true;
  f.runtime = *rt;
  if (!rt->local) {
    c.warning(n, path + ": runtime '" + std::string(rt->name) + "' cannot run locally", "",
              "fstage can validate, package and deploy it, but not invoke or serve it");
  }
}

void check_handler(Checker& c, const YamlNode& n, const std::string& path, const Function& f,
                   bool known, std::string& out) {
  auto text = c.text(n, path, known ? handler_format(f.runtime) : "a handler string");
  if (!text) {
    return;
  }
  out = *text;
  if (!known) {
    return;
  }
  std::string expected;
  std::string problem = handler_problem(f.runtime, *text, expected);
  if (!problem.empty()) {
    c.error(n, path + ": " + quote(*text) + " " + problem,
            expected + " for " + std::string(f.runtime.name));
  }
}

void check_code(Checker& c, const YamlNode& n, const std::string& path, Function& f) {
  auto text = c.text(n, path, "a directory relative to fstage.yaml");
  if (!text) {
    return;
  }
  fs::path p(*text);
  if (text->empty()) {
    c.error(n, path + ": is empty", "a directory relative to fstage.yaml, e.g. . or src");
    return;
  }
  if (p.is_absolute()) {
    c.error(n, path + ": " + quote(*text) + " is absolute",
            "a directory relative to fstage.yaml, e.g. src/orders");
    return;
  }
  fs::path norm = p.lexically_normal();
  if (!norm.empty() && *norm.begin() == "..") {
    c.error(n, path + ": " + quote(*text) + " leaves the project directory",
            "a directory inside the project (no leading '..')");
    return;
  }
  std::string s = norm.generic_string();
  while (s.size() > 1 && s.back() == '/') {
    s.pop_back();
  }
  f.code = s.empty() ? "." : s;
  if (c.root()) {
    if (!c.is_directory(*c.root() / f.code)) {
      c.error(n, path + ": directory " + quote(f.code) + " does not exist",
              "an existing directory relative to fstage.yaml");
    }
  }
}

void check_env(Checker& c, const YamlNode& n, const std::string& path, Function& f) {
  if (!c.expect_map(n, path, "a mapping of NAME: value")) {
    return;
  }
  std::size_t total = 0;
  for (const auto& e : n.entries) {
    const std::string& key = e.key->value;
    std::string key_path = path + "." + key;
    check_env_key(c, *e.key, path);
    const YamlNode& v = *e.value;
    std::string value;
    if (v.is_null()) {
      c.warning(v, key_path + ": empty value, set to \"\"", "", "write \"\" for an empty string");
    } else if (!v.is_scalar()) {
      c.error(v, key_path + ": found " + describe(v), "a string, number or boolean");
      continue;
    } else {
      value = v.value;
    }
    total += utf8_length(key) + utf8_length(value);
    f.env.emplace_back(key, value);
  }
  if (total > k_max_env_chars) {
    c.error(n, path + ": " + std::to_string(total) + " characters of names and values",
            "at most 4096 characters in total");
  }
}

// Custom and http functions run the code's `bootstrap`, which the platform refuses when it
// is not executable (HW-ZH 用户指南/自定义运行时.md: "如果引导文件未找到或不是可执行文件，函数在
// 调用后将返回错误"; PLATFORM.md §1.6). A `build:` step may make it, so only the source's is
// checked, and only without one.
void check_bootstrap_file(Checker& c, const YamlNode& at, const std::string& path,
                          const Function& f) {
  fs::path dir = *c.root() / f.code;
  if (!f.build.empty() || !c.is_directory(dir)) {
    return;
  }
  fs::path file = dir / "bootstrap";
  if (!c.exists(file)) {
    c.warning(at, path + ": no `bootstrap` in " + quote(f.code), "",
              "the platform starts " + std::string(f.runtime.name) +
                  " functions by running ./bootstrap: add it");
  } else if (!c.is_directory(file) && !c.is_executable_file(file)) {
    std::string shown = f.code == "." ? std::string("bootstrap") : f.code + "/bootstrap";
    c.error(at, path + ": " + quote(shown) + " is not executable; the platform refuses to run it",
            "an executable bootstrap", "chmod +x " + shell_word(shown));
  }
}

// Python and Node.js handlers name a file: warn when it is not in the code directory.
void check_handler_file(Checker& c, const YamlNode& n, const std::string& path, const Function& f) {
  if (!c.root()) {
    return;
  }
  if (f.runtime.language == Language::custom || f.runtime.language == Language::http) {
    check_bootstrap_file(c, n, path, f);
    return;
  }
  if (f.runtime.language != Language::python && f.runtime.language != Language::nodejs) {
    return;
  }
  std::size_t dot = f.handler.rfind('.');
  if (dot == std::string::npos) {
    return;
  }
  fs::path dir = *c.root() / f.code;
  std::string stem = f.handler.substr(0, dot);
  std::vector<std::string> names;
  if (f.runtime.language == Language::python) {
    names = {stem + ".py", stem + "/__init__.py"};
  } else {
    names = {stem + ".js", stem + ".mjs", stem + ".cjs"};
  }
  if (!c.is_directory(dir)) {
    return;
  }
  for (const auto& name : names) {
    if (c.exists(dir / name)) {
      return;
    }
  }
  c.warning(n, path + ": " + quote(names.front()) + " not found in " + quote(f.code), "",
            "the handler names a file in the code directory");
}

void check_triggers(Checker& c, const YamlNode& n, const std::string& path, Function& f,
                    bool known) {
  if (!c.expect_list(n, path, "a list of triggers, e.g. - { type: APIG, path: /orders }")) {
    return;
  }
  for (std::size_t i = 0; i < n.items.size(); ++i) {
    const YamlNode& item = *n.items[i];
    if (i == k_max_triggers) {
      c.error(item, path + ": more than 10 triggers", "at most 10 triggers per function");
    }
    std::string item_path = path + "[" + std::to_string(i) + "]";
    if (auto t = check_trigger(c, item, item_path, known ? &f.runtime : nullptr)) {
      f.triggers.push_back(std::move(*t));
    }
  }
}

std::optional<std::string> optional_text(Checker& c, const YamlNode* n, const std::string& path,
                                         std::string_view expected) {
  return n ? c.text(*n, path, expected) : std::nullopt;
}

}  // namespace

bool check_env_key(Checker& c, const YamlNode& key, const std::string& path) {
  if (!is_valid_env_key(key.value)) {
    c.error(key, path + ": " + quote(key.value) + " is not a valid variable name",
            "letters, digits and '_', starting with a letter");
    return false;
  }
  if (is_reserved_env_key(key.value)) {
    c.error(key, path + ": " + quote(key.value) + " is reserved by the platform",
            "a name that is not one of the platform's own RUNTIME_* variables");
    return false;
  }
  return true;
}

std::optional<Function> check_function(Checker& c, const YamlEntry& entry) {
  const YamlNode& key = *entry.key;
  const YamlNode& body = *entry.value;
  const std::size_t errors_before = c.error_count();
  Function f;
  f.name = key.value;
  f.where = c.where(key);
  const std::string path = "functions." + f.name;
  if (!is_valid_function_name(f.name)) {
    c.error(key, "function name " + quote(f.name) + " is not valid",
            "1-60 letters, digits, '-' or '_', starting with a letter and ending with a letter "
            "or digit");
  }
  if (body.is_null()) {
    c.error(key, path + ": has no settings", "a mapping with at least runtime and handler");
    return std::nullopt;
  }
  if (!c.expect_map(body, path, "a mapping with runtime, handler, memory, timeout, ...")) {
    return std::nullopt;
  }
  c.check_keys(body, k_function_keys, path);

  bool known = false;
  if (const YamlNode* n = c.field(body, "runtime", path, true)) {
    check_runtime(c, *n, path + ".runtime", f, known);
  }
  bool plain_bootstrap =
      known && (f.runtime.language == Language::custom || f.runtime.language == Language::http);
  const YamlNode* handler = c.field(body, "handler", path, !plain_bootstrap);
  if (handler) {
    check_handler(c, *handler, path + ".handler", f, known, f.handler);
  } else if (plain_bootstrap) {
    f.handler = "bootstrap";
  }
  if (const YamlNode* n = c.field(body, "memory", path, false)) {
    auto v = c.integer(*n, path + ".memory", 1, 1'000'000, "MB", memory_list());
    auto sizes = memory_sizes();
    if (v && std::find(sizes.begin(), sizes.end(), *v) == sizes.end()) {
      c.error(*n,
              path + ".memory: " + std::to_string(*v) +
                  " is not a memory size the platform "
                  "offers",
              memory_list());
    } else if (v) {
      f.memory = static_cast<int>(*v);
    }
  }
  if (const YamlNode* n = c.field(body, "timeout", path, false)) {
    if (auto v = c.integer(*n, path + ".timeout", 3, 259200, "seconds")) {
      f.timeout = static_cast<int>(*v);
      if (*v > k_old_timeout_cap) {
        c.warning(*n, path + ".timeout: " + std::to_string(*v) + "s is over 900s", "",
                  "some regions still cap timeouts at 900s; synchronous calls via APIG end "
                  "after 90s");
      }
    }
  }
  if (const YamlNode* n = c.field(body, "code", path, false)) {
    check_code(c, *n, path + ".code", f);
  } else if (c.root()) {
    f.code = ".";
  }
  if (const YamlNode* n = c.field(body, "env", path, false)) {
    check_env(c, *n, path + ".env", f);
  }
  const YamlNode* init = c.field(body, "initializer", path, false);
  if (init) {
    check_handler(c, *init, path + ".initializer", f, known, f.initializer);
    if (plain_bootstrap) {
      c.warning(*init, path + ".initializer: ignored for runtime " + std::string(f.runtime.name),
                "", "a Custom or http function initialises itself in bootstrap");
    }
  }
  if (const YamlNode* n = c.field(body, "initializer_timeout", path, false)) {
    if (auto v = c.integer(*n, path + ".initializer_timeout", 1, 300, "seconds")) {
      f.initializer_timeout = static_cast<int>(*v);
    }
    if (!init) {
      c.warning(*n, path + ".initializer_timeout: set without an initializer");
    }
  }
  if (auto d = optional_text(c, c.field(body, "description", path, false), path + ".description",
                             "a string of at most 512 characters")) {
    f.description = *d;
    if (utf8_length(*d) > 512) {
      c.error(*body.find("description")->value,
              path + ".description: " + std::to_string(utf8_length(*d)) + " characters",
              "at most 512 characters");
    }
  }
  for (std::string_view list : {"include", "exclude"}) {
    if (const YamlNode* n = c.field(body, list, path, false)) {
      auto items =
          c.text_list(*n, path + "." + std::string(list), "a list of gitignore-style patterns");
      for (const auto& [node, text] : items.value_or(decltype(items)::value_type{})) {
        (list == "include" ? f.include : f.exclude).push_back(text);
      }
    }
  }
  if (auto b = optional_text(c, c.field(body, "build", path, false), path + ".build",
                             "a shell command")) {
    f.build = *b;
  }
  if (const YamlNode* n = c.field(body, "triggers", path, false)) {
    check_triggers(c, *n, path + ".triggers", f, known);
  }
  if (const YamlNode* n = c.field(body, "dependencies", path, false)) {
    check_dependencies(c, *n, path + ".dependencies", f);
  }
  if (const YamlNode* n = c.field(body, "async_invoke", path, false)) {
    check_async_invoke(c, *n, path + ".async_invoke", f);
  }
  if (const YamlNode* n = c.field(body, "reserved_instances", path, false)) {
    if (auto v =
            c.integer(*n, path + ".reserved_instances", 0, k_max_reserved_instances, "instances")) {
      f.reserved_instances = static_cast<int>(*v);
    }
    f.settings.reserved_instances_written = true;
  }
  check_function_settings(c, body, path, f, known);
  if (known && c.error_count() == errors_before) {
    // Reported at the handler, or at the function's name when a bootstrap goes without one.
    check_handler_file(c, handler ? *handler : key, handler ? path + ".handler" : path, f);
  }
  if (c.error_count() != errors_before) {
    return std::nullopt;
  }
  return f;
}

}  // namespace fstage::manifest::detail
