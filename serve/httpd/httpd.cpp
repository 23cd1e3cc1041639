// SPDX-License-Identifier: Apache-2.0
// fstage-httpd.so: fstage::serve::HttpServer over libevent's evhttp (http_server.hpp says why
// it is a module of its own).
//
// One thread runs the event loop: it accepts, parses and writes every connection, and hands
// each request to the asynchronous handler (a function's route: no thread of the server's is
// held while the function runs) or else to a worker thread running the synchronous handler.
// Answers come back to the loop through one queue and an eventfd: a wake-up carries every
// answer that is ready, not one.
//
// Why not cpp-httplib's thread per connection: each request then costs two thread hand-overs
// of its own (bench/serve-arch measures it), and on a 2-core machine at 16 connections that
// halves the throughput.
//
// evhttp's rules this file keeps: an evhttp_request stays valid until evhttp_send_reply() or
// evhttp_send_reply_end() is called on it, even if its connection has gone (evhttp then frees
// it there); everything evhttp is touched on the loop's thread alone. A request counts as
// answered once its answer is written (or its connection gone), not when it is handed to evhttp:
// stop() must not close a connection with an answer still in its buffer.
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <netdb.h>
#include <string>
#include <string_view>
#include <unistd.h>
#include <unordered_map>
#include <utility>
#include <vector>

#include <fstage/serve/http_server.hpp>

#include "handoff.hpp"
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/util.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

namespace {

using fstage::serve::HttpAsyncHandler;
using fstage::serve::HttpHandler;
using fstage::serve::HttpReply;
using fstage::serve::HttpRequestData;
using fstage::serve::HttpResponseData;
using fstage::serve::HttpServerOptions;
using fstage::serve::httpd::Mailbox;
using fstage::serve::httpd::Workers;

bool equals_lower(std::string_view name, std::string_view lower) {
  if (name.size() != lower.size()) {
    return false;
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
    if (c != lower[i]) {
      return false;
    }
  }
  return true;
}

// The framing is evhttp's to write: a handler's own Content-Length, Transfer-Encoding or
// Connection would contradict it.
bool is_framing_header(std::string_view name) {
  return equals_lower(name, "content-length") || equals_lower(name, "transfer-encoding") ||
         equals_lower(name, "connection");
}

// Percent-decoding (with '+' as a space in a query), as evhttp_uridecode() does it.
std::string uri_decode(std::string_view s, bool plus) {
  std::string raw(s);
  std::size_t n = 0;
  char* decoded = ::evhttp_uridecode(raw.c_str(), plus ? 1 : 0, &n);
  if (decoded == nullptr) {
    return raw;
  }
  std::string out(decoded, n);
  std::free(decoded);
  return out;
}

// The query's fields in the order sent: split at '&', then at the first '='; a field without
// a name is skipped.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view q) {
  std::vector<std::pair<std::string, std::string>> out;
  while (!q.empty()) {
    const std::size_t amp = q.find('&');
    std::string_view field = q.substr(0, amp);
    q = amp == std::string_view::npos ? std::string_view() : q.substr(amp + 1);
    const std::size_t eq = field.find('=');
    std::string_view key = field.substr(0, eq);
    if (key.empty()) {
      continue;
    }
    out.emplace_back(uri_decode(key, true), eq == std::string_view::npos
                                                ? std::string()
                                                : uri_decode(field.substr(eq + 1), true));
  }
  return out;
}

const char* method_name(evhttp_cmd_type type) {
  switch (type) {
    case EVHTTP_REQ_GET:
      return "GET";
    case EVHTTP_REQ_POST:
      return "POST";
    case EVHTTP_REQ_HEAD:
      return "HEAD";
    case EVHTTP_REQ_PUT:
      return "PUT";
    case EVHTTP_REQ_DELETE:
      return "DELETE";
    case EVHTTP_REQ_OPTIONS:
      return "OPTIONS";
    case EVHTTP_REQ_PATCH:
      return "PATCH";
    default:
      return "GET";  // not allowed (evhttp_set_allowed_methods): never handed over
  }
}

