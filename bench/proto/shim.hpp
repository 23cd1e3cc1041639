// SPDX-License-Identifier: Apache-2.0
// bench/proto/shim.hpp: what the experiments share (not product code): starting fstage's
// Node.js shim as fstage starts it (fd 3 a socket, RUNTIME_HANDLER, RUNTIME_CODE_ROOT, from
// the BOOTSTRAP and CODE_ROOT environment variables), an invoke frame carrying a minimal APIG
// event, and reading one frame of the shim's channel ({type, len}\n then len bytes).
#pragma once

#include <cstdlib>
#include <string>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <sys/socket.h>

namespace proto {

using Json = nlohmann::json;

// The parent's end of a new shim's socket.
inline int start_shim() {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
    std::exit(1);
  }
  if (fork() == 0) {
    dup2(sv[1], 3);
    setenv("RUNTIME_HANDLER", "handler.hello", 1);
    setenv("RUNTIME_CODE_ROOT", std::getenv("CODE_ROOT"), 1);
    execl("/usr/bin/node", "node", std::getenv("BOOTSTRAP"), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(sv[1]);
  return sv[0];
}

inline std::string invoke_frame(const std::string& method, const std::string& path,
                                const std::string& body, long id) {
  Json event = {{"httpMethod", method},
                {"path", path},
                {"resource", path},
                {"headers", Json::object()},
                {"queryStringParameters", Json::object()},
                {"body", body},
                {"isBase64Encoded", false},
                {"requestContext", {{"requestId", std::to_string(id)}, {"stage", "RELEASE"}}}};
  const std::string b = event.dump();
  Json h = {{"type", "invoke"},
            {"request_id", std::to_string(id)},
            {"deadline_ms", 0},
            {"headers", Json::object()},
            {"len", b.size()}};
  return h.dump() + "\n" + b;
}

// One whole frame taken from the front of `in`; false until one is there.
inline bool take_frame(std::string& in, std::string& type, std::string& body) {
  auto nl = in.find('\n');
  if (nl == std::string::npos) {
    return false;
  }
  Json h = Json::parse(in.substr(0, nl));
  const std::size_t len = h.value("len", std::size_t{0});
  if (in.size() < nl + 1 + len) {
    return false;
  }
  type = h.value("type", "");
  body = in.substr(nl + 1, len);
  in.erase(0, nl + 1 + len);
  return true;
}

// Blocking: the next answer's body (the shim's "ready" skipped); false once the shim is gone.
inline bool read_answer(int fd, std::string& in, std::string& body) {
  std::string type;
  for (;;) {
    if (take_frame(in, type, body)) {
      if (type != "ready") {
        return true;
      }
      continue;
    }
    char buf[65536];
    ssize_t n = read(fd, buf, sizeof buf);
    if (n <= 0) {
      return false;
    }
    in.append(buf, static_cast<std::size_t>(n));
  }
}

}  // namespace proto
