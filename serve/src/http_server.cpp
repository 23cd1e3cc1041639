// SPDX-License-Identifier: Apache-2.0
#include <cstdlib>
#include <dlfcn.h>
#include <filesystem>
#include <string>
#include <vector>

#include <fstage/base/json_text.hpp>
#include <fstage/base/module_path.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/serve/http_server.hpp>

namespace fstage::serve {

const std::string* find_header(const HttpRequestData& request, std::string_view name) {
  for (const auto& [k, v] : request.headers) {
    if (k.size() == name.size() && to_lower(k) == to_lower(name)) {
      return &v;
    }
  }
  return nullptr;
}

std::string query_value(const HttpRequestData& request, std::string_view key) {
  for (const auto& [k, v] : request.query) {
    if (k == key) {
      return v;
    }
  }
  return "";
}

HttpResponseData json_response(int status, const OrderedJson& body) {
  HttpResponseData r;
  r.status = status;
  r.headers.emplace_back("Content-Type", "application/json");
  r.body = json_text(body);
  return r;
}

namespace {

namespace fs = std::filesystem;

constexpr const char* k_module = "fstage-httpd.so";

}  // namespace

Expected<std::unique_ptr<HttpServer>> make_http_server(const HttpServerOptions& options,
                                                       HttpHandler handler,
                                                       HttpAsyncHandler async) {
  std::vector<std::string> tried;
  for (const auto& path : module_candidates(k_module, "FSTAGE_HTTPD")) {
    void* lib = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
      const char* why = ::dlerror();
      tried.push_back(path.string() + ": " + (why != nullptr ? why : "cannot open"));
      continue;
    }
    // Never dlclose()d: the server's threads run its code until the process ends.
    auto* create =
        reinterpret_cast<decltype(&fstage_httpd_create_v3)>(::dlsym(lib, "fstage_httpd_create_v3"));
    if (create == nullptr) {
      tried.push_back(path.string() + ": no fstage_httpd_create_v3 (a module from another build?)");
      continue;
    }
    HttpServer* server = create(&options, &handler, &async);
    if (server == nullptr) {
      tried.push_back(path.string() + ": cannot start its event loop");
      continue;
    }
    return std::unique_ptr<HttpServer>(server);
  }
  Error e(ErrorCode::not_found, std::string("cannot load the HTTP server module ") + k_module,
          "reinstall fstage (the module goes to <prefix>/lib/fstage/), or point FSTAGE_HTTPD "
          "at it");
  e.details = std::move(tried);
  return tl::unexpected(std::move(e));
}

}  // namespace fstage::serve
