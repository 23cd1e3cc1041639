// SPDX-License-Identifier: Apache-2.0
// The one entry point of fstage-graphviz.so (flow/graphviz/), the module that keeps Graphviz
// out of fstage: libgvc and its ~40 libraries (cairo, pango, glib, X11...) would otherwise be
// mapped at every start of every command. `fstage flow graph --format svg` opens it
// (graph_svg.cpp); nothing else of Graphviz is seen outside the module. Plain C types only:
// the module has its own (shared) C++ runtime, fstage a static one.
#pragma once

#include <cstddef>

extern "C" {

// Receives the module's output: the SVG, or a message saying what went wrong.
typedef void (*fstage_graphviz_sink)(void* ctx, const char* data, std::size_t size);

enum {
  fstage_graphviz_ok = 0,          // the SVG went to the sink
  fstage_graphviz_failed = 1,      // Graphviz refused the DOT or failed: its messages
  fstage_graphviz_no_plugins = 2,  // the dot layout or the SVG renderer is not registered
};

// Lays `dot` (DOT text, NUL-terminated) out with Graphviz's `dot` engine and renders it as
// SVG in memory. Not thread-safe (Graphviz is not).
int fstage_graphviz_svg_v1(const char* dot, fstage_graphviz_sink sink, void* ctx);
}
