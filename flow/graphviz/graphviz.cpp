// SPDX-License-Identifier: Apache-2.0
// fstage-graphviz.so: DOT in, SVG out, through Graphviz's own library (libgvc). See
// fstage/flow/graphviz_module.hpp for why this is a module of its own.
#include <cstdlib>
#include <cstring>
#include <dlfcn.h>
#include <string>

#include <fstage/flow/graphviz_module.hpp>

#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>

namespace {

// Graphviz reports through agerr(), to stderr unless told otherwise: collected here instead,
// so that the library prints nothing and fstage renders the error once.
std::string g_messages;

int collect(char* message) {
  g_messages += message;
  return 0;
}

// Graphviz's plugins are named in a config file (config6, Debian's config6a) in the graphviz/
// directory beside libgvc, or in $GVBINDIR; `dot -c` writes it.
std::string plugin_dir() {
  if (const char* env = std::getenv("GVBINDIR"); env != nullptr && *env != '\0') {
    return env;
  }
  Dl_info info{};
  if (::dladdr(reinterpret_cast<void*>(&gvContext), &info) != 0 && info.dli_fname != nullptr) {
    std::string lib = info.dli_fname;
    auto slash = lib.rfind('/');
    if (slash != std::string::npos) {
      return lib.substr(0, slash) + "/graphviz";
    }
  }
  return "the graphviz/ directory beside libgvc";
}

bool has_plugin(GVC_t* gvc, const char* kind, const char* name) {
  int n = 0;
  char** list = gvPluginList(gvc, kind, &n, nullptr);
  bool found = false;
  for (int i = 0; i < n; ++i) {
    // Entries read "dot" or "svg:core": the name up to the colon.
    const char* entry = list[i];
    const std::size_t len = std::strlen(name);
    if (std::strncmp(entry, name, len) == 0 && (entry[len] == '\0' || entry[len] == ':')) {
      found = true;
    }
    std::free(list[i]);
  }
  std::free(list);
  return found;
}

int report(fstage_graphviz_sink sink, void* ctx, int code, const std::string& message) {
  sink(ctx, message.data(), message.size());
  return code;
}

int render(const char* dot, fstage_graphviz_sink sink, void* ctx) {
  g_messages.clear();
  agseterrf(collect);
  agreseterrors();
  GVC_t* gvc = gvContext();
  if (gvc == nullptr) {
    return report(sink, ctx, fstage_graphviz_failed, "gvContext() failed\n" + g_messages);
  }
  const bool layout = has_plugin(gvc, "layout", "dot");
  const bool svg = has_plugin(gvc, "render", "svg");
  if (!layout || !svg) {
    gvFreeContext(gvc);
    return report(sink, ctx, fstage_graphviz_no_plugins,
                  std::string("Graphviz has no ") + (!layout ? "'dot' layout" : "'svg' renderer") +
                      " plugin registered: its plugin list (config6 in " + plugin_dir() +
                      ") is missing or stale");
  }
  Agraph_t* g = agmemread(dot);
  if (g == nullptr) {
    gvFreeContext(gvc);
    return report(sink, ctx, fstage_graphviz_failed,
                  "Graphviz could not read the DOT: " + g_messages);
  }
  int rc = fstage_graphviz_ok;
  if (gvLayout(gvc, g, "dot") != 0) {
    rc = report(sink, ctx, fstage_graphviz_failed, "Graphviz's dot layout failed: " + g_messages);
  } else {
    char* out = nullptr;
    unsigned int size = 0;
    if (gvRenderData(gvc, g, "svg", &out, &size) != 0 || out == nullptr) {
      rc = report(sink, ctx, fstage_graphviz_failed,
                  "Graphviz's SVG renderer failed: " + g_messages);
    } else {
      sink(ctx, out, size);
    }
    gvFreeRenderData(out);
    gvFreeLayout(gvc, g);
  }
  agclose(g);
  gvFreeContext(gvc);
  return rc;
}

}  // namespace

extern "C" __attribute__((visibility("default"))) int fstage_graphviz_svg_v1(
    const char* dot, fstage_graphviz_sink sink, void* ctx) {
  try {
    return render(dot, sink, ctx);
  } catch (...) {  // nothing may unwind into fstage, which has a C++ runtime of its own
    return report(sink, ctx, fstage_graphviz_failed, "out of memory in the Graphviz module");
  }
}