class EvhttpServer;

// One request being answered. The server keeps it until the answer is written; the handler
// that answers keeps it through HttpReply.
class Reply final : public HttpReply, public std::enable_shared_from_this<Reply> {
 public:
  Reply(std::shared_ptr<Mailbox> mailbox, EvhttpServer* server, evhttp_request* req)
      : m_mailbox(std::move(mailbox)), m_server(server), m_req(req) {}
  ~Reply() override;
  Reply(const Reply&) = delete;
  Reply& operator=(const Reply&) = delete;

  bool send(HttpResponseData response) override;
  void deadline(std::chrono::milliseconds after, std::function<void()> late) override;

  // The loop's side.
  evhttp_request* request() const { return m_req; }
  void cancel_deadline();
  static void on_deadline(evutil_socket_t, short, void* arg);
  static void on_close(evhttp_connection*, void* arg);
  static void on_complete(evhttp_request*, void* arg);
  // Watches the connection until the answer is written: finish() then, or once it closes.
  void watch_writing();

  std::atomic<bool> gone{false};  // the client went away (a stream's worker reads it)
  bool streaming = false;         // the loop's: the stream's end is still to come

 private:
  std::shared_ptr<Mailbox> m_mailbox;
  EvhttpServer* m_server;
  evhttp_request* m_req;
  std::atomic<bool> m_sent{false};
  event* m_timer = nullptr;  // the loop's
  std::function<void()> m_late;
};

class EvhttpServer final : public fstage::serve::HttpServer {
 public:
  EvhttpServer(const HttpServerOptions& o, HttpHandler handler, HttpAsyncHandler async)
      : m_options(o),
        m_handler(std::move(handler)),
        m_async(std::move(async)),
        m_workers(static_cast<std::size_t>(o.threads)) {}

  bool init() {
    // The changelist: evhttp turns a connection's read and write interest off and on again
    // around each request; applied at the next wait, those changes mostly cancel out instead
    // of each costing an epoll_ctl.
    event_config* config = ::event_config_new();
    if (config == nullptr) {
      return false;
    }
    ::event_config_set_flag(config, EVENT_BASE_FLAG_EPOLL_USE_CHANGELIST);
    m_base = ::event_base_new_with_config(config);
    ::event_config_free(config);
    m_http = m_base != nullptr ? ::evhttp_new(m_base) : nullptr;
    m_scratch = ::evbuffer_new();
    if (m_http == nullptr || m_scratch == nullptr || m_mailbox->fd() < 0) {
      return false;
    }
    m_wake =
        ::event_new(m_base, m_mailbox->fd(), EV_READ | EV_PERSIST, &EvhttpServer::on_wake, this);
    if (m_wake == nullptr || ::event_add(m_wake, nullptr) != 0) {
      return false;
    }
    ::evhttp_set_allowed_methods(m_http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD |
                                             EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE |
                                             EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH);
    // A body over the limit is read (up to four times the limit) and handed over marked too
    // large, for the gateway to answer as API Gateway does, with its error and a request id.
    // Beyond that, a Content-Length is refused before the body is read, with evhttp's own 413.
    ::evhttp_set_max_body_size(m_http, static_cast<ev_ssize_t>(m_options.max_body * 4));
    ::evhttp_set_max_headers_size(m_http, 256 * 1024);
    ::evhttp_set_timeout(m_http, m_options.keep_alive_timeout_s);
    ::evhttp_set_default_content_type(m_http, nullptr);
    ::evhttp_set_gencb(m_http, &EvhttpServer::on_request, this);
    return true;
  }

