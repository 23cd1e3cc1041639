// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <cstddef>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/base/json.hpp>
#include <fstage/manifest/runtimes.hpp>

namespace fstage::manifest {

// 1-based position in the manifest file; columns count characters (UTF-8 code points), not
// bytes. line 0 means the whole file (it could not be read).
struct Location {
  std::string file;
  int line = 0;
  int column = 0;
  std::string str() const;  // "fstage.yaml:12:7"
};

// One problem found in a manifest: where, what was found, what was expected.
struct Diagnostic {
  Location where;
  std::string message;        // "memory: 100 is not a valid memory size"
  std::string expected;       // "one of 128, 256, 512, ..." (may be empty)
  std::string hint;           // "did you mean 'handler'?" (may be empty)
  std::string function = {};  // the function it is about; "" for the manifest as a whole
  std::string str() const;    // "fstage.yaml:12:7: memory: 100 is not ...; expected one of ..."
};

// A trigger as written in the manifest. `type` is the API trigger_type_code ("APIG", "TIMER",
// "SMN", "OBS", "DIS", "KAFKA", "ROCKETMQ", "LTS", "CTS", "DDS"); `fields` holds the validated
// fields (including defaults filled in) under the manifest's key names.
struct Trigger {
  std::string type;
  OrderedJson fields = OrderedJson::object();
  Location where;
};

// A platform dependency package (依赖包) of a function: files the platform merges with the
// function's code at run time (a dependency file wins over a code file of the same name).
struct Dependency {
  enum class Kind {
    directory,     // a directory whose files are the package
    zip,           // a zip whose entries are the package
    requirements,  // a requirements.txt, installed with pip into the package's root
    npm,           // a package.json (with its lockfile), installed into node_modules/
  };
  std::string name;  // the dependency's name on the platform
  Kind kind = Kind::directory;
  std::string path;  // relative to the project root, normalised
  Location where;
};

// "directory", "zip", "requirements", "npm".
std::string_view to_string(Dependency::Kind kind);

// At most this many dependency packages per function (PLATFORM.md §4.2).
inline constexpr std::size_t k_max_dependencies = 20;

// A function's asynchronous invocation settings (the API's UpdateFunctionAsyncInvokeConfig
// body, PLATFORM.md §4.2; ranges from OTC-API configuring_asynchronous_execution_notification:
// max_async_event_age_in_seconds 1-86400, default 3600; max_async_retry_attempts 0-3, default 1).
// A destination keeps the API's `param` fields: FunctionGraph {func_urn} (a manifest function's
// name or URN), OBS {bucket, prefix, expires}, SMN {topic_urn}, DIS {stream_name}.
struct AsyncDestination {
  std::string destination;                    // "FunctionGraph", "OBS", "SMN", "DIS"
  OrderedJson param = OrderedJson::object();  // the param fields, as the API's JSON
  Location where;
};
struct AsyncInvokeConfig {
  int max_async_event_age_in_seconds = 3600;
  int max_async_retry_attempts = 1;
  bool enable_async_status_log = false;
  std::optional<AsyncDestination> on_success;
  std::optional<AsyncDestination> on_failure;
};
inline constexpr int k_max_async_event_age_s = 86400;
inline constexpr int k_max_async_retry_attempts = 3;
// The API documents no range for a reserved-instance count; fstage takes the default
// per-function instance quota (strategy_config.concurrency, 1000) as its ceiling.
inline constexpr int k_max_reserved_instances = 1000;

// Platform settings written with the API's field names (function_settings.cpp; README
// "Function settings"). Each is optional: deploy manages a setting once the manifest writes it,
// and leaves one it never wrote as it is remotely.
struct FunctionSettings {
  std::optional<OrderedJson> func_vpc;         // {vpc_id, subnet_id[, security_groups]}
  std::optional<std::string> xrole;            // the agency (IAM delegation) the function uses
  std::optional<OrderedJson> strategy_config;  // {concurrency[, concurrent_num]}
  // strategy_config.concurrency, the function's instance quota: -1 (no limit) when unset.
  int instance_quota() const {
    return strategy_config ? strategy_config->value("concurrency", -1) : -1;
  }
  std::optional<OrderedJson> log_config;  // {group_id, stream_id[, group_name, stream_name]}
  std::optional<std::vector<std::pair<std::string, std::string>>> tags;           // in file order
  std::optional<std::vector<std::pair<std::string, std::string>>> encrypted_env;  // secrets
  std::string pre_stop_handler;                                                   // "" when none
  int pre_stop_timeout = 3;                                                       // seconds, 1-90
  bool reserved_instances_written = false;  // `reserved_instances:` present (even 0)
};
inline constexpr std::size_t k_max_tags = 20;  // per function (usermanual functiongraph_01_1839)

struct Function {
  std::string name;  // the key under `functions:`: what local commands (invoke, serve) use
  // The function's name on the platform: `name` plus the stage's name_suffix (stages.cpp).
  std::string deploy_name;
  Location where;
  RuntimeInfo runtime{};  // resolved: runtime.name is the exact API spelling
  std::string handler;
  int memory = 128;        // MB
  int timeout = 3;         // seconds
  std::string code = ".";  // code directory, relative to the project root
  std::vector<std::pair<std::string, std::string>> env;  // in file order
  std::string initializer;                               // "" when none
  int initializer_timeout = 3;                           // seconds
  std::string description;
  std::vector<Trigger> triggers;
  std::vector<std::string> include;      // package: extra gitignore-style include patterns
  std::vector<std::string> exclude;      // package: extra gitignore-style exclude patterns
  std::string build;                     // package: custom build command ("" = runtime default)
  std::vector<Dependency> dependencies;  // platform dependency packages, in manifest order
  std::optional<AsyncInvokeConfig> async_invoke;  // `async_invoke:`, when written
  // Instances kept started and initialised before the first request (the API's
  // UpdateFunctionReservedInstancesCount `count`); serve starts them at once, up to
  // --concurrency.
  int reserved_instances = 0;
  FunctionSettings settings;  // func_vpc, xrole, strategy_config, tags, ...
};

namespace detail {
struct YamlNode;
}

// One entry of the manifest's `flows:` map: the v2 definition written inline, or the file that
// holds it (.json or .yaml). fstage_flow reads and validates it (fstage/flow/load.hpp).
struct FlowSource {
  std::string name;                              // the key: the flow's name
  Location where;                                // of the key
  std::filesystem::path file;                    // `definition:`, relative to the root; "" inline
  Location file_where;                           // of the `definition:` value
  std::shared_ptr<const detail::YamlNode> node;  // the inline definition (nullptr for a file)
};

struct Manifest {
  std::filesystem::path path;  // the manifest file
  std::filesystem::path root;  // its directory: the project root
  std::string name;
  std::string region = "cn-north-4";
  std::string package = "default";
  std::vector<Function> functions;   // in file order
  std::vector<FlowSource> flows;     // in file order
  std::vector<Diagnostic> warnings;  // soft problems found while validating (print them)
  // `obs_bucket:` for code over the API's direct-upload limit: one bucket for every function,
  // and/or per function (the map form). "" / absent: none.
  std::string obs_bucket;
  std::map<std::string, std::string> obs_buckets;
  // The stage the manifest was resolved for (LoadOptions::stage), what it appends to each
  // function's name on the platform, and whether deploy creates the functions' triggers there
  // (`triggers: false` in a stage: none; local commands still see them).
  std::string stage = "dev";
  std::string name_suffix;
  bool deploy_triggers = true;
  // Every value a ${env:}, ${file:} or ${param:} put into the manifest: output never shows
  // them (print masks them, deploy's plan hides them) unless asked (--show-values).
  std::vector<std::string> secret_values;
  // The resolved document (stage merged, variables substituted) that was validated; `print`
  // renders it. Nodes a secret went into are marked (YamlNode::secret).
  std::shared_ptr<const detail::YamlNode> document;

