// SPDX-License-Identifier: Apache-2.0
#include <string>

#include <fstage/deploy/redacted_output.hpp>

namespace fstage::deploy {

// Holds a line until its newline (a secret is never cut in two by the redaction), or until
// the stream is flushed: output that ends without a newline, a prompt, a --follow loop's
// flush, goes out then.
class RedactedOutput::Buffer : public std::streambuf {
 public:
  Buffer(std::streambuf* to, const Redactor& redactor) : m_to(to), m_redactor(redactor) {}
  ~Buffer() override { emit(); }

 protected:
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) {
      return traits_type::not_eof(c);
    }
    m_line.push_back(traits_type::to_char_type(c));
    if (c == '\n') {
      emit();
    }
    return c;
  }

  std::streamsize xsputn(const char* s, std::streamsize n) override {
    for (std::streamsize i = 0; i < n; ++i) {
      m_line.push_back(s[i]);
      if (s[i] == '\n') {
        emit();
      }
    }
    return n;
  }

  int sync() override {
    emit();
    return m_to->pubsync();
  }

 private:
  void emit() {
    if (m_line.empty()) {
      return;
    }
    const std::string shown = m_redactor(m_line);
    m_to->sputn(shown.data(), static_cast<std::streamsize>(shown.size()));
    m_line.clear();
  }

  std::streambuf* m_to;
  const Redactor& m_redactor;
  std::string m_line;
};

RedactedOutput::RedactedOutput(std::ostream& out, const Redactor& redactor)
    : m_out(out),
      m_original(out.rdbuf()),
      m_buffer(std::make_unique<Buffer>(m_original, redactor)) {
  m_out.rdbuf(m_buffer.get());
}

RedactedOutput::~RedactedOutput() {
  m_out.flush();
  m_out.rdbuf(m_original);
}

}  // namespace fstage::deploy
