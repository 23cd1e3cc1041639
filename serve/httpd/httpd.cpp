// SPDX-License-Identifier: Apache-2.0
// fstage-httpd.so: fstage::serve::HttpServer over cpp-httplib (see http_server.hpp for why this
// is a module of its own).
#include <atomic>
#include <cctype>
#include <string_view>

#include <httplib.h>

#include <fstage/serve/http_server.hpp>

#include <sys/socket.h>

namespace {

using fstage::serve::HttpHandler;
using fstage::serve::HttpRequestData;
using fstage::serve::HttpResponseData;
using fstage::serve::HttpServerOptions;

// httplib stores these pseudo-headers beside the real ones.
bool is_pseudo_header(const std::string& name) {
  return name == "REMOTE_ADDR" || name == "REMOTE_PORT" || name == "LOCAL_ADDR" ||
         name == "LOCAL_PORT";
}

bool is_content_type(const std::string& name) {
  static constexpr std::string_view k_name = "content-type";
  if (name.size() != k_name.size()) {
    return false;
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(name[i])) != k_name[i]) {
      return false;
    }
  }
  return true;
}

class HttplibServer final : public fstage::serve::HttpServer {
 public:
  HttplibServer(const HttpServerOptions& o, HttpHandler handler) : m_handler(std::move(handler)) {
    const auto threads = static_cast<std::size_t>(o.threads > 0 ? o.threads : 1);
    m_server.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
    m_server.set_socket_options([this](int sock) {
      int yes = 1;
      ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
      m_listen_fd = sock;  // the last one made is the one that bound
    });
    m_server.set_tcp_nodelay(true);
    m_server.set_keep_alive_max_count(o.keep_alive_max);
    m_server.set_keep_alive_timeout(o.keep_alive_timeout_s);
    m_server.set_payload_max_length(o.max_body);
    auto h = [this](const httplib::Request& req, httplib::Response& res) { handle(req, res); };
    // A request with neither Content-Length nor Transfer-Encoding has no body (RFC 9112
    // 6.3), but cpp-httplib 0.11 reads a POST, PUT, PATCH or DELETE like that until the
    // connection closes, and answers 400 when its read timeout ends the wait (`curl -X POST`
    // without -d waited 5 s for a 400). Such requests are answered here, before the body
    // would be read, with an empty body as the platform gives them.
    m_server.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
      if (req.has_header("Content-Length") || req.has_header("Transfer-Encoding")) {
        return httplib::Server::HandlerResponse::Unhandled;
      }
      handle(req, res);
      return httplib::Server::HandlerResponse::Handled;
    });
    // A body over the limit is not read (cpp-httplib answers 413 itself, with an empty body):
    // the gateway answers instead, as API Gateway does, with its error and a request id.
    m_server.set_error_handler(httplib::Server::HandlerWithResponse(
        [this](const httplib::Request& req, httplib::Response& res) {
          if (res.status != 413 || res.has_header("X-Request-Id")) {
            return httplib::Server::HandlerResponse::Unhandled;  // the gateway's own answer
          }
          handle(req, res, true);
          return httplib::Server::HandlerResponse::Handled;
        }));
    // Bodies are read here, whole, as API Gateway passes them on: cpp-httplib's own reading
    // would parse a form-urlencoded body into the query parameters (and answer 413 to one
    // over 8 KB), and keep only the parts of a multipart one.
    auto hc = [this](const httplib::Request& req, httplib::Response& res,
                     const httplib::ContentReader& read) {
      std::string body;
      bool ok = req.is_multipart_form_data() ? read_multipart(req, read, body)
                                             : read([&body](const char* data, std::size_t n) {
                                                 body.append(data, n);
                                                 return true;
                                               });
      if (!ok && res.status != 413) {
        res.status = 400;
        return;
      }
      handle(req, res, !ok, &body);
    };
    m_server.Get(".*", h);
    m_server.Post(".*", hc);
    m_server.Put(".*", hc);
    m_server.Patch(".*", hc);
    m_server.Delete(".*", hc);
    m_server.Options(".*", h);
  }

  int bind(const std::string& host, int port) override {
    int bound = port == 0 ? m_server.bind_to_any_port(host)
                          : (m_server.bind_to_port(host, port) ? port : -1);
    // cpp-httplib 0.11 listens with a backlog of 5: a browser or a load test opening dozens
    // of connections at once overflows it, and the dropped SYNs come back a second later.
    // listen(2) again on the bound socket just raises the backlog.
    if (bound > 0 && m_listen_fd >= 0) {
      ::listen(m_listen_fd, SOMAXCONN);
    }
    return bound;
  }
  void listen() override { m_server.listen_after_bind(); }
  void stop() override {
    // cpp-httplib's stop() does nothing until listen() has begun, and a signal may come just
    // before it does: shut the listening socket down first (it stays open until cpp-httplib
    // closes it), which ends an accept loop that has begun and one yet to begin alike.
    if (!m_stopped.exchange(true) && m_listen_fd >= 0) {
      ::shutdown(m_listen_fd, SHUT_RDWR);
    }
    m_server.stop();
  }

 private:
  // A multipart body as the client sent it, rebuilt from its parts (cpp-httplib hands a
  // content reader only the parts): each part's Content-Disposition and Content-Type.
  static bool read_multipart(const httplib::Request& req, const httplib::ContentReader& read,
                             std::string& body) {
    std::string type = req.get_header_value("Content-Type");
    auto b = type.find("boundary=");
    if (b == std::string::npos) {
      return false;
    }
    std::string boundary = type.substr(b + 9);
    if (boundary.size() >= 2 && boundary.front() == '"' && boundary.back() == '"') {
      boundary = boundary.substr(1, boundary.size() - 2);
    }
    bool open = false;
    bool ok = read(
        [&](const httplib::MultipartFormData& part) {
          body += (open ? "\r\n--" : "--") + boundary +
                  "\r\nContent-Disposition: form-data; name=\"" + part.name + "\"";
          if (!part.filename.empty()) {
            body += "; filename=\"" + part.filename + "\"";
          }
          body += "\r\n";
          if (!part.content_type.empty()) {
            body += "Content-Type: " + part.content_type + "\r\n";
          }
          body += "\r\n";
          open = true;
          return true;
        },
        [&](const char* data, std::size_t n) {
          body.append(data, n);
          return true;
        });
    body += (open ? "\r\n--" : "--") + boundary + "--\r\n";
    return ok;
  }

  void handle(const httplib::Request& req, httplib::Response& res, bool too_large = false,
              std::string* body = nullptr) {
    HttpRequestData d;
    d.method = req.method;
    d.path = req.path;
    d.body_too_large = too_large;
    // The query from the request line alone: cpp-httplib also puts the fields of a
    // form-urlencoded body into req.params, which API Gateway keeps in the body.
    if (auto q = req.target.find('?'); q != std::string::npos) {
      httplib::Params params;
      httplib::detail::parse_query_text(req.target.substr(q + 1), params);
      for (const auto& [k, v] : params) {
        d.query.emplace_back(k, v);
      }
    }
    for (const auto& [k, v] : req.headers) {
      if (!is_pseudo_header(k)) {
        d.headers.emplace_back(k, v);
      }
    }
    d.body = body != nullptr ? std::move(*body) : req.body;
    d.remote_addr = req.remote_addr;
    HttpResponseData out;
    m_handler(d, out);
    res.status = out.status;
    res.headers.clear();
    std::string content_type = "text/plain";
    for (const auto& [k, v] : out.headers) {
      if (out.stream && is_content_type(k)) {
        content_type = v;
        continue;
      }
      res.set_header(k.c_str(), v);
    }
    if (out.stream) {
      stream(res, content_type, std::move(out.stream));
      return;
    }
    res.body = std::move(out.body);
  }

  // The body in chunks as the handler's stream produces them. cpp-httplib calls the provider
  // until it returns false (the client went away: a write failed) or calls sink.done(), and
  // stops calling it once the server is stopping.
  static void stream(httplib::Response& res, const std::string& content_type,
                     fstage::serve::HttpStream body) {
    res.set_chunked_content_provider(
        content_type, [body = std::move(body)](std::size_t, httplib::DataSink& sink) {
          bool written = true;
          const bool more = body([&](std::string_view data) {
            written = written && sink.is_writable() && sink.write(data.data(), data.size());
            return written;
          });
          if (!written) {
            return false;
          }
          if (!more) {
            sink.done();
          }
          return true;
        });
  }

  HttpHandler m_handler;
  int m_listen_fd = -1;
  std::atomic<bool> m_stopped{false};
  httplib::Server m_server;
};

}  // namespace

extern "C" fstage::serve::HttpServer* fstage_httpd_create(
    const fstage::serve::HttpServerOptions* options, fstage::serve::HttpHandler* handler) {
  return new HttplibServer(*options, std::move(*handler));
}
