// SPDX-License-Identifier: Apache-2.0
// `fstage serve`: the local API gateway. Loads the manifest, makes a warm pool per function,
// routes APIG triggers over HTTP/1.1 (serve/httpd/: libevent's loop, http-parser), fires TIMER
// triggers, recycles instances on code changes (--watch) and drains on SIGINT/SIGTERM.
#pragma once

#include <filesystem>
#include <functional>
#include <ostream>
#include <string>

#include <fstage/base/error.hpp>
#include <fstage/builder/build.hpp>
#include <fstage/manifest/manifest.hpp>
#include <fstage/sandbox/capabilities.hpp>
#include <fstage/sandbox/function.hpp>
#include <fstage/serve/http_server.hpp>
#include <fstage/serve/log.hpp>
#include <fstage/serve/pool.hpp>

namespace fstage::serve {

struct ServeOptions {
  std::filesystem::path manifest;  // the fstage.yaml to serve
  std::string manifest_name;       // how messages name it (default: the path)
  manifest::LoadOptions load;      // its stage and parameters (every reload uses them too)
  std::string host = "127.0.0.1";
  int port = 8080;  // 0 = any free port (printed)
  PoolOptions pool;
  bool timers = true;
  bool watch = false;
  std::string stage = "RELEASE";
  sandbox::RunnerOptions runner;  // host environment, network; on_output is set per instance
  // How each function is built (builder::build_function) before it is served, and again when
  // --watch sees its inputs change; on_status and on_warning go to the log.
  builder::BuildOptions build;
  // Checks a request to the platform's routes (/v2/...) that carries a signature: an error
  // (answered 401, as the API does) when it does not verify against the local credentials.
  // Unsigned requests are accepted without a call. Unset: signatures are not checked.
  std::function<Expected<void>(const HttpRequestData&)> check_signature;
  // `serve --debug FUNC[:PORT]`: this function runs one instance, under its runtime's debugger
  // (RunnerOptions::debug, filled in by `debug`); its routes wait as long as the debugger
  // holds it. "" = none.
  std::string debug_function;
  std::function<Expected<void>(const manifest::Manifest&, const manifest::Function&,
                               sandbox::DebugSettings&)>
      debug;
};

// Serves until SIGINT or SIGTERM, then drains and returns the `interrupted` error (exit 130):
// the queued requests are answered 503 at once, each running one may finish while its client
// still waits for it (the APIG trigger's timeout, or the function's if that comes first), and
// a second signal cancels them all, their sandboxes killed. `log` gets every line.
// Errors: the manifest's, a function that cannot run here, a port that cannot be bound (io),
// interrupted.
Expected<int> serve(const ServeOptions& options, const sandbox::Capabilities& caps, Logger& log);

}  // namespace fstage::serve
