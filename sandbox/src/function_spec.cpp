// SPDX-License-Identifier: Apache-2.0
// The plain parts of function.hpp: a function's spec, request ids, statuses and error bodies.
#include <cstdio>
#include <random>

#include <fstage/base/json.hpp>
#include <fstage/base/numbers.hpp>
#include <fstage/sandbox/function.hpp>

namespace fstage::sandbox {

std::string_view to_string(InvokeStatus s) {
  switch (s) {
    case InvokeStatus::ok:
      return "ok";
    case InvokeStatus::function_error:
      return "function error";
    case InvokeStatus::timeout:
      return "timeout";
    case InvokeStatus::oom:
      return "oom";
    case InvokeStatus::killed:
      return "killed";
    case InvokeStatus::sandbox_error:
      return "sandbox error";
    case InvokeStatus::cancelled:
      return "cancelled";
  }
  return "sandbox error";
}

std::string error_body(std::string_view type, std::string_view message) {
  return Json{{"errorMessage", message}, {"errorType", type}, {"stackTrace", Json::array()}}.dump();
}

FunctionSpec function_spec(const manifest::Manifest& m, const manifest::Function& fn,
                           const std::filesystem::path& code_dir) {
  FunctionSpec spec;
  spec.name = fn.name;
  spec.runtime = fn.runtime;
  spec.handler = fn.handler;
  spec.initializer = fn.initializer;
  spec.initializer_timeout = fn.initializer_timeout;
  spec.memory_mb = fn.memory;
  spec.timeout_s = fn.timeout;
  spec.code_dir = code_dir;
  spec.env = fn.env;
  spec.package = m.package;
  spec.region = m.region;
  return spec;
}

std::string new_request_id() {
  static thread_local std::mt19937_64 rng{random_seed()};
  std::uint64_t a = rng();
  std::uint64_t b = rng();
  a = (a & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;  // version 4
  b = (b & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant 10
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(a >> 32),
                static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xffff),
                static_cast<unsigned>(b >> 48),
                static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

}  // namespace fstage::sandbox
