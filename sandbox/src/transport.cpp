// SPDX-License-Identifier: Apache-2.0
#include "transport.hpp"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

#include <fstage/base/json.hpp>

#include <sys/socket.h>

namespace fstage::sandbox::detail {

FramedTransport::FramedTransport(int fd) : m_fd(fd) {
  ::fcntl(m_fd, F_SETFL, ::fcntl(m_fd, F_GETFL) | O_NONBLOCK);
}

FramedTransport::~FramedTransport() {
  if (m_fd >= 0) {
    ::close(m_fd);
  }
}

std::string end_marker(std::string_view request_id) {
  static constexpr char k_prefix[] = "\0fstage:end:";  // the shims' (runtimes/) too
  std::string m(k_prefix, sizeof k_prefix - 1);
  m += request_id;
  m += '\n';
  return m;
}

void FramedTransport::send_invoke(const InvokeRequest& request, std::int64_t deadline_ms) {
  queue_frame({{"type", "invoke"},
               {"request_id", request.request_id},
               {"deadline_ms", deadline_ms},
               {"headers", request.headers},
               {"len", request.event.size()}},
              request.event);
}

void FramedTransport::announce_init(const std::string& request_id) {
  queue_frame({{"type", "init"}, {"request_id", request_id}, {"len", 0}}, "");
}

void FramedTransport::send_queued(const InvokeRequest& request, std::int64_t timeout_ms,
                                  bool mark) {
  queue_frame({{"type", "invoke"},
               {"request_id", request.request_id},
               {"timeout_ms", timeout_ms},
               {"mark", mark},
               {"headers", request.headers},
               {"len", request.event.size()}},
              request.event);
}

void FramedTransport::queue_frame(const Json& header, const std::string& body) {
  m_out.erase(0, m_out_pos);
  m_out_pos = 0;
  m_out += header.dump(-1, ' ', false, Json::error_handler_t::replace);
  m_out += '\n';
  m_out += body;
  flush();
}

void FramedTransport::flush() {
  while (m_out_pos < m_out.size()) {
    ssize_t n = ::send(m_fd, m_out.data() + m_out_pos, m_out.size() - m_out_pos, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      if (errno != EAGAIN) {
        m_eof = true;  // the peer is gone; the instance's end will be noticed
        m_out.clear();
        m_out_pos = 0;
      }
      return;
    }
    m_out_pos += static_cast<std::size_t>(n);
  }
  m_out.clear();
  m_out_pos = 0;
}

void FramedTransport::add_pollfds(std::vector<pollfd>& fds) const {
  short events = POLLIN;
  if (m_out_pos < m_out.size()) {
    events |= POLLOUT;
  }
  fds.push_back({m_eof ? -1 : m_fd, events, 0});
}

std::optional<Reply> FramedTransport::on_poll(std::span<const pollfd> mine) {
  if (mine.empty() || mine[0].revents == 0) {
    return parse();
  }
  if ((mine[0].revents & POLLOUT) != 0) {
    flush();
  }
  return read_and_parse(false);
}

std::optional<Reply> FramedTransport::drain() {
  return read_and_parse(true);
}

std::optional<Reply> FramedTransport::read_and_parse(bool to_end) {
  char buf[65536];
  while (!m_eof) {
    ssize_t n = ::read(m_fd, buf, sizeof(buf));
    if (n > 0) {
      m_in.append(buf, static_cast<std::size_t>(n));
      // A short read took all there was: parse it rather than pay a read that says EAGAIN.
      // An incomplete frame waits for the next poll.
      if (!to_end && static_cast<std::size_t>(n) < sizeof(buf)) {
        break;
      }
      continue;
    }
    if (n == 0) {
      m_eof = true;
    } else if (errno == EINTR) {
      continue;
    } else if (errno != EAGAIN) {
      m_eof = true;
    }
    break;
  }
  auto r = parse();
  if (!r && m_eof) {
    return Reply{Reply::closed, {}};
  }
  return r;
}

std::optional<Reply> FramedTransport::parse() {
  auto nl = m_in.find('\n');
  if (nl == std::string::npos) {
    return std::nullopt;
  }
  Json header =
      Json::parse(m_in.begin(), m_in.begin() + static_cast<std::ptrdiff_t>(nl), nullptr, false);
  if (!header.is_object()) {
    m_in.clear();
    return Reply{Reply::closed, "malformed frame from the runtime shim"};
  }
  std::size_t len = header.value("len", std::size_t{0});
  if (m_in.size() < nl + 1 + len) {
    return std::nullopt;
  }
  Reply r;
  std::string type = header.value("type", "");
  if (type == "exiting") {
    m_exiting = true;  // the last frame: the shim closes the channel next
  }
  r.kind = type == "ready"        ? Reply::ready
           : type == "init_start" ? Reply::init_start
           : type == "init_error" ? Reply::init_error
           : type == "result"     ? Reply::result
           : type == "error"      ? Reply::error
                                  : Reply::closed;
  r.body = m_in.substr(nl + 1, len);
  m_in.erase(0, nl + 1 + len);
  return r;
}

}  // namespace fstage::sandbox::detail
