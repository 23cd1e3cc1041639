// SPDX-License-Identifier: Apache-2.0
// The top level of fstage.yaml and the public entry points.
#include <algorithm>
#include <cerrno>
#include <map>
#include <system_error>
#include <unistd.h>
#include <unordered_map>

#include <fstage/base/access.hpp>
#include <fstage/base/fs.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/manifest/checker.hpp>
#include <fstage/manifest/manifest.hpp>
#include <fstage/manifest/yaml_tree.hpp>

#include "resolve.hpp"

namespace fstage::manifest {

namespace fs = std::filesystem;

std::string Location::str() const {
  if (line <= 0) {
    return file;
  }
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string Diagnostic::str() const {
  std::string out = where.str() + ": " + message;
  if (!expected.empty()) {
    out += "; expected " + expected;
  }
  if (!hint.empty()) {
    out += "; " + hint;
  }
  return out;
}

std::vector<Diagnostic> Manifest::warnings_for(std::string_view function_name) const {
  std::vector<Diagnostic> out;
  for (const auto& w : warnings) {
    if (w.function.empty() || w.function == function_name) {
      out.push_back(w);
    }
  }
  return out;
}

const Function* Manifest::find(std::string_view function_name) const {
  for (const auto& f : functions) {
    if (f.name == function_name) {
      return &f;
    }
  }
  return nullptr;
}

namespace {

bool is_alpha(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}
bool is_alnum(char c) {
  return is_alpha(c) || (c >= '0' && c <= '9');
}

bool is_name(std::string_view s, std::size_t max) {
  if (s.empty() || s.size() > max || !is_alpha(s.front()) || !is_alnum(s.back())) {
    return false;
  }
  return std::all_of(s.begin(), s.end(),
                     [](char c) { return is_alnum(c) || c == '_' || c == '-'; });
}

// cn-north-4, ap-southeast-1, eu-west-101, eu-de: lowercase words joined by single dashes.
bool is_region(std::string_view s) {
  if (s.empty() || !is_alpha(s.front()) || s.back() == '-' || s.find("--") != s.npos ||
      s.find('-') == s.npos) {
    return false;
  }
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

constexpr std::string_view k_top_keys[] = {"name",      "region", "package",
                                           "functions", "flows",  "obs_bucket"};
const char* const k_name_rule =
    "1-60 letters, digits, '-' or '_', starting with a letter and ending with a letter or digit";

// "/users/{id}" and "/users/{name}" are the same route.
std::string route_shape(const std::string& path) {
  std::string out;
  bool in_param = false;
  for (char c : path) {
    if (c == '{') {
      in_param = true;
      out += "{";
    } else if (c == '}') {
      in_param = false;
      out += "}";
    } else if (!in_param || c == '+') {
      out += c;
    }
  }
  return out;
}

// Each APIG route against the earlier ones of the same shape: the first route of each method
// is all that can clash first, so a shape holds at most one route per method (comparing every
// pair made many functions quadratic).
void check_routes(detail::Checker& c, const Manifest& m) {
  struct Route {
    std::size_t order;  // in file order
    const Function* fn;
    const Trigger* trigger;
  };
  // shape -> method -> its first route
  std::unordered_map<std::string, std::map<std::string, Route, std::less<>>> seen;
  std::size_t order = 0;
  for (const auto& f : m.functions) {
    for (const auto& t : f.triggers) {
      if (t.type != "APIG") {
        continue;
      }
      const std::string method = t.fields.value("method", "ANY");
      auto& methods = seen[route_shape(t.fields.value("path", ""))];
      const Route* first = nullptr;
      for (const auto& [other_method, s] : methods) {
        bool clash = other_method == method || other_method == "ANY" || method == "ANY";
        if (clash && (first == nullptr || s.order < first->order)) {
          first = &s;
        }
      }
      if (first != nullptr) {
        const Trigger& s = *first->trigger;
        // A trigger shared through an alias has the first one's position: name the function.
        bool shared = t.where.line == s.where.line && t.where.column == s.where.column;
        const Location& at = shared ? f.where : t.where;
        c.error_at(at.line, at.column,
                   "functions." + f.name + ": APIG route " + method + " " +
                       t.fields.value("path", "") + " is already taken by function '" +
                       first->fn->name + "' at " + std::to_string(s.where.line) + ":" +
                       std::to_string(s.where.column),
                   "each method and path once per project");
      }
      methods.try_emplace(method, Route{order++, &f, &t});
    }
  }
}

void check_top(detail::Checker& c, const detail::YamlNode& root, Manifest& m) {
  using detail::YamlNode;
  c.check_keys(root, k_top_keys, "");
  if (const YamlNode* n = c.field(root, "name", "", true)) {
    if (auto v = c.text(*n, "name", k_name_rule)) {
      if (is_valid_function_name(*v)) {
        m.name = *v;
      } else {
        c.error(*n, "name: " + quote(*v) + " is not a valid project name", k_name_rule);
      }
    }
  }
  if (const YamlNode* n = c.field(root, "region", "", false)) {
    if (auto v = c.text(*n, "region", "a region id such as cn-north-4")) {
      if (is_region(*v)) {
        m.region = *v;
      } else {
        c.error(*n, "region: " + quote(*v) + " is not a region id",
                "lowercase letters, digits and dashes, e.g. cn-north-4 or ap-southeast-1");
      }
    }
  }
  if (const YamlNode* n = c.field(root, "package", "", false)) {
    if (auto v = c.text(*n, "package", "a package (app) name such as default")) {
      if (is_name(*v, 64)) {
        m.package = *v;
      } else {
        c.error(*n, "package: " + quote(*v) + " is not a valid package name",
                "1-64 letters, digits, '-' or '_', starting with a letter");
      }
    }
  }
  if (const YamlNode* flows = c.field(root, "flows", "", false)) {
    detail::check_flows(c, *flows, m);
  }
  // obs_bucket: NAME (every function's code goes through it when over the direct limit), or
  // {function: NAME, ...} per function. The name itself is checked by deploy.
  if (const YamlNode* n = c.field(root, "obs_bucket", "", false)) {
    const char* expected = "an OBS bucket name, or a mapping of function names to bucket names";
    if (n->is_map()) {
      for (const auto& e : n->entries) {
        if (auto v = c.text(*e.value, "obs_bucket." + e.key->value, expected)) {
          m.obs_buckets[e.key->value] = *v;
        }
      }
    } else if (auto v = c.text(*n, "obs_bucket", expected)) {
      m.obs_bucket = *v;
    }
  }
  const YamlNode* fns = c.field(root, "functions", "", true);
  if (!fns) {
    return;
  }
  const char* expected = "a mapping of function names to their settings";
  if (fns->is_null() || (fns->is_map() && fns->entries.empty())) {
    c.error(*fns, "functions: no functions are defined", expected);
    return;
  }
  if (!c.expect_map(*fns, "functions", expected)) {
    return;
  }
  for (const auto& e : fns->entries) {
    c.set_function(e.key->value);
    if (auto f = detail::check_function(c, e)) {
      f->deploy_name = f->name + m.name_suffix;
      if (!m.name_suffix.empty() && !is_valid_function_name(f->deploy_name)) {
        c.error(*e.key,
                "functions." + f->name + ": its name in stage " + quote(m.stage) + ", " +
                    quote(f->deploy_name) + ", is not a valid function name",
                k_name_rule, "shorten the function's name or stages." + m.stage + ".name_suffix");
      }
      m.functions.push_back(std::move(*f));
    }
    c.set_function({});
  }
  std::vector<std::string> defined;  // with those that did not validate (not in m.functions)
  for (const auto& e : fns->entries) {
    defined.push_back(e.key->value);
  }
  detail::check_async_destinations(c, m, defined);
  check_routes(c, m);
}

Validation validate_impl(std::string_view text, const std::string& origin,
                         std::optional<fs::path> root, const fs::path& file,
                         const LoadOptions& options) {
  Validation v;
  detail::Checker c(origin, std::move(root));
  detail::YamlDocument doc = detail::parse_yaml(text, origin);
  c.add_errors(std::move(doc.errors));
  if (doc.root) {
    Manifest m;
    m.path = file;
    m.root = file.parent_path();
    if (doc.root->is_null()) {
      c.error(*doc.root, "the manifest is empty", "a mapping with 'name' and 'functions'",
              "run 'fstage init' to create one");
    } else if (c.expect_map(*doc.root, "the manifest", "a mapping with name and functions")) {
      const std::size_t before = c.error_count();
      detail::NodePtr resolved = detail::resolve_document(c, doc.root, options, m);
      m.document = resolved;
      // A problem with the stage or a variable is reported alone: the checks would only
      // repeat it as "empty value" or "not a number" at the same place.
      if (c.error_count() == before) {
        check_top(c, *resolved, m);
      }
    }
    if (c.error_count() == 0) {
      v.manifest = std::move(m);
    }
  }
  v.errors = c.take_errors();
  v.warnings = c.take_warnings();
  if (v.manifest) {
    v.manifest->warnings = v.warnings;
  }
  return v;
}

}  // namespace

bool is_valid_function_name(std::string_view name) {
  return is_name(name, 60);
}

bool is_valid_env_key(std::string_view key) {
  if (key.empty() || !is_alpha(key.front())) {
    return false;
  }
  return std::all_of(key.begin(), key.end(), [](char c) { return is_alnum(c) || c == '_'; });
}

bool is_reserved_env_key(std::string_view key) {
  static constexpr std::string_view k_reserved[] = {
      "RUNTIME_PROJECT_ID",
      "RUNTIME_FUNC_NAME",
      "RUNTIME_FUNC_VERSION",
      "RUNTIME_PACKAGE",
      "RUNTIME_HANDLER",
      "RUNTIME_TIMEOUT",
      "RUNTIME_USERDATA",
      "RUNTIME_CPU",
      "RUNTIME_MEMORY",
      "RUNTIME_MAX_RESP_BODY_SIZE",
      "RUNTIME_INITIALIZER_HANDLER",
      "RUNTIME_INITIALIZER_TIMEOUT",
      "RUNTIME_ROOT",
      "RUNTIME_CODE_ROOT",
      "RUNTIME_LOG_DIR",
      "RUNTIME_API_ADDR",
      "RUNTIME_ALIAS",
      "RUNTIME_MAX_REQUEST_BODY_SIZE",
      "RUNTIME_PRESTOP_HANDLER",
      "RUNTIME_MAX_STATE_SIZE",
  };
  return std::find(std::begin(k_reserved), std::end(k_reserved), key) != std::end(k_reserved);
}

std::span<const int> memory_sizes() {
  static constexpr int k_sizes[] = {128,  256,  512,  768,  1024, 1280, 1536, 1792,
                                    2048, 2560, 3072, 3584, 4096, 8192, 10240};
  return k_sizes;
}

Validation validate_text(std::string_view text, std::string_view origin,
                         const LoadOptions& options) {
  return validate_impl(text, std::string(origin), std::nullopt, fs::path(origin), options);
}

Validation validate_file(const fs::path& file, std::string_view origin,
                         const LoadOptions& options) {
  std::string name = origin.empty() ? file.string() : std::string(origin);
  static const std::string k_rule =
      "a manifest within the platform's limits (400 functions per account; per function "
      "10 triggers and 4096 characters of environment variables) is far smaller";
  auto text = read_file(file, ReadLimit{k_max_manifest_bytes, k_rule,
                                        "is this the manifest? the functions' code stays in "
                                        "their directories, not in fstage.yaml"});
  if (!text) {
    Validation v;
    v.errors.push_back(
        Diagnostic{Location{name, 0, 0}, text.error().message, "", text.error().hint});
    v.read_error = std::move(text).error();
    return v;
  }
  fs::path root = file.parent_path();
  return validate_impl(*text, name, root.empty() ? fs::path(".") : root, file, options);
}

Expected<Manifest> load_manifest(const fs::path& file, std::string_view origin,
                                 const LoadOptions& options) {
  std::string name = origin.empty() ? file.string() : std::string(origin);
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    if (ec == std::errc::permission_denied) {
      return fail(access_error(fs::absolute(file, ec), "the manifest"));
    }
    if (ec && ec != std::errc::no_such_file_or_directory) {
      return fail(Error::from_error_code("stat", name, ec));
    }
    return fail(ErrorCode::not_found, name + ": no such file",
                "run 'fstage init' to create a project, or pass -f FILE");
  }
  if (::access(file.c_str(), R_OK) != 0 && errno == EACCES) {
    return fail(access_error(fs::absolute(file, ec), "the manifest"));
  }
  Validation v = validate_file(file, origin, options);
  if (v.read_error) {
    return fail(std::move(*v.read_error));
  }
  if (v.errors.empty() && v.manifest) {
    return std::move(*v.manifest);
  }
  return fail(validation_error(v.errors, name));
}

Error validation_error(std::span<const Diagnostic> errors, std::string_view origin) {
  Error e(ErrorCode::invalid_input, "",
          "change each field as its line above says; 'fstage validate' re-checks");
  if (errors.size() == 1) {
    // The diagnostic's own fix is the hint: its hint, else what belongs there.
    const Diagnostic& d = errors.front();
    e.message = d.where.str() + ": " + d.message;
    if (!d.expected.empty()) {
      e.message += "; expected " + d.expected;
    }
    if (!d.hint.empty()) {
      e.hint = d.hint;
    } else if (!d.expected.empty()) {
      e.hint = "write " + d.expected + " at " + d.where.str();
    } else if (d.where.line > 0) {
      e.hint = "edit line " + std::to_string(d.where.line) + " of " + d.where.file +
               "; 'fstage validate' re-checks";
    } else {
      e.hint = {};
    }
  } else {
    e.message = std::string(origin) + ": " + std::to_string(errors.size()) + " errors";
    for (const auto& d : errors) {
      e.details.push_back(d.str());
    }
  }
  return e;
}

Expected<fs::path> find_manifest(const fs::path& dir) {
  std::error_code ec;
  fs::path start = fs::absolute(dir, ec);
  if (ec) {
    start = dir;
  }
  start = start.lexically_normal();
  for (fs::path d = start;; d = d.parent_path()) {
    fs::path candidate = d / "fstage.yaml";
    if (fs::is_regular_file(candidate, ec)) {
      return candidate;
    }
    if (ec && ec != std::errc::no_such_file_or_directory) {
      // A directory that may not be searched: what lies there is unknown, so say so rather
      // than look further up and name another project's manifest (or none).
      return fail(Error::from_error_code("stat", candidate.string(), ec));
    }
    if (d == d.parent_path() || d.empty()) {
      break;
    }
  }
  return fail(ErrorCode::not_found,
              "no fstage.yaml in " + start.string() + " or any parent directory",
              "run 'fstage init' to create a project, or pass -f FILE");
}

}  // namespace fstage::manifest
