// SPDX-License-Identifier: Apache-2.0
// The key of the digests that the deploy state keeps of encrypted values (encrypted_env):
// random, one per user, in the config directory beside the credentials, never in the project.
// The state file may be shared or committed; keyed by something it does not hold, its digests
// let nobody check a guess of a weak secret against them.
#pragma once

#include <filesystem>
#include <string>

#include <fstage/base/error.hpp>

namespace fstage::deploy {

// CONFIG_DIR/digest-key (64 hex digits), made on first use (mode 0600). Errors: auth (others
// may read or write it, or another user owns it), invalid_input (not a key), io.
Expected<std::string> digest_key(const std::filesystem::path& config_dir);

}  // namespace fstage::deploy
