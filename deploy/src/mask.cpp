// SPDX-License-Identifier: Apache-2.0
#include <fstage/deploy/mask.hpp>

namespace fstage::deploy {

Json mask_environment(Json config) {
  if (!config.is_object()) {
    return config;
  }
  for (const char* field : {"user_data", "encrypted_user_data"}) {
    auto it = config.find(field);
    if (it == config.end() || !it->is_string() || it->get<std::string>().empty()) {
      continue;
    }
    auto parsed = parse_json(it->get<std::string>(), field);
    if (!parsed || !parsed->is_object()) {
      *it = std::string(k_masked_value);
      continue;
    }
    for (auto& v : *parsed) {
      v = std::string(k_masked_value);
    }
    *it = parsed->dump();
  }
  return config;
}

}  // namespace fstage::deploy
