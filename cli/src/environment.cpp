// SPDX-License-Identifier: Apache-2.0
#include "environment.hpp"

namespace fstage::cli {

std::span<const EnvVar> environment_table() {
  static constexpr EnvVar k_vars[] = {
      // Running functions locally (invoke, serve, build, doctor).
      {"FSTAGE_PYTHON",
       "The Python interpreter that runs and builds Python functions (default: "
       "python3.X of the runtime's version, else python3 on PATH)"},
      {"FSTAGE_NODE", "The Node.js interpreter for Node.js functions (default: node on PATH)"},
      {"FSTAGE_JAVA", "The java binary for Java functions (default: java on PATH)"},
      {"FSTAGE_GO", "The go toolchain that builds Go functions (default: go on PATH)"},
      {"FSTAGE_NO_VERSION_WARNING",
       "Set (to anything but 0): no warning when an interpreter's version differs from the "
       "runtime's, as --no-version-warning (the REPORT line still names the version used)"},
      {"FSTAGE_SANDBOX_DISABLE",
       "Comma-separated sandbox features not to use: namespaces, userns, cgroup, seccomp "
       "(for tests and for hosts where one misbehaves)"},
      {"FSTAGE_SANDBOX_REPROBE",
       "1: probe what the host allows again instead of reading the cached verdict"},
      {"FSTAGE_SANDBOX_FORK_INIT",
       "Set: start the sandbox's init with fork (the slower, older way)"},
      {"FSTAGE_HTTPD",
       "Path of the fstage-httpd.so module serve loads (default: beside the "
       "binary, or ../lib/fstage/)"},
      {"PATH", "Where interpreters and build tools (pip, npm, javac, go) are looked for"},
      {"TZ", "The zone cron schedules of TIMER triggers fire in (serve)"},
      {"FSTAGE_ASYNC_RETRY_DELAY_MS",
       "serve's first wait before retrying a failed asynchronous event, doubled for each further "
       "retry (default: 1000)"},
      {"FSTAGE_STAGE",
       "The stage every command resolves the manifest for, as --stage (default: dev)"},
      // Deploying (deploy, remote, configure).
      {"HUAWEICLOUD_SDK_AK", "Access key id (with HUAWEICLOUD_SDK_SK: used before any profile)"},
      {"HUAWEICLOUD_SDK_SK", "Secret access key"},
      {"HUAWEICLOUD_SDK_SECURITY_TOKEN", "Security token of temporary credentials"},
      {"HUAWEICLOUD_SDK_PROJECT_ID", "Project id (default: the profile's, else looked up)"},
      {"FSTAGE_AUTH_TOKEN", "An IAM token to send instead of signing with AK/SK"},
      {"FSTAGE_PROFILE", "The credentials profile to use, as --profile (default: 'default')"},
      {"FSTAGE_REGION", "The region, as --region (before fstage.yaml's region: and the profile's)"},
      {"FSTAGE_ENDPOINT", "The FunctionGraph API endpoint, as --endpoint (other clouds, tests)"},
      {"FSTAGE_IAM_ENDPOINT", "The IAM endpoint for the project-id lookup, as --iam-endpoint"},
      {"FSTAGE_OBS_ENDPOINT",
       "The OBS endpoint code over the direct-upload limit goes through, as --obs-endpoint "
       "(default https://obs.<region>.myhuaweicloud.com)"},
      {"FSTAGE_CA_BUNDLE", "A PEM file of CAs to trust, as --ca-bundle"},
      // Files and output.
      {"SOURCE_DATE_EPOCH", "The timestamp of every entry of packaged zips (default: 1980-01-01)"},
      {"XDG_CONFIG_HOME", "Where fstage/credentials is kept (default: ~/.config)"},
      {"XDG_CACHE_HOME",
       "Where fstage/ caches interpreter versions, the probe's verdict and "
       "build steps (default: ~/.cache)"},
      {"HOME", "The default of the two above, pyenv's ~/.pyenv and Go's ~/go"},
      {"TMPDIR", "Where temporary directories are made (default: /tmp)"},
      {"NO_COLOR", "Set: no colour in diagnostics (as --color=never)"},
      {"TERM", "dumb: no colour in diagnostics"},
      {"GOFLAGS", "Go builds: kept, with -mod=mod added"},
      {"GOPATH", "Go builds: its pkg/mod is read as a module proxy (offline builds)"},
      {"GOMODCACHE", "Go builds: read as a module proxy, before GOPATH's"},
      {"GOPROXY", "Go builds: the module proxy (default: the caches above, else off)"},
      // Set for a function's `build:` command.
      {"FSTAGE_FUNCTION", "The function's name", true},
      {"FSTAGE_RUNTIME", "The function's runtime (API name)", true},
      {"FSTAGE_HANDLER", "The function's handler", true},
      {"FSTAGE_SOURCE_DIR", "The function's code directory", true},
      {"FSTAGE_BUILD_DIR", "The directory the command runs in (a copy of the sources)", true},
      {"FSTAGE_OUT", "Where the command puts its output: what is packaged", true},
  };
  return k_vars;
}

}  // namespace fstage::cli
