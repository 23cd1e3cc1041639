// SPDX-License-Identifier: Apache-2.0
// `fstage flow graph FLOW [--format svg|dot|mermaid] [-o FILE] [--execution FILE]`: the flow
// drawn (fstage/flow/graph.hpp), optionally coloured by a run `fstage flow run --json` recorded.
#include <filesystem>
#include <iostream>
#include <memory>
#include <ostream>
#include <string>

#include <CLI/CLI.hpp>

#include <fstage/base/fs.hpp>
#include <fstage/cli/context.hpp>
#include <fstage/cli/exit_codes.hpp>
#include <fstage/flow/graph.hpp>

#include "../src/options.hpp"
#include "flow_common.hpp"

namespace fstage::cli {

namespace {

namespace fs = std::filesystem;

struct GraphOptions {
  std::string file;
  std::string flow;
  std::string format;
  std::string output;
  std::string execution;
};

// --format, or what -o's extension says, or svg.
Expected<std::string> format_of(const GraphOptions& o) {
  if (!o.format.empty()) {
    return o.format;
  }
  if (o.output.empty() || o.output == "-") {
    return std::string("svg");
  }
  const std::string ext = fs::path(o.output).extension().string();
  if (ext == ".svg") {
    return std::string("svg");
  }
  if (ext == ".dot" || ext == ".gv") {
    return std::string("dot");
  }
  if (ext == ".mmd" || ext == ".mermaid") {
    return std::string("mermaid");
  }
  return fail(ErrorCode::usage,
              "cannot tell the format from '" + o.output + "' (" +
                  (ext.empty() ? std::string("no extension") : ext) + ")",
              "name the file .svg, .dot/.gv or .mmd, or give --format svg|dot|mermaid");
}

Expected<flow::ExecutionStatus> read_execution_file(const Context& ctx, const std::string& file) {
  const std::string name = file == "-" ? "<stdin>" : ctx.display_path(ctx.resolve(file));
  std::string text = file == "-" ? FSTAGE_TRY(read_stream(std::cin, name))
                                 : FSTAGE_TRY(read_file(ctx.resolve(file)));
  return flow::read_execution(text, name);
}

Expected<int> run_graph(Context& ctx, const GraphOptions& o) {
  const std::string format = FSTAGE_TRY(format_of(o));
  const LoadedFlow loaded = FSTAGE_TRY(load_flow_for_command(ctx, o.file, o.flow));
  const flow::Definition& def = loaded.definition;

  flow::ExecutionStatus execution;
  if (!o.execution.empty()) {
    execution = FSTAGE_TRY(read_execution_file(ctx, o.execution));
  }
  auto graph = flow::build_graph(def, o.execution.empty() ? nullptr : &execution);
  if (!graph) {
    return fail(
        std::move(graph).error().with_context("while reading the execution " + o.execution));
  }
  std::string text;
  if (format == "dot") {
    text = flow::to_dot(*graph);
  } else if (format == "mermaid") {
    text = flow::to_mermaid(*graph);
  } else {
    text = FSTAGE_TRY(flow::to_svg(*graph));
  }
  if (o.output.empty() || o.output == "-") {
    *ctx.out << text;
    return k_exit_ok;
  }
  const fs::path out = ctx.resolve(o.output);
  FSTAGE_TRY(write_file_atomic(out, text));
  if (ctx.verbosity >= 1) {
    *ctx.err << "wrote " << ctx.display_path(out) << " (" << format << ", flow " << def.name
             << ")\n";
  }
  return k_exit_ok;
}

}  // namespace

void register_flow_graph(CLI::App& flow, Context& ctx) {
  auto opts = std::make_shared<GraphOptions>();
  auto* cmd = flow.add_subcommand(
      "graph", "Draw a flow: SVG (laid out by Graphviz), Graphviz DOT or Mermaid");
  add_flow_argument(cmd, opts->flow, "flow", "The flow to draw")->required();
  cmd->add_option("--format", opts->format,
                  "svg, dot or mermaid (default: from -o's extension, else svg)")
      ->type_name("{svg,dot,mermaid}")
      ->check(CLI::IsMember({"svg", "dot", "mermaid"}));
  cmd->add_option("-o,--output", opts->output, "Write to FILE instead of stdout")
      ->type_name("FILE");
  cmd->add_option("--execution", opts->execution,
                  "Colour the states by a run: what `fstage flow run FLOW --json` printed "
                  "(FILE, or - for stdin)")
      ->type_name("FILE");
  add_manifest_option(cmd, opts->file);
  cmd->footer(
      "Error edges are dashed and labelled with the error and its retry; Parallel branches\n"
      "and Foreach bodies are drawn as clusters. With --execution, states are green (success),\n"
      "red (fail), orange (timeout), grey (cancel) or white (not run), with their attempts.");
  cmd->callback([&ctx, opts] { ctx.action = [&ctx, opts] { return run_graph(ctx, *opts); }; });
}

}  // namespace fstage::cli