  ~EvhttpServer() override {
    m_mailbox->close();  // late answers are dropped from here on
    if (m_http != nullptr) {
      ::evhttp_free(m_http);  // closes every connection, frees the requests left
    }
    for (auto& [reply, keep] : m_pending) {
      reply->cancel_deadline();
    }
    m_pending.clear();
    if (m_wake != nullptr) {
      ::event_free(m_wake);
    }
    if (m_scratch != nullptr) {
      ::evbuffer_free(m_scratch);
    }
    if (m_base != nullptr) {
      ::event_base_free(m_base);
    }
  }

  int bind(const std::string& host, int port) override {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(port);
    if (::getaddrinfo(host.empty() ? nullptr : host.c_str(), service.c_str(), &hints, &found) !=
        0) {
      return -1;
    }
    int fd = -1;
    for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
      fd = ::socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, a->ai_protocol);
      if (fd < 0) {
        continue;
      }
      int yes = 1;
      ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);  // never SO_REUSEPORT
      // Linux gives accepted sockets the listener's TCP_NODELAY: an answer goes out at once.
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof yes);
      if (::bind(fd, a->ai_addr, a->ai_addrlen) != 0 || ::listen(fd, SOMAXCONN) != 0) {
        ::close(fd);
        fd = -1;
      }
    }
    ::freeaddrinfo(found);
    if (fd < 0) {
      return -1;
    }
    sockaddr_storage bound{};
    socklen_t len = sizeof bound;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &len);
    m_listener = ::evhttp_accept_socket_with_handle(m_http, fd);
    if (m_listener == nullptr) {
      ::close(fd);
      return -1;
    }
    return bound.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&bound)->sin6_port)
                                       : ntohs(reinterpret_cast<sockaddr_in*>(&bound)->sin_port);
  }

  void listen() override {
    m_mailbox->set_loop_thread();
    ::event_base_dispatch(m_base);
    m_mailbox->close();
  }

  void stop() override {
    m_stop_requested = true;  // streams end at their next turn
    m_mailbox->post([this] {
      m_stopping = true;
      if (m_listener != nullptr) {
        ::evhttp_del_accept_socket(m_http, m_listener);  // closes it: connections are refused
        m_listener = nullptr;
      }
      end_if_done();
    });
  }

  // The loop: writes `response` as the answer to `reply`'s request.
  void deliver(Reply& reply, HttpResponseData response) {
    reply.cancel_deadline();
    evhttp_request* req = reply.request();
    evkeyvalq* headers = ::evhttp_request_get_output_headers(req);
    bool typed = false;
    for (const auto& [k, v] : response.headers) {
      if (is_framing_header(k)) {
        continue;
      }
      typed = typed || equals_lower(k, "content-type");
      // evhttp refuses a name or value that would split the header (CR, LF): it is dropped.
      ::evhttp_add_header(headers, k.c_str(), v.c_str());
    }
    if (!typed && (response.stream || !response.body.empty())) {
      ::evhttp_add_header(headers, "Content-Type", "text/plain");
    }
    if (m_stopping) {
      ::evhttp_add_header(headers, "Connection", "close");
    }
    if (response.stream) {
      start_stream(reply, response.status, std::move(response.stream));
      return;
    }
    if (response.body.size() > 64 * 1024) {
      // Handed to evhttp as it is, freed once written: a 6 MB body is not copied.
      auto* owned = new std::string(std::move(response.body));
      ::evbuffer_add_reference(
          m_scratch, owned->data(), owned->size(),
          [](const void*, size_t, void* s) { delete static_cast<std::string*>(s); }, owned);
    } else {
      ::evbuffer_add(m_scratch, response.body.data(), response.body.size());
    }
    const bool connected = ::evhttp_request_get_connection(req) != nullptr;
    if (connected) {
      reply.watch_writing();
    }
    ::evhttp_send_reply(req, response.status, nullptr, m_scratch);
    clear_scratch();  // evhttp leaves it as it was when the connection has gone
    if (!connected) {
      finish(reply);  // evhttp freed the request: nobody to write to
    }
  }

  void after_loop_ms(event* ev, std::chrono::milliseconds after) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(after.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((after.count() % 1000) * 1000);
    ::event_add(ev, &tv);
  }
  event_base* base() const { return m_base; }

 private:
  static void on_wake(evutil_socket_t, short, void* arg) {
    auto* self = static_cast<EvhttpServer*>(arg);
    for (auto& fn : self->m_mailbox->take()) {
      fn();
    }
  }

  static void on_request(evhttp_request* req, void* arg) {
    static_cast<EvhttpServer*>(arg)->take(req);
  }

  void take(evhttp_request* req) {
    auto reply = std::make_shared<Reply>(m_mailbox, this, req);
    m_pending.emplace(reply.get(), reply);
    HttpRequestData d = read_request(req);
    if (m_async && m_async(d, reply)) {
      return;
    }
    m_workers.run([this, reply, d = std::move(d)]() {
      HttpResponseData out;
      m_handler(d, out);
      reply->send(std::move(out));
    });
  }

  HttpRequestData read_request(evhttp_request* req) const {
    HttpRequestData d;
    d.method = method_name(::evhttp_request_get_command(req));
    const evhttp_uri* uri = ::evhttp_request_get_evhttp_uri(req);
    const char* path = uri != nullptr ? ::evhttp_uri_get_path(uri) : nullptr;
    d.path = uri_decode(path != nullptr && *path != '\0' ? path : "/", false);
    if (const char* query = uri != nullptr ? ::evhttp_uri_get_query(uri) : nullptr) {
      d.query = parse_query(query);
    }
    const evkeyvalq* in = ::evhttp_request_get_input_headers(req);
    for (const evkeyval* h = in->tqh_first; h != nullptr; h = h->next.tqe_next) {
      d.headers.emplace_back(h->key, h->value);
    }
    evbuffer* body = ::evhttp_request_get_input_buffer(req);
    const std::size_t n = ::evbuffer_get_length(body);
    if (n > m_options.max_body) {
      d.body_too_large = true;
      ::evbuffer_drain(body, n);
    } else if (n > 0) {
      d.body.resize(n);
      ::evbuffer_remove(body, d.body.data(), n);
    }
    char* address = nullptr;
    ev_uint16_t port = 0;
    ::evhttp_connection_get_peer(::evhttp_request_get_connection(req), &address, &port);
    if (address != nullptr) {
      d.remote_addr = address;
    }
    return d;
  }

  // A streamed answer: the headers now, then each piece the stream writes, from a worker
  // thread, until it ends or the client goes.
  void start_stream(Reply& reply, int status, fstage::serve::HttpStream stream) {
    evhttp_request* req = reply.request();
    reply.streaming = true;
    if (::evhttp_request_get_connection(req) != nullptr) {
      reply.watch_writing();
    } else {
      reply.gone = true;  // the client went while the handler ran
    }
    ::evhttp_send_reply_start(req, status, nullptr);
    std::shared_ptr<Reply> self = reply.shared_from_this();
    std::shared_ptr<Mailbox> mailbox = m_mailbox;
    m_workers.run([this, self, mailbox, stream = std::move(stream)] {
      auto write = [&](std::string_view data) {
        if (self->gone) {
          return false;
        }
        return mailbox->post([this, self, piece = std::string(data)] {
          if (!self->gone) {
            ::evbuffer_add(m_scratch, piece.data(), piece.size());
            ::evhttp_send_reply_chunk(self->request(), m_scratch);
            clear_scratch();
          }
        });
      };
      while (!self->gone && !m_stop_requested && stream(write)) {
      }
      mailbox->post([this, self] {
        self->streaming = false;
        // Its last chunk written, evhttp calls on_complete; with the connection gone it frees
        // the request here.
        ::evhttp_send_reply_end(self->request());
        if (self->gone) {
          finish(*self);
        }
      });
    });
  }

  void clear_scratch() { ::evbuffer_drain(m_scratch, ::evbuffer_get_length(m_scratch)); }

 public:
  // The loop: `reply`'s answer is written, or its connection gone.
  void finish(Reply& reply) {
    m_pending.erase(&reply);
    end_if_done();
  }

  void end_if_done() {
    if (m_stopping && m_pending.empty()) {
      ::event_base_loopbreak(m_base);
    }
  }

  const HttpServerOptions m_options;
  HttpHandler m_handler;
  HttpAsyncHandler m_async;
  std::shared_ptr<Mailbox> m_mailbox = std::make_shared<Mailbox>();
  event_base* m_base = nullptr;
  evhttp* m_http = nullptr;
  evhttp_bound_socket* m_listener = nullptr;
  event* m_wake = nullptr;
  evbuffer* m_scratch = nullptr;  // a response's body on its way into evhttp
  // The loop's: every request taken and not yet answered.
  std::unordered_map<Reply*, std::shared_ptr<Reply>> m_pending;
  bool m_stopping = false;
  std::atomic<bool> m_stop_requested{false};
  Workers m_workers;  // last: its threads end before the rest goes
};

