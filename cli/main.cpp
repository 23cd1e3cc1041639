// SPDX-License-Identifier: Apache-2.0
#include <cstdio>
#include <cstdlib>
#include <iostream>

#include <fstage/cli/app.hpp>

int main(int argc, char** argv) {
  auto ctx = fstage::cli::Context::real();
  int code = fstage::cli::run(std::vector<std::string>(argv + 1, argv + argc), ctx);
  // The command is done and has cleaned up what others can see; what is left is memory (see
  // Context::keep), which the kernel frees faster than our destructors would. Flush and go.
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  std::_Exit(code);
}
