// SPDX-License-Identifier: Apache-2.0
#include <fstage/base/version.hpp>

namespace fstage {

std::string_view version() {
  return FSTAGE_VERSION;
}
std::string_view commit() {
  return FSTAGE_COMMIT;
}

}  // namespace fstage
