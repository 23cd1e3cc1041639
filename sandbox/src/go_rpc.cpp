// SPDX-License-Identifier: Apache-2.0
#include "go_rpc.hpp"

#include <cerrno>
#include <fcntl.h>
#include <string_view>
#include <unistd.h>

#include <sys/socket.h>

namespace fstage::sandbox::detail {

namespace {

// net/rpc's HTTP handshake (rpc.DefaultRPCPath and the server's reply).
constexpr std::string_view k_connect = "CONNECT /_goRPC_ HTTP/1.0\n\n";
constexpr std::string_view k_connected = "HTTP/1.0 200 Connected to Go RPC\n\n";

bool is_token_byte(unsigned char c) {
  if (c >= 0x7f || c <= 0x20) {
    return false;
  }
  return std::string_view("\"(),/:;<=>?@[\\]{}").find(static_cast<char>(c)) ==
         std::string_view::npos;
}

}  // namespace

std::string canonical_header_key(std::string_view key) {
  std::string out(key);
  for (char c : out) {
    if (!is_token_byte(static_cast<unsigned char>(c))) {
      return out;
    }
  }
  bool upper = true;
  for (char& c : out) {
    if (upper && c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    } else if (!upper && c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
    upper = c == '-';
  }
  return out;
}

GoRpcTransport::GoRpcTransport(Connect connect) : m_connect(std::move(connect)) {}

GoRpcTransport::~GoRpcTransport() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

void GoRpcTransport::send_invoke(const InvokeRequest& request, std::int64_t deadline_ms) {
  std::map<std::string, std::vector<std::string>> header;
  // http.Header keys in canonical form, as Go's Header.Get looks them up.
  header["X-Cff-Request-Id"] = {request.request_id};
  header["X-Cff-Invoke-Type"] = {"sync"};
  header["X-Cff-Deadline-Ms"] = {std::to_string(deadline_ms)};
  for (const auto& [k, v] : request.headers) {
    header[canonical_header_key(k)] = {v};
  }
  m_out += m_enc.request("Function.Invoke", m_seq++);
  m_out += m_enc.invoke_request(request.event, header);
  flush();
}

void GoRpcTransport::flush() {
  while (m_fd >= 0 && m_connected && !m_out.empty()) {
    ssize_t n = ::send(m_fd, m_out.data(), m_out.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      if (errno != EAGAIN) {
        m_closed = true;
      }
      return;
    }
    m_out.erase(0, static_cast<std::size_t>(n));
  }
}

void GoRpcTransport::add_pollfds(std::vector<pollfd>& fds) const {
  short ev = POLLIN;
  if (!m_out.empty()) {
    ev |= POLLOUT;
  }
  fds.push_back({m_closed ? -1 : m_fd, ev, 0});
}

std::optional<Reply> GoRpcTransport::read() {
  char buf[65536];
  while (m_fd >= 0 && !m_closed) {
    ssize_t n = ::read(m_fd, buf, sizeof(buf));
    if (n > 0) {
      std::string_view data(buf, static_cast<std::size_t>(n));
      if (!m_connected) {
        m_handshake.append(data);
        if (m_handshake.size() < k_connected.size()) {
          continue;
        }
        if (!m_handshake.starts_with(k_connected)) {
          m_closed = true;
          return Reply{Reply::init_error,
                       error_body("FunctionLoadError",
                                  "RUNTIME_API_ADDR does not answer as a Go net/rpc server "
                                  "(is runtime.Register called?)")};
        }
        m_connected = true;
        m_dec.feed(std::string_view(m_handshake).substr(k_connected.size()));
        flush();
        return Reply{Reply::ready, {}};
      }
      m_dec.feed(data);
      continue;
    }
    if (n < 0 && errno == EINTR) {
      continue;
    }
    if (n == 0 || errno != EAGAIN) {
      m_closed = true;
    }
    break;
  }
  while (auto v = m_dec.next()) {
    if (!m_header) {
      m_header = std::move(*v);  // rpc.Response{ServiceMethod, Seq, Error}
      continue;
    }
    std::string err = m_header->str("Error");
    m_header.reset();
    if (!err.empty()) {
      return Reply{Reply::error, err};
    }
    return Reply{Reply::result, v->str("Payload")};
  }
  if (m_dec.error()) {
    m_closed = true;
    return Reply{Reply::error,
                 error_body("FunctionInvokeError", "malformed net/rpc reply from the function")};
  }
  return std::nullopt;
}

std::optional<Reply> GoRpcTransport::on_poll(std::span<const pollfd> mine) {
  if (m_fd < 0) {
    // The function may not listen yet: connect at each tick until it does.
    auto fd = m_connect();
    if (!fd) {
      return std::nullopt;
    }
    m_fd = *fd;
    ::fcntl(m_fd, F_SETFL, ::fcntl(m_fd, F_GETFL) | O_NONBLOCK);
    ::send(m_fd, k_connect.data(), k_connect.size(), MSG_NOSIGNAL);
    return std::nullopt;
  }
  if (!mine.empty() && (mine[0].revents & POLLOUT) != 0) {
    flush();
  }
  if (!mine.empty() && mine[0].revents != 0) {
    return read();
  }
  return std::nullopt;
}

std::optional<Reply> GoRpcTransport::drain() {
  auto r = read();
  if (!r || (r->kind != Reply::result && r->kind != Reply::error)) {
    return Reply{Reply::closed, {}};
  }
  return r;
}

}  // namespace fstage::sandbox::detail