  const Function* find(std::string_view function_name) const;
  // The warnings a command about `function_name` alone prints: the manifest's own and that
  // function's, none about the other functions.
  std::vector<Diagnostic> warnings_for(std::string_view function_name) const;
};

// The stage every command uses unless --stage (or FSTAGE_STAGE) names another.
inline constexpr std::string_view k_default_stage = "dev";
// 1-32 letters, digits, '-' or '_', starting with a letter: it names files (.env.<stage>).
bool is_valid_stage_name(std::string_view name);
inline constexpr std::string_view k_stage_name_rule =
    "1-32 letters, digits, '-' or '_', starting with a letter";

// How a manifest is resolved before it is validated (stages.cpp, variables.cpp): the stage
// whose `stages.<stage>` overrides apply, and where ${env:}, ${param:} and ${file:} come from.
struct LoadOptions {
  std::string stage = std::string(k_default_stage);
  // --param k=v, in command-line order (a later one wins); before the stage's and the top
  // level's `params:`.
  std::vector<std::pair<std::string, std::string>> params;
  // The process environment (before .env.<stage>, then .env); nullptr: ::getenv.
  std::function<std::optional<std::string>(const std::string&)> getenv;
  // Read .env and .env.<stage> beside the manifest (validate_file only).
  bool dotenv = true;
  // A variable that cannot be resolved is a warning and resolves to "" instead of an error
  // (shell completion, which must offer function names whatever the environment).
  bool lenient = false;
};

// The result of checking a manifest: the manifest when there are no errors, and every
// diagnostic found (errors first in file order, then warnings).
struct Validation {
  std::optional<Manifest> manifest;
  std::vector<Diagnostic> errors;
  std::vector<Diagnostic> warnings;
  // Set when the file could not be read (missing, permission denied, ...): the error to
  // report as it is, not as a problem with the manifest's content. `errors` holds it too.
  std::optional<Error> read_error;
};

// The most of a manifest fstage reads: a manifest within the platform's limits (400 functions
// per account, each with at most 10 triggers and 4096 characters of environment) is well
// below; /dev/zero or a wrong file fails at once instead of filling memory.
inline constexpr std::size_t k_max_manifest_bytes = std::size_t{4} << 20;

// Parses and validates manifest text. `origin` names the file in diagnostics.
Validation validate_text(std::string_view text, std::string_view origin,
                         const LoadOptions& options = {});

// Reads and validates the manifest file; also checks that each function's `code` directory
// exists (relative to the file's directory). `origin` names the file in diagnostics (default:
// `file` as given, e.g. "fstage.yaml" or "/abs/path/fstage.yaml"). Never throws.
Validation validate_file(const std::filesystem::path& file, std::string_view origin = {},
                         const LoadOptions& options = {});

// validate_file, as an Expected: errors become one invalid_input Error ("fstage.yaml: 3 errors"
// with the diagnostics "file:line:column: ..." as details, or the single diagnostic as the
// message); not_found when the file is missing. Warnings are in Manifest::warnings.
Expected<Manifest> load_manifest(const std::filesystem::path& file, std::string_view origin = {},
                                 const LoadOptions& options = {});

// The invalid_input Error for a failed validation: the single diagnostic as the message, or
// "<origin>: N errors" with one detail line per diagnostic; a hint to re-run `fstage validate`.
Error validation_error(std::span<const Diagnostic> errors, std::string_view origin);

// The manifest for a command run in `dir`: `dir/fstage.yaml`, else the nearest parent that has
// one. not_found (with a hint to run `fstage init`) when there is none.
Expected<std::filesystem::path> find_manifest(const std::filesystem::path& dir);

// Validation rules shared with other code (init checks names the same way).
bool is_valid_function_name(std::string_view name);  // ≤60, letter first, [A-Za-z0-9_-], ends alnum
bool is_valid_env_key(std::string_view key);         // letter first, [A-Za-z0-9_]
// A flow's name, as the platform's pattern ^([_a-zA-Z0-9().-]|[\u4e00-\u9fa5]){1,64}$ says.
bool is_valid_flow_name(std::string_view name);
inline constexpr std::string_view k_flow_name_rule =
    "1-64 letters, digits, '_', '(', ')', '.', '-' or Chinese characters (U+4E00-U+9FA5)";
// The variables the platform sets in every function's environment (PLATFORM.md §2.1), which a
// function may not define; other RUNTIME_* names (RUNTIME_LOG_LEVEL) are the user's.
bool is_reserved_env_key(std::string_view key);
std::span<const int> memory_sizes();  // platform values, MB

// Handler strings per runtime (PLATFORM.md §1.1; rules documented in src/handler.cpp):
// Python/Node.js/PHP "[dir/]file.function", Java "package.Class.method" (≥ 3 identifiers),
// Go1.x the executable's name, Go1.8 "plugin.Function", Custom/http anything (normally
// "bootstrap"); 1–128 characters without whitespace.
bool is_valid_handler(const RuntimeInfo& runtime, std::string_view handler);
// The expected handler format for messages: "[dir/]file.function, e.g. index.handler (...)".
std::string handler_format(const RuntimeInfo& runtime);

}  // namespace fstage::manifest
