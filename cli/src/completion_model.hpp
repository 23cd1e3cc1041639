// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace fstage::cli {

// What a value slot completes to:
//   file, dir            the shell's own file completion
//   words                the fixed `words` (runtimes, templates, triggers, regions, choices)
//   dynamic              `fstage __complete <dynamic>` at completion time (function names)
//   none                 nothing sensible (free text)
struct ValueCompletion {
  std::string kind = "none";
  std::vector<std::string> words;
  std::string dynamic;
};

struct CompletionOption {
  std::vector<std::string> names;  // "-r", "--runtime"
  std::string description;
  bool takes_value = false;
  ValueCompletion value;
};

struct CompletionCommand {
  std::string name;  // "" for the root
  std::string path;  // "remote info"
  std::string description;
  std::vector<CompletionOption> options;  // includes inherited global options
  ValueCompletion positional;             // what the next bare word completes to
  std::vector<CompletionCommand> subcommands;
};

// Walks the live command tree. An option's completion comes from its type name: the tags
// FILE, DIR, FUNCTION, RUNTIME, TEMPLATE, TRIGGER, EVENT, REGION, SHELL, TOPIC, or the
// "{a,b,c}" of an IsMember check; hidden commands (empty group) are left out.
CompletionCommand completion_model(const CLI::App& app);

// Every command of the tree in depth-first order, the root first.
std::vector<const CompletionCommand*> flatten(const CompletionCommand& root);

// Script generators: the output of `fstage completion bash|zsh|fish`.
std::string bash_script(const CompletionCommand& root);
std::string zsh_script(const CompletionCommand& root);
std::string fish_script(const CompletionCommand& root);

// Single-quoted for sh/bash/zsh/fish: ' becomes '\'' (fish: \').
std::string sh_quote(const std::string& s);

}  // namespace fstage::cli
