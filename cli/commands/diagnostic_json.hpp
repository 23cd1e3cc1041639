// SPDX-License-Identifier: Apache-2.0
#pragma once

// One diagnostic as `validate --json` and `flow validate --json` print it.

#include <fstage/base/json.hpp>
#include <fstage/manifest/manifest.hpp>

namespace fstage::cli {

inline OrderedJson diagnostic_json(const manifest::Diagnostic& d) {
  OrderedJson j = OrderedJson::object();
  j["file"] = d.where.file;
  j["line"] = d.where.line;
  j["column"] = d.where.column;
  j["message"] = d.message;
  j["expected"] = d.expected;
  j["hint"] = d.hint;
  return j;
}

}  // namespace fstage::cli
