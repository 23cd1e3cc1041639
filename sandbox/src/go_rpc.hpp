// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <fstage/base/error.hpp>
#include <fstage/sandbox/function.hpp>

#include "gob.hpp"
#include "transport.hpp"

namespace fstage::sandbox::detail {

// A header name as Go's net/http hands it to a function (textproto.CanonicalMIMEHeaderKey):
// "x-tenant-id" -> "X-Tenant-Id". http.Header.Get canonicalises the name it looks up, not
// the keys it holds, so a request header must arrive in this form to be found (a flow's
// --header, any X-Cff-* spelt otherwise). A name with a byte Go would not accept in a token
// is left as it is, as Go leaves it.
std::string canonical_header_key(std::string_view key);

// Go functions (PLATFORM.md §1.5): the function binary itself serves net/rpc over HTTP on
// RUNTIME_API_ADDR (runtime.Register). fstage connects inside the sandbox, does the
// "CONNECT /_goRPC_" handshake, and calls Function.Invoke with gob-encoded
// InvokeRequest{Payload, Header}; the reply is InvokeResponse{StatusCode, Payload}, or an
// RPC error whose text is the JSON error body.
class GoRpcTransport final : public Transport {
 public:
  using Connect = std::function<Expected<int>()>;
  explicit GoRpcTransport(Connect connect);
  ~GoRpcTransport() override;
  GoRpcTransport(const GoRpcTransport&) = delete;
  GoRpcTransport& operator=(const GoRpcTransport&) = delete;

  void send_invoke(const InvokeRequest& request, std::int64_t deadline_epoch_ms) override;
  void add_pollfds(std::vector<pollfd>& fds) const override;
  std::optional<Reply> on_poll(std::span<const pollfd> mine) override;
  std::optional<Reply> drain() override;
  int poll_timeout_ms() const override { return m_fd < 0 ? 10 : -1; }

 private:
  void flush();
  std::optional<Reply> read();

  Connect m_connect;
  int m_fd = -1;
  bool m_connected = false;  // the HTTP CONNECT was answered
  std::string m_handshake;
  std::string m_out;
  gob::Encoder m_enc;
  gob::Decoder m_dec;
  std::optional<gob::Value> m_header;  // rpc.Response seen, body pending
  std::uint64_t m_seq = 0;
  bool m_closed = false;
};

}  // namespace fstage::sandbox::detail
