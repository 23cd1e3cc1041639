// SPDX-License-Identifier: Apache-2.0
// /proc parsing for the sandbox: the hexadecimal signal masks of /proc/<pid>/status.
#include <csignal>
#include <string>

#include <catch2/catch.hpp>

#include "procfs.hpp"

using namespace fstage::sandbox::detail;

namespace {

const std::string k_status =
    "Name:\tfstage\nShdPnd:\t0000000000000000\nSigBlk:\t0000000000010000\n"
    "SigIgn:\t0000000000001001\nSigCgt:\t0000000180000000\nVmHWM:\t    5120 kB\n";

}  // namespace

TEST_CASE("status_field_hex reads a mask at the start of its line", "[sandbox][procfs]") {
  CHECK(status_field_hex(k_status, "SigIgn") == 0x1001);  // SIGHUP (1) and SIGPIPE (13)
  CHECK(status_field_hex(k_status, "SigBlk") == 0x10000);
  CHECK(status_field_hex(k_status, "SigCgt") == 0x180000000);
  CHECK(status_field_hex(k_status, "Missing") == 0);
  // "Pnd" also ends "ShdPnd": only a key that starts a line counts.
  CHECK(status_field_hex(k_status, "Pnd") == 0);
  CHECK(status_field_hex("SigIgn:\tffffffffffffffff\n", "SigIgn") == ~std::uint64_t{0});
  CHECK(status_field_bytes(k_status, "VmHWM") == 5120 * 1024);
}

TEST_CASE("handled_signals follows this process's ignored and caught signals",
          "[sandbox][procfs]") {
  const auto bit = [](int sig) { return std::uint64_t{1} << (sig - 1); };
  auto old_usr2 = ::signal(SIGUSR2, SIG_IGN);
  CHECK((handled_signals() & bit(SIGUSR2)) != 0);
  ::signal(SIGUSR2, [](int) {});
  CHECK((handled_signals() & bit(SIGUSR2)) != 0);
  ::signal(SIGUSR2, SIG_DFL);
  CHECK((handled_signals() & bit(SIGUSR2)) == 0);
  ::signal(SIGUSR2, old_usr2);
}
