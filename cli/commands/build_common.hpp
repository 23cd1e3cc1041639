// SPDX-License-Identifier: Apache-2.0
#pragma once

// The one build, as every command that runs or ships a function calls it (build.cpp defines
// these): the same options, the same progress and log lines on stderr.

#include <string>

#include <fstage/base/error.hpp>
#include <fstage/builder/build.hpp>
#include <fstage/cli/context.hpp>
#include <fstage/manifest/manifest.hpp>

namespace fstage::cli {

// Build settings from the environment: SOURCE_DATE_EPOCH, the cache directory
// ($XDG_CACHE_HOME/fstage or ~/.cache/fstage), the environment for build commands; status
// lines and the build tools' output go to stderr (nothing with -q).
Expected<builder::BuildOptions> build_options(const Context& ctx, bool rebuild = false);

// Builds `fn` as invoke, serve and flow run it; errors name the function.
Expected<builder::BuildResult> build_for_run(Context& ctx, const manifest::Manifest& m,
                                             const manifest::Function& fn);

}  // namespace fstage::cli
