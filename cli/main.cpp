// SPDX-License-Identifier: Apache-2.0
#include <fstage/cli/app.hpp>

int main(int argc, char** argv) {
  auto ctx = fstage::cli::Context::real();
  return fstage::cli::run(std::vector<std::string>(argv + 1, argv + argc), ctx);
}
