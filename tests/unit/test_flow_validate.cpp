// SPDX-License-Identifier: Apache-2.0
// A table of broken flow definitions: each must fail with an error at the exact line:column
// marked « in its text, whose message names the problem, both when the definition is in a
// .json file and when it is written inline in fstage.yaml (the same text, 4 columns in).
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "test_flow_support.hpp"

using fstage::test::FlowProject;
using fstage::test::k_flow_manifest_lines;
using fstage::test::unmark;

namespace {

const std::string k_functions =
    "  \"functions\": [{\"name\": \"fo\", \"operation\": \"orders\"},\n"
    "                {\"name\": \"fb\", \"operation\": \"billing\"}],\n";
const std::string k_retries = "  \"retries\": [{\"name\": \"r\", \"delay\": 2}],\n";

// A flow of `states` (JSON list items), with `top` (lines ending in ",\n") first.
std::string def(const std::string& states, const std::string& top = "") {
  return "{\n" + top + "  \"start\": \"a\",\n" + k_functions + k_retries + "  \"states\": [\n" +
         states + "\n  ]\n}\n";
}

// An Operation state calling fo; `rest` adds fields (starting with ", ").
std::string op(const std::string& id, const std::string& rest) {
  return "    {\"id\": \"" + id +
         "\", \"type\": \"Operation\", \"actions\": [{\"function_ref\": {\"ref_name\": \"fo\"}}]" +
         rest + "}";
}

const std::string k_end = "    {\"id\": \"z\", \"type\": \"End\"}";

// a -> z, valid; the cases break one thing each.
std::string ok_states() {
  return op("a", ", \"transition\": \"z\"") + ",\n" + k_end;
}

// `text` with its first `from` replaced by `to` (which must be there).
std::string sub(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

// `text` with « inserted `offset` characters into the first `sub`.
std::string mark(std::string text, const std::string& sub, std::size_t offset) {
  return text.insert(text.find(sub) + offset, "«");
}

struct BadCase {
  const char* what;
  std::string text;    // with « where the error must be
  std::string needle;  // a fragment of the diagnostic's str()
};

std::string many_states(std::size_t n) {
  std::string out = op("a", ", \"transition\": \"s1\"");
  for (std::size_t i = 1; i < n; ++i) {
    out += ",\n    {\"id\": \"s" + std::to_string(i) +
           "\", \"type\": \"Sleep\", \"duration\": 1, " +
           (i + 1 < n ? "\"transition\": \"s" + std::to_string(i + 1) + "\"}" : "\"end\": true}");
  }
  return out;
}

std::vector<BadCase> bad_cases() {
  const std::string sw_head = op("a", ", \"transition\": \"w\"") + ",\n";
  std::string twenty_conditions;
  for (int i = 0; i < 20; ++i) {
    twenty_conditions +=
        std::string(i ? ", " : "") + "{\"condition\": \"$.a == 1\", \"transition\": \"z\"}";
  }
  std::string branch = "{\"start\": \"x\", \"states\": [{\"id\": \"x\", \"type\": \"End\"}]}";
  std::string twenty_one_branches;
  for (int i = 0; i < 21; ++i) {
    twenty_one_branches += std::string(i ? ", " : "") + branch;
  }
  return {
      {"unknown top-level key", def(ok_states(), "  «\"stats\": [],\n"),
       "unknown top-level key 'stats'; expected one of name, description, start"},
      {"unknown top-level key suggests", def(ok_states(), "  «\"retrys\": [],\n"),
       "did you mean 'retries'?"},
      {"missing start", "«{\"states\": [{\"id\": \"a\", \"type\": \"End\"}]}",
       "missing required key 'start'"},
      {"missing states", "«{\"start\": \"a\"}", "missing required key 'states'"},
      {"empty states", "{\"start\": \"a\", \"states\": «[]}", "states: a flow needs at least one"},
      {"too many states", mark(def(many_states(101)), "\"states\": [", 10),
       "states: 101 entries; expected at most 100"},
      {"unknown start", "{\"start\": «\"b\", \"states\": [{\"id\": \"a\", \"type\": \"End\"}]}",
       "start: 'b' is not a state; expected a state id: a"},
      {"name is not the key", def(ok_states(), "  \"name\": «\"other\",\n"),
       "name: 'other' is not the flow's name 'f'"},
      {"description too long",
       def(ok_states(), "  \"description\": «\"" + std::string(513, 'd') + "\",\n"),
       "description: 513 characters; expected at most 512"},
      {"end is a string", def(op("a", ", \"end\": «\"yes\"")),
       "states[0].end: found the string 'yes'; expected true or false"},
      {"unknown state type", def("    {\"id\": \"a\", \"type\": «\"Operaton\"}"),
       "'Operaton' is not a state type; expected Operation, Sleep, End, Switch, Parallel or "
       "Foreach; did you mean 'Operation'?"},
      {"unknown state key", def(op("a", ", «\"transiton\": \"z\"") + ",\n" + k_end),
       "unknown key 'transiton'"},
      {"a key of another type",
       def(sw_head +
           "    {\"id\": \"w\", \"type\": \"Switch\", «\"duration\": 1, "
           "\"conditions\": [{\"condition\": \"$.a == 1\", "
           "\"transition\": \"z\"}], \"default\": \"z\"},\n" +
           k_end),
       "a Switch state takes no 'duration'"},
      {"duplicate state id",
       def(op("a", ", \"transition\": \"z\"") + ",\n    {\"id\": «\"a\", \"type\": \"End\"},\n" +
           k_end),
       "state id 'a' is already defined at"},
      {"unknown transition", def(op("a", ", \"transition\": «\"zz\"") + ",\n" + k_end),
       "state 'a': transition to 'zz', which is not a state; expected a state id: a, z; did you "
       "mean 'z'?"},
      {"both end and transition",
       def(op("a", ", \"end\": true, \"transition\": «\"z\"") + ",\n" + k_end),
       "both end: true and a transition"},
      {"neither transition nor end", def("«" + op("a", "").substr(4)),
       "state 'a': neither a transition nor end: true"},
      {"unknown ref_name",
       def("    {\"id\": \"a\", \"type\": \"Operation\", \"end\": true, \"actions\": "
           "[{\"function_ref\": {\"ref_name\": «\"fx\"}}]}"),
       "state 'a': ref_name 'fx' is not a function; expected a name from functions[]: fo, fb"},
      {"missing ref_name",
       def("    {\"id\": \"a\", \"type\": \"Operation\", \"end\": true, \"actions\": "
           "[{\"function_ref\": «{}}]}"),
       "missing required key 'ref_name'"},
      {"operation without actions",
       def("    «{\"id\": \"a\", \"type\": \"Operation\", \"end\": true}"),
       "an Operation state has no actions"},
      {"bad action_mode", def(op("a", ", \"end\": true, \"action_mode\": «\"serial\"")),
       "'serial' is not an action mode; expected sequential, parallel"},
      {"bad invoke_mode",
       def("    {\"id\": \"a\", \"type\": \"Operation\", \"end\": true, \"actions\": "
           "[{\"function_ref\": {\"ref_name\": \"fo\", \"invoke_mode\": «\"async\"}}]}"),
       "invoke_mode: 'async' is not supported; expected synchronize"},
      {"argument is not a string",
       def("    {\"id\": \"a\", \"type\": \"Operation\", \"end\": true, \"actions\": "
           "[{\"function_ref\": {\"ref_name\": \"fo\", \"arguments\": {\"x\": «[1]}}}]}"),
       "arguments.x: found a list; expected a JsonPath"},
      {"unknown retry_ref",
       def(op("a", ", \"end\": true, \"on_errors\": [{\"error\": \"*\", \"retry_ref\": «\"rr\"}]")),
       "state 'a': retry_ref 'rr' is not a retry; expected a name from retries[]: r; did you mean "
       "'r'?"},
      {"unknown on_errors transition",
       def(op("a",
              ", \"end\": true, \"on_errors\": [{\"error\": \"*\", \"transition\": «\"nope\"}]")),
       "on_errors transition to 'nope', which is not a state"},
      {"on_errors without a target",
       def(op("a", ", \"end\": true, \"on_errors\": [«{\"error\": \"*\"}]")),
       "neither a transition nor a retry_ref"},
      {"on_errors without error",
       def(op("a", ", \"end\": true, \"on_errors\": [«{\"retry_ref\": \"r\"}]")),
       "missing required key 'error'"},
      {"unreachable state",
       def(op("a", ", \"transition\": \"z\"") + ",\n    {\"id\": «\"lost\", \"type\": \"End\"},\n" +
           k_end),
       "state 'lost' is never reached from start 'a'"},
      {"end with a transition",
       def(op("a", ", \"transition\": \"b\"") +
           ",\n    {\"id\": \"b\", \"type\": \"End\", \"transition\": «\"z\"},\n" + k_end),
       "state 'b': an End state has no transition"},
      {"end with actions",
       def(op("a", ", \"transition\": \"b\"") +
           ",\n    {\"id\": \"b\", \"type\": \"End\", \"actions\": [«{\"function_ref\": "
           "{\"ref_name\": \"fo\"}}]}"),
       "state 'b': an End state runs no actions"},
      {"sleep without duration",
       def(op("a", ", \"transition\": \"s\"") +
           ",\n    «{\"id\": \"s\", \"type\": \"Sleep\", \"end\": true}"),
       "states[1]: a Sleep state needs a duration; expected duration: whole seconds from 0 to "
       "86400"},
      {"sleep longer than a day",
       def(op("a", ", \"transition\": \"s\"") +
           ",\n    {\"id\": \"s\", \"type\": \"Sleep\", \"end\": true, \"duration\": «86401}"),
       "duration: 86401 is out of range; expected an integer from 0 to 86400 (seconds)"},
      {"sleep of a fraction",
       def(op("a", ", \"transition\": \"s\"") +
           ",\n    {\"id\": \"s\", \"type\": \"Sleep\", \"end\": true, \"duration\": «1.5}"),
       "duration: found the number 1.5"},
      {"a cycle",
       def(op("a", ", \"transition\": \"b\"") + ",\n" + op("b", ", \"transition\": «\"a\"")),
       "state 'b': transition to 'a' closes a cycle a -> b -> a; expected a flow without cycles"},
      {"a cycle through on_errors",
       def(op("a", ", \"transition\": \"b\"") + ",\n" +
           op("b", ", \"end\": true, \"on_errors\": [{\"error\": \"*\", \"transition\": «\"a\"}]")),
       "on_errors transition to 'a' closes a cycle a -> b -> a"},
      {"a state looping to itself", def(op("a", ", \"transition\": «\"a\"")),
       "closes a cycle a -> a"},
      {"bad mode", def(ok_states(), "  \"mode\": «\"express\",\n"),
       "mode: 'express' is not a flow mode; expected NORMAL or EXPRESS; write it in capitals"},
      {"express_config without EXPRESS",
       def(ok_states(), "  \"express_config\": «{\"log_level\": \"ALL\"},\n"),
       "express_config: only an EXPRESS flow takes it"},
      {"bad log_level",
       def(ok_states(),
           "  \"mode\": \"EXPRESS\", \"express_config\": {\"log_level\": «\"DEBUG\"},\n"),
       "'DEBUG' is not a log level; expected ALL, ERROR or NONE"},
      {"bad trigger type",
       def(ok_states(),
           "  \"triggers\": [{\"trigger_name\": \"t\", \"trigger_type\": «\"TIMER\"}],\n"),
       "'TIMER' is not a flow trigger type; expected one of FLOWTIMER, SMN, APIG, APIG_DE, OBS"},
      {"duplicate trigger",
       def(ok_states(),
           "  \"triggers\": [{\"trigger_name\": \"t\", \"trigger_type\": \"SMN\"},\n"
           "               {\"trigger_name\": «\"t\", \"trigger_type\": \"OBS\"}],\n"),
       "trigger 't' is already defined at"},
      {"duplicate function",
       sub(def(ok_states()), k_functions,
           "  \"functions\": [{\"name\": \"fo\", \"operation\": \"orders\"}, {\"name\": «\"fo\", "
           "\"operation\": \"notify\"}],\n"),
       "function 'fo' is already defined at"},
      {"duplicate retry",
       sub(def(ok_states()), k_retries,
           "  \"retries\": [{\"name\": \"r\"}, {\"name\": «\"r\"}],\n"),
       "retry 'r' is already defined at"},
      {"retry delay above 30 s",
       sub(def(ok_states()), k_retries, "  \"retries\": [{\"name\": \"r\", \"delay\": «31}],\n"),
       "retries[0].delay: 31 is out of range; expected an integer from 1 to 30 (seconds)"},
      {"retry max_attempts above 8",
       sub(def(ok_states()), k_retries,
           "  \"retries\": [{\"name\": \"r\", \"max_attempts\": «9}],\n"),
       "retries[0].max_attempts: 9 is out of range; expected an integer from 1 to 8"},
      {"function not in the manifest",
       sub(def(ok_states()), "\"operation\": \"billing\"", "\"operation\": «\"biling\""),
       "function 'fb': 'biling', which is not a function in fstage.yaml; expected a function of "
       "fstage.yaml: orders, billing, notify; did you mean 'billing'?"},
      {"URN of a function not in the manifest",
       sub(def(ok_states()), "\"operation\": \"billing\"",
           "\"operation\": «\"urn:fss:cn-north-4:0123:function:default:invoice:latest\""),
       "names 'invoice', which is not a function in fstage.yaml"},
      {"switch without default",
       def(sw_head +
           "    «{\"id\": \"w\", \"type\": \"Switch\", \"conditions\": "
           "[{\"condition\": \"$.a == 1\", \"transition\": \"z\"}]},\n" +
           k_end),
       "missing required key 'default'"},
      {"switch to an unknown state",
       def(sw_head +
           "    {\"id\": \"w\", \"type\": \"Switch\", \"conditions\": "
           "[{\"condition\": \"$.a == 1\", \"transition\": «\"y\"}], \"default\": \"z\"},\n" +
           k_end),
       "state 'w': condition to 'y', which is not a state"},
      {"switch default unknown",
       def(sw_head +
           "    {\"id\": \"w\", \"type\": \"Switch\", \"conditions\": "
           "[{\"condition\": \"$.a == 1\", \"transition\": \"z\"}], \"default\": «\"q\"},\n" +
           k_end),
       "state 'w': default to 'q', which is not a state"},
      {"switch with no conditions",
       def(sw_head +
           "    {\"id\": \"w\", \"type\": \"Switch\", \"conditions\": «[], \"default\": \"z\"},\n" +
           k_end),
       "a Switch needs at least one condition"},
      {"switch with 20 conditions",
       def(sw_head + "    {\"id\": \"w\", \"type\": \"Switch\", \"conditions\": «[" +
           twenty_conditions + "], \"default\": \"z\"},\n" + k_end),
       "conditions: 20 conditions; expected at most 19 conditions and the default"},
      {"parallel with 21 branches",
       def(op("a", ", \"transition\": \"p\"") +
           ",\n    {\"id\": \"p\", \"type\": \"Parallel\", \"end\": true, \"branches\": «[" +
           twenty_one_branches + "]}"),
       "branches: 21 branches; expected at most 20 branches"},
      {"parallel completion above the branches",
       def(op("a", ", \"transition\": \"p\"") +
           ",\n    {\"id\": \"p\", \"type\": \"Parallel\", \"end\": true, \"completion\": «3, "
           "\"branches\": [" +
           branch + ", " + branch + "]}"),
       "state 'p': completion 3 of 2 branches; expected all, one, or a number from 1 to 2"},
      {"parallel completion word",
       def(op("a", ", \"transition\": \"p\"") +
           ",\n    {\"id\": \"p\", \"type\": \"Parallel\", \"end\": true, \"completion\": "
           "«\"some\", \"branches\": [" +
           branch + "]}"),
       "completion: found the string 'some'; expected all, one, or a number"},
      {"branch leaves its subflow",
       def(op("a", ", \"transition\": \"p\"") +
           ",\n    {\"id\": \"p\", \"type\": \"Parallel\", \"transition\": \"z\", \"branches\": ["
           "{\"start\": \"x\", \"states\": [{\"id\": \"x\", \"type\": \"Sleep\", \"duration\": 1, "
           "\"transition\": «\"z\"}]}]},\n" +
           k_end),
       "state 'x': transition to 'z', which is not a state in p.branches[0]"},
      {"branch with unknown start",
       def(op("a", ", \"transition\": \"p\"") +
           ",\n    {\"id\": \"p\", \"type\": \"Parallel\", \"end\": true, \"branches\": ["
           "{\"start\": «\"y\", \"states\": [{\"id\": \"x\", \"type\": \"End\"}]}]}"),
       "p.branches[0]: start: 'y' is not a state"},
      {"foreach concurrency above 100",
       def(op("a", ", \"transition\": \"e\"") +
           ",\n    {\"id\": \"e\", \"type\": \"Foreach\", \"end\": true, \"items_path\": \"$.a\", "
           "\"concurrency\": «101, \"iterator\": " +
           branch + "}"),
       "concurrency: 101 is out of range; expected 0 (unlimited) to 100"},
      {"foreach without items_path",
       def(op("a", ", \"transition\": \"e\"") +
           ",\n    «{\"id\": \"e\", \"type\": \"Foreach\", \"end\": true, \"iterator\": " + branch +
           "}"),
       "missing required key 'items_path'"},
      {"foreach without iterator",
       def(op("a", ", \"transition\": \"e\"") + ",\n    «{\"id\": \"e\", \"type\": \"Foreach\", "
                                                "\"end\": true, \"items_path\": \"$.a\"}"),
       "missing required key 'iterator'"},
      {"malformed argument fallback",
       def("    {\"id\": \"a\", \"type\": \"Operation\", \"end\": true, \"actions\": "
           "[{\"function_ref\": {\"ref_name\": \"fo\", \"arguments\": {\"x\": \"$.a | «abc\"}}}]}"),
       "arguments.x: '$.a | abc': "},
      {"malformed argument path",
       def("    {\"id\": \"a\", \"type\": \"Operation\", \"end\": true, \"actions\": "
           "[{\"function_ref\": {\"ref_name\": \"fo\", \"arguments\": {\"x\": \"«order.id\"}}}]}"),
       "arguments.x: 'order.id': "},
      {"malformed input filter",
       def(op("a", ", \"end\": true, \"state_data_filter\": {\"input\": \"$.«\"}")),
       "state_data_filter.input: '$.': "},
      {"malformed output filter",
       def(op("a", ", \"end\": true, \"state_data_filter\": {\"output\": \"$.a[«x]\"}")),
       "state_data_filter.output: '$.a[x]': "},
      {"malformed switch condition",
       def(sw_head +
           "    {\"id\": \"w\", \"type\": \"Switch\", \"conditions\": "
           "[{\"condition\": \"$.a «=< 1\", \"transition\": \"z\"}], \"default\": \"z\"},\n" +
           k_end),
       "conditions[0].condition: '$.a =< 1': "},
      {"malformed items_path",
       def(op("a", ", \"transition\": \"e\"") +
           ",\n    {\"id\": \"e\", \"type\": \"Foreach\", \"end\": true, "
           "\"items_path\": \"«items\", \"iterator\": " +
           branch + "}"),
       "items_path: 'items': "},
      {"result_path into the constants",
       def(op("a", ", \"transition\": \"e\"") +
           ",\n    {\"id\": \"e\", \"type\": \"Foreach\", \"end\": true, "
           "\"items_path\": \"$.a\", \"result_path\": «\"$CONST.x\", \"iterator\": " +
           branch + "}"),
       "result_path: '$CONST.x' is not a place to write to"},
      {"iterator with a duplicate id",
       def(op("a", ", \"transition\": \"e\"") +
           ",\n    {\"id\": \"e\", \"type\": \"Foreach\", \"end\": true, \"items_path\": \"$.a\", "
           "\"iterator\": "
           "{\"start\": \"x\", \"states\": [{\"id\": \"x\", \"type\": \"End\"}, {\"id\": «\"x\", "
           "\"type\": \"End\"}]}}"),
       "state id 'x' is already defined at"},
  };
}

bool has_at(const FlowProject& p, const std::string& file, int line, int column,
            const std::string& needle) {
  for (const auto& d : p.flows.errors) {
    if (d.where.file == file && d.where.line == line && d.where.column == column &&
        d.str().find(needle) != std::string::npos && !d.expected.empty()) {
      return true;
    }
  }
  return false;
}

}  // namespace

TEST_CASE("bad flow definitions fail at their line:column, in a .json file and inline",
          "[flow][validate]") {
  auto cases = bad_cases();
  REQUIRE(cases.size() >= 25);
  for (const auto& c : cases) {
    auto m = unmark(c.text);
    REQUIRE(m.line > 0);
    {
      FlowProject p(m.text, false);
      INFO(c.what << " (file)\n" << m.text << "\n" << p.errors());
      REQUIRE(p.manifest.manifest);
      CHECK(p.flows.flows.empty());
      CHECK(has_at(p, "flows/f.json", m.line, m.column, c.needle));
    }
    {
      FlowProject p(m.text, true);
      INFO(c.what << " (inline)\n" << p.errors());
      REQUIRE(p.manifest.manifest);
      CHECK(p.flows.flows.empty());
      CHECK(has_at(p, "fstage.yaml", m.line + k_flow_manifest_lines + 2, m.column + 4, c.needle));
    }
  }
}

TEST_CASE("the table's base flow is valid", "[flow][validate]") {
  FlowProject p(def(ok_states()), false);
  INFO(p.errors());
  CHECK(p.flows.errors.empty());
  CHECK(p.flows.flows.size() == 1);
  FlowProject hundred(def(many_states(100)), true);
  INFO(hundred.errors());
  CHECK(hundred.flows.errors.empty());
}
