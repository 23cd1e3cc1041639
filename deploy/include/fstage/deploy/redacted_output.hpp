// SPDX-License-Identifier: Apache-2.0
// A command's stdout with a Redactor applied: while a RedactedOutput lives, what its stream
// receives is held to the end of each line, then written on with every secret masked. The
// `remote` commands print what the platform returns (a description, a flow's definition),
// and a ${env:}/${file:}/${param:} value may have gone into any of it at deploy time.
#pragma once

#include <memory>
#include <ostream>
#include <streambuf>

#include <fstage/deploy/credentials.hpp>

namespace fstage::deploy {

class RedactedOutput {
 public:
  // `redactor` must outlive this object; `out` gets its own buffer back at the end.
  RedactedOutput(std::ostream& out, const Redactor& redactor);
  ~RedactedOutput();
  RedactedOutput(const RedactedOutput&) = delete;
  RedactedOutput& operator=(const RedactedOutput&) = delete;

 private:
  class Buffer;
  std::ostream& m_out;
  std::streambuf* m_original;
  std::unique_ptr<Buffer> m_buffer;
};

}  // namespace fstage::deploy
