// SPDX-License-Identifier: Apache-2.0
#pragma once

// One register_<name> per subcommand file: binds its options and sets ctx.action when selected.

namespace CLI {
class App;
}

namespace fstage::cli {

struct Context;

void register_init(CLI::App& app, Context& ctx);
void register_templates(CLI::App& app, Context& ctx);
void register_validate(CLI::App& app, Context& ctx);
void register_print(CLI::App& app, Context& ctx);
void register_help(CLI::App& app, Context& ctx);
void register_completion(CLI::App& app, Context& ctx);
void register_package(CLI::App& app, Context& ctx);
void register_build(CLI::App& app, Context& ctx);
void register_deploy(CLI::App& app, Context& ctx);
void register_remote(CLI::App& app, Context& ctx);
void register_rollback(CLI::App& app, Context& ctx);
void register_remove(CLI::App& app, Context& ctx);
// `remote flow ...` (remote_flow.cpp), under the `remote` command.
void register_remote_flow(CLI::App& remote, Context& ctx);
void register_configure(CLI::App& app, Context& ctx);
void register_invoke(CLI::App& app, Context& ctx);
void register_event(CLI::App& app, Context& ctx);
void register_doctor(CLI::App& app, Context& ctx);
void register_serve(CLI::App& app, Context& ctx);
void register_logs(CLI::App& app, Context& ctx);
void register_emit(CLI::App& app, Context& ctx);
void register_flow(CLI::App& app, Context& ctx);
void register_debug_config(CLI::App& app, Context& ctx);

}  // namespace fstage::cli
