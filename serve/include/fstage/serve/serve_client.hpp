// SPDX-License-Identifier: Apache-2.0
// A client of a running `fstage serve` for `fstage logs` and `fstage emit`: plain HTTP/1.1 over a
// socket (serve listens on a local address without TLS), libc alone, so that the CLI loads no HTTP
// library.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <string_view>

#include <fstage/base/error.hpp>

namespace fstage::serve {

struct ServeAddress {
  std::string host;  // as given: an IPv4/IPv6 literal or a name
  int port = 80;
  std::string url;  // http://host:port, as shown in messages
};

// "http://127.0.0.1:8080" (a trailing path is ignored). Errors: usage.
Expected<ServeAddress> parse_serve_url(std::string_view url);

// GET `target` and the whole body of a 200 answer. Errors: network (cannot connect, the
// connection broke, `timeout` passed), remote (another status: its body in the message).
Expected<std::string> serve_get(const ServeAddress& at, const std::string& target,
                                std::chrono::milliseconds timeout);

struct ServeAnswer {
  int status = 0;
  std::string body;
};

// Sends `method target` with `body` (`content_type`) and reads the whole answer, whatever its
// status (`fstage emit`). Errors: network (as serve_get).
Expected<ServeAnswer> serve_send(const ServeAddress& at, const std::string& method,
                                 const std::string& target, std::string_view body,
                                 const std::string& content_type,
                                 std::chrono::milliseconds timeout);

// Reads the server-sent events at `target` as they come: `on_event(type, data)` for each
// whole event. Returns when the server ends the stream (serve stopped), when `stop()` says
// so (asked at least every 100 ms), or on an error (network, remote as serve_get).
Expected<void> serve_follow(
    const ServeAddress& at, const std::string& target,
    const std::function<void(std::string_view type, std::string_view data)>& on_event,
    const std::function<bool()>& stop);

}  // namespace fstage::serve
