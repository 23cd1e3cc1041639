// SPDX-License-Identifier: Apache-2.0
// How the supervisor talks to one runtime instance. Each runtime protocol (fstage's framed
// channel for the built-in shims; later the custom-runtime HTTP API, Go's net/rpc, HTTP
// functions) implements this non-blocking interface, so one poll loop drives them all.
#pragma once

#include <cstdint>
#include <optional>
#include <poll.h>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fstage/base/json.hpp>
#include <fstage/sandbox/function.hpp>

namespace fstage::sandbox::detail {

struct Reply {
  // init_start: the runtime is about to call the initializer (fstage's shims say so, so that
  // initializer_timeout counts the initializer alone, not the interpreter's start). closed: the
  // channel ended (Transport::exiting() says whether the runtime said why).
  enum Kind { ready, init_start, init_error, result, error, closed } kind = closed;
  std::string body;
  // What the platform's response limit counts when it is not `body` itself: an HTTP
  // function's body before it is base64-encoded into the result.
  std::optional<std::size_t> limited_bytes;

  Reply() = default;
  Reply(Kind k, std::string b, std::optional<std::size_t> limited = std::nullopt)
      : kind(k), body(std::move(b)), limited_bytes(limited) {}
};

class Transport {
 public:
  virtual ~Transport() = default;
  // Queues an invocation; the bytes go out from poll() as the peer reads.
  virtual void send_invoke(const InvokeRequest& request, std::int64_t deadline_epoch_ms) = 0;
  // Appends the descriptors to poll and their events.
  virtual void add_pollfds(std::vector<pollfd>& fds) const = 0;
  // Handles the entries it added (`mine`, with their revents); returns a reply once one is
  // complete.
  virtual std::optional<Reply> on_poll(std::span<const pollfd> mine) = 0;
  // Reads whatever is already buffered without waiting (after the instance ended).
  virtual std::optional<Reply> drain() = 0;
  // The request id the runtime's initializer runs under, given before it starts it: its log
  // lines carry the id the supervisor logs its output under (fstage's shims; the others make
  // their own).
  virtual void announce_init(const std::string& request_id) { (void)request_id; }
  // The longest the poll loop may sleep before calling on_poll again (-1: no limit), for a
  // transport that must retry something, like connecting to a server that is starting.
  virtual int poll_timeout_ms() const { return -1; }
  // A reply already read and buffered (one that came in the same read as the last), without
  // reading anything.
  virtual std::optional<Reply> buffered() { return std::nullopt; }
  // The runtime said it is ending (an uncaught exception) after answering what ran: the
  // requests it has not answered never started. Its channel reads as closed from then on.
  virtual bool exiting() const { return false; }
  // Whether an invocation may be queued in the runtime while it runs another (fstage's framed
  // shims: they start the next once the last is answered), with send_queued().
  virtual bool takes_queued() const { return false; }
  // takes_queued() only: queues `request`; the runtime starts it once free, its deadline
  // `timeout_ms` from then. With `mark`, the runtime writes end_marker(its id) into each of its
  // output pipes (stdout's alone when stderr shares it) after its output, before its answer.
  virtual void send_queued(const InvokeRequest& request, std::int64_t timeout_ms, bool mark) {
    (void)request;
    (void)timeout_ms;
    (void)mark;
  }
};

// The line a framed shim writes after a marked invocation's output (send_queued): what comes
// after it in the pipe is the next invocation's.
std::string end_marker(std::string_view request_id);

// fstage's channel for the Python, Node.js and Java shims over an inherited socket (fd 3 in
// the sandbox): a line of JSON, then "len" bytes of body, both ways (see the shims). Chosen
// over the custom-runtime HTTP API because it needs no listener, no loopback network and no
// HTTP client in the shim (Python's http.client alone costs milliseconds of import on every
// cold start), frames binary payloads exactly, and the socket cannot be reached by anything
// but the instance it was handed to.
class FramedTransport final : public Transport {
 public:
  explicit FramedTransport(int fd);  // takes ownership; made non-blocking
  ~FramedTransport() override;
  FramedTransport(const FramedTransport&) = delete;
  FramedTransport& operator=(const FramedTransport&) = delete;

  void send_invoke(const InvokeRequest& request, std::int64_t deadline_epoch_ms) override;
  // A frame {"type":"init","request_id"}, the first: the shim's initializer reads it, and a
  // shim without one skips it.
  void announce_init(const std::string& request_id) override;
  bool takes_queued() const override { return true; }
  std::optional<Reply> buffered() override { return parse(); }
  bool exiting() const override { return m_exiting; }
  void send_queued(const InvokeRequest& request, std::int64_t timeout_ms, bool mark) override;
  void add_pollfds(std::vector<pollfd>& fds) const override;
  std::optional<Reply> on_poll(std::span<const pollfd> mine) override;
  std::optional<Reply> drain() override;

 private:
  void flush();
  void queue_frame(const Json& header, const std::string& body);
  // Reads what has arrived: once (after poll said readable), or until the end (`to_end`).
  std::optional<Reply> read_and_parse(bool to_end);
  std::optional<Reply> parse();

  int m_fd = -1;
  std::string m_out;
  std::size_t m_out_pos = 0;
  std::string m_in;
  bool m_eof = false;
  bool m_exiting = false;  // the shim's {"type":"exiting"} came
};

}  // namespace fstage::sandbox::detail
