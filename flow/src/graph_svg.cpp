// SPDX-License-Identifier: Apache-2.0
// SVG through Graphviz, in the fstage-graphviz.so module opened here on first use: fstage
// itself links no Graphviz library (tests/e2e/build/startup_libs.sh).
#include <cstdlib>
#include <dlfcn.h>
#include <filesystem>
#include <string>
#include <vector>

#include <fstage/base/module_path.hpp>
#include <fstage/flow/graph.hpp>
#include <fstage/flow/graphviz_module.hpp>

namespace fstage::flow {

namespace {

namespace fs = std::filesystem;

constexpr const char* k_module = "fstage-graphviz.so";
constexpr const char* k_symbol = "fstage_graphviz_svg_v1";

using RenderFn = decltype(&fstage_graphviz_svg_v1);

Expected<RenderFn> open_module() {
  static RenderFn cached = nullptr;
  if (cached != nullptr) {
    return cached;
  }
  std::vector<std::string> tried;
  bool graphviz_missing = false;
  for (const auto& path : module_candidates(k_module, "FSTAGE_GRAPHVIZ")) {
    std::error_code ec;
    if (!fs::exists(path, ec)) {
      tried.push_back(path.string() + ": no such file");
      continue;
    }
    // Never dlclose()d: Graphviz keeps its plugins open for the life of the process.
    void* lib = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (lib == nullptr) {
      const char* why = ::dlerror();
      std::string reason = why != nullptr ? why : "cannot open";
      graphviz_missing = graphviz_missing || reason.find("libgvc") != std::string::npos ||
                         reason.find("libcgraph") != std::string::npos ||
                         reason.find("libcdt") != std::string::npos;
      tried.push_back(std::move(reason));
      continue;
    }
    auto* fn = reinterpret_cast<RenderFn>(::dlsym(lib, k_symbol));
    if (fn == nullptr) {
      tried.push_back(path.string() + ": no " + k_symbol + " (a module from another build?)");
      continue;
    }
    cached = fn;
    return fn;
  }
  Error e(ErrorCode::not_found,
          graphviz_missing ? "SVG needs Graphviz's library (libgvc), which is not installed"
                           : std::string("cannot load the Graphviz module ") + k_module,
          graphviz_missing
              ? "install it (Debian: apt-get install libgvc6), or draw with --format dot or "
                "--format mermaid"
              : "reinstall fstage (the module goes to <prefix>/lib/fstage/), or point "
                "FSTAGE_GRAPHVIZ at it; --format dot and --format mermaid need no module");
  e.details = std::move(tried);
  return tl::unexpected(std::move(e));
}

void append(void* ctx, const char* data, std::size_t size) {
  static_cast<std::string*>(ctx)->append(data, size);
}

}  // namespace

Expected<std::string> to_svg(const Graph& g) {
  RenderFn render = FSTAGE_TRY(open_module());
  const std::string dot = to_dot(g);
  std::string out;
  const int rc = render(dot.c_str(), &append, &out);
  if (rc == fstage_graphviz_ok) {
    return out;
  }
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) {
    out.pop_back();
  }
  if (rc == fstage_graphviz_no_plugins) {
    return fail(ErrorCode::not_found, out,
                "run `dot -c` as root to register Graphviz's plugins (Debian's libgvc6 does "
                "this when installed; apt-get install --reinstall libgvc6 does it again)");
  }
  return fail(ErrorCode::internal, out,
              "the DOT fstage wrote is in `fstage flow graph FLOW --format dot`; please report "
              "this with it");
}

}  // namespace fstage::flow