Reply::~Reply() = default;

bool Reply::send(HttpResponseData response) {
  if (m_sent.exchange(true)) {
    return false;
  }
  if (m_mailbox->on_loop()) {
    m_server->deliver(*this, std::move(response));
    return true;
  }
  std::shared_ptr<Reply> self = shared_from_this();
  m_mailbox->post([self, response = std::move(response)]() mutable {
    self->m_server->deliver(*self, std::move(response));
  });
  return true;
}

void Reply::deadline(std::chrono::milliseconds after, std::function<void()> late) {
  if (m_sent || m_timer != nullptr) {
    return;
  }
  m_late = std::move(late);
  m_timer = ::event_new(m_server->base(), -1, 0, &Reply::on_deadline, this);
  if (m_timer != nullptr) {
    m_server->after_loop_ms(m_timer, after);
  }
}

void Reply::cancel_deadline() {
  if (m_timer != nullptr) {
    ::event_free(m_timer);
    m_timer = nullptr;
  }
  m_late = nullptr;
}

void Reply::on_deadline(evutil_socket_t, short, void* arg) {
  auto* self = static_cast<Reply*>(arg);
  std::shared_ptr<Reply> keep = self->shared_from_this();  // send() may finish the request
  std::function<void()> late = std::move(self->m_late);
  ::event_free(self->m_timer);  // a one-shot timer that has fired: freed in its callback
  self->m_timer = nullptr;
  if (!self->m_sent && late) {
    late();
  }
}

