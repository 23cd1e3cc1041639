// SPDX-License-Identifier: Apache-2.0
#pragma once

// What `fstage deploy` and `fstage remote ...` share: the connection flags, opening a session
// with redacted logging, the upload progress bar, and the redaction of errors. Defined in
// remote.cpp.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/cli/context.hpp>
#include <fstage/deploy/credentials.hpp>
#include <fstage/deploy/session.hpp>

namespace CLI {
class App;
}

namespace fstage::cli {

struct RemoteFlags {
  std::string profile;
  std::string region;
  std::string endpoint;
  std::string iam_endpoint;
  std::string ca_bundle;
  int timeout = 60;
  int retries = 4;
};

// --profile, --region, --endpoint, --iam-endpoint, --ca-bundle, --timeout, --retries.
void add_remote_flags(CLI::App* cmd, RemoteFlags& flags);

// A one-line upload bar on stderr: only on a terminal, not when quiet, only for big bodies.
class UploadBar {
 public:
  explicit UploadBar(const Context& ctx) : m_ctx(ctx) {}
  ~UploadBar() { clear(); }
  UploadBar(const UploadBar&) = delete;
  UploadBar& operator=(const UploadBar&) = delete;
  void update(std::uint64_t sent, std::uint64_t total);
  void clear();

 private:
  const Context& m_ctx;
  bool m_drawn = false;
  std::chrono::steady_clock::time_point m_last{};
};

// The manifest of the project around cwd, if any: its region and package are the defaults
// of `remote` commands, and its root holds the deploy state. With -f (`given`), that manifest,
// which must load; without, the nearest one if it loads. Defined in remote.cpp.
struct ProjectDefaults {
  std::string region;
  std::string package = "default";
  std::filesystem::path root;
  std::string stage = "dev";
  // Manifest key -> the function's name on the platform in this stage ("api" -> "api-prod").
  std::map<std::string, std::string> names;
  // What ${env:}, ${file:} and ${param:} substituted into the manifest: deploy may have sent
  // any of it (a description, a flow's constants), so the `remote` commands mask it in what
  // they print, unless --show-values.
  std::vector<std::string> secrets;
  // `name` as the platform knows it: the stage's name of a manifest function, else as given.
  std::string platform_name(const std::string& name) const {
    auto it = names.find(name);
    return it == names.end() ? name : it->second;
  }
};
Expected<ProjectDefaults> project_defaults(const Context& ctx, const std::string& given);

// Opens the session: credentials (their values added to `redactor` first), target, project id.
// Verbose (-v) request lines and retry notices go to ctx.err, redacted.
Expected<std::unique_ptr<deploy::Session>> open_session(const Context& ctx, const RemoteFlags& f,
                                                        const std::string& manifest_region,
                                                        const std::string& package,
                                                        deploy::Redactor& redactor, UploadBar* bar);

// `r` with every text of its error passed through `redactor`.
Expected<int> redacted(const deploy::Redactor& redactor, Expected<int> r);

// What ${env:}, ${file:} and ${param:} substituted into the manifest (Manifest::secret_values)
// added to `redactor`, each also in its JSON-escaped form (as it reads in printed JSON).
void hide_substituted(const std::vector<std::string>& values, deploy::Redactor& redactor);

// The session of the project around cwd (or -f `manifest`): its defaults, open_session with
// the environment's redactor, `body` run with both, its error redacted. What the body prints
// on ctx.out has the project's substituted values masked, unless `show_values`. Defined in
// remote.cpp.
Expected<int> with_remote_session(
    const Context& ctx, const RemoteFlags& flags, const std::string& manifest,
    const std::function<Expected<int>(deploy::Session&, const ProjectDefaults&)>& body,
    bool show_values = false);

// remote_observe.cpp. `--period` as the statistics API's minutes (5m, 15m, 1h). Errors: usage.
Expected<int> parse_statistics_period(const std::string& period);
// `remote metrics FUNC`: the statistics API's per-minute series, totalled (or as JSON).
Expected<int> remote_metrics(const Context& ctx, deploy::Session& s, const std::string& function,
                             const std::string& period, bool json);
// `remote logs FUNC --follow`: the newest `limit` lines of the last `since_ms`, then every new
// line, polling LTS every `interval_s` seconds until SIGINT/SIGTERM (then 130; the command sets
// Context::ends_on_interrupt so that it ends quietly).
Expected<int> follow_logs(const Context& ctx, deploy::Session& s, const std::string& function,
                          long long since_ms, int limit, int interval_s, bool json);
// Function names of the manifest for messages and did-you-mean.
std::string human_size(std::uint64_t bytes);

}  // namespace fstage::cli
