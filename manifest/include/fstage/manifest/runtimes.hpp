// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace fstage::manifest {

// The language family a runtime belongs to: decides the handler contract, the build step and
// the sandbox shim.
enum class Language { python, nodejs, java, go, custom, http, other };

std::string_view to_string(Language lang);

struct RuntimeInfo {
  std::string_view name;  // exact API spelling: "Python3.10", "Node.js18.15", "Custom", "http"
  Language language;
  std::string_view version;  // "3.10", "18.15", "17", "" for custom/http
  bool local;                // fstage can run it locally (false: PHP, C#, Cangjie, Custom Image)
};

// Every runtime name the FunctionGraph API accepts (PLATFORM.md §2.3, plus Node.js20.15 and
// Python3.12 which newer regions list), in a stable order.
std::span<const RuntimeInfo> all_runtimes();

// Exact API name or a friendly alias ("python3.10", "python", "nodejs18", "node18", "java17",
// "go", "custom", "HTTP"), case-insensitive. nullopt when unknown.
std::optional<RuntimeInfo> resolve_runtime(std::string_view name_or_alias);

// Names to offer in "did you mean" and completion: API names and aliases.
std::vector<std::string> runtime_spellings();

}  // namespace fstage::manifest