void Reply::watch_writing() {
  ::evhttp_connection_set_closecb(::evhttp_request_get_connection(m_req), &Reply::on_close, this);
  ::evhttp_request_set_on_complete_cb(m_req, &Reply::on_complete, this);
}

// The connection closed before the answer was written (a stream's client went away, or a
// write failed). A stream's end is still to come from its worker; it finishes then.
void Reply::on_close(evhttp_connection*, void* arg) {
  auto* self = static_cast<Reply*>(arg);
  self->gone = true;
  if (!self->streaming) {
    self->m_server->finish(*self);
  }
}

// The answer is written. The connection lives on (keep-alive): it no longer reports to us.
void Reply::on_complete(evhttp_request* req, void* arg) {
  auto* self = static_cast<Reply*>(arg);
  if (evhttp_connection* c = ::evhttp_request_get_connection(req)) {
    ::evhttp_connection_set_closecb(c, nullptr, nullptr);
  }
  self->m_server->finish(*self);
}

}  // namespace

extern "C" fstage::serve::HttpServer* fstage_httpd_create_v2(
    const fstage::serve::HttpServerOptions* options, fstage::serve::HttpHandler* handler,
    fstage::serve::HttpAsyncHandler* async) {
  auto server = std::make_unique<EvhttpServer>(*options, *handler,
                                               async != nullptr ? *async : HttpAsyncHandler());
  if (!server->init()) {
    return nullptr;
  }
  return server.release();
}
