// SPDX-License-Identifier: Apache-2.0
// A YAML value (a test case's input, a mock's result, an expected output) as the JSON it
// stands for, by YAML 1.2's core schema: plain null/~/empty, true/false, integers and floats
// are typed; everything quoted, block or tagged is a string.
#pragma once

#include <optional>
#include <string_view>

#include <fstage/base/json.hpp>
#include <fstage/manifest/checker.hpp>

namespace fstage::flow::detail {

// The JSON value of `n`; reports what JSON cannot hold (.inf, .nan, a number past a double)
// at its position and returns nullopt.
std::optional<OrderedJson> yaml_to_json(manifest::detail::Checker& c,
                                        const manifest::detail::YamlNode& n, std::string_view path);

}  // namespace fstage::flow::detail
