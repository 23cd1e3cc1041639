// SPDX-License-Identifier: Apache-2.0
#pragma once

// Environment values are secrets as far as output goes: a function's configuration shown by
// `remote info`/`remote list` keeps the keys of user_data and encrypted_user_data and hides
// their values, unless the user asked to see them (--show-values).

#include <string_view>

#include <fstage/base/json.hpp>

namespace fstage::deploy {

inline constexpr std::string_view k_masked_value = "****";

// `config` (a function's configuration as the API returns it) with every value of user_data
// and encrypted_user_data (JSON strings of an object) replaced by "****"; a field that is not
// such an object is replaced whole. Other fields are untouched.
Json mask_environment(Json config);

}  // namespace fstage::deploy
