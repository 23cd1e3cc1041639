// SPDX-License-Identifier: Apache-2.0
// A table of broken manifests: each must fail with an error at an exact line:column whose text
// names the problem.
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include <fstage/manifest/manifest.hpp>

using fstage::manifest::validate_text;

namespace {

// Lines 1-3; a function body starts on line 4 at column 5.
std::string fn(const std::string& body) {
  return "name: shop\nfunctions:\n  f:\n" + body;
}
// A valid Python function (lines 4-5); `extra` starts on line 6.
std::string py(const std::string& extra) {
  return fn("    runtime: python3.10\n    handler: index.handler\n" + extra);
}
// Triggers: line 7 holds the first list item, "      - " puts its content at column 9.
std::string trig(const std::string& items) {
  return py("    triggers:\n" + items);
}

struct BadCase {
  const char* what;
  std::string text;
  int line;
  int column;
  const char* needle;  // substring of the diagnostic's str()
};

std::vector<BadCase> bad_cases() {
  std::string long_env = "    env:\n      A: \"" + std::string(4100, 'x') + "\"\n";
  return {
      {"empty file", "", 1, 1, "the manifest is empty"},
      {"only comments", "# nothing\n", 1, 1, "the manifest is empty"},
      {"top level is a list", "- a\n- b\n", 1, 1, "found a list"},
      {"top level is a scalar", "hello\n", 1, 1, "found 'hello'"},
      {"missing name", "functions:\n  f:\n    runtime: go\n    handler: h\n", 1, 1,
       "missing required key 'name'"},
      {"missing functions", "name: shop\n", 1, 1, "missing required key 'functions'"},
      {"unknown top-level key", "name: shop\nregoin: cn-north-4\nfunctions: {f: {runtime: go}}\n",
       2, 1,
       "unknown top-level key 'regoin'; expected one of name, region, package, functions, flows, "
       "obs_bucket; "
       "did you mean 'region'?"},
      {"bad project name", "name: 1shop\nfunctions: {f: {runtime: go}}\n", 1, 7,
       "'1shop' is not a valid project name"},
      {"bad region", "name: shop\nregion: CN_North\nfunctions: {f: {runtime: go}}\n", 2, 9,
       "'CN_North' is not a region id"},
      {"functions empty", "name: shop\nfunctions: {}\n", 2, 12, "no functions are defined"},
      {"functions null", "name: shop\nfunctions:\n", 2, 1, "no functions are defined"},
      {"functions is a list", "name: shop\nfunctions: [a]\n", 2, 12, "functions: found a list"},
      {"function name starts with a digit", "name: shop\nfunctions:\n  9bad: {runtime: go}\n", 3, 3,
       "function name '9bad' is not valid"},
      {"function name too long",
       "name: shop\nfunctions:\n  a" + std::string(60, 'b') + ": {runtime: go}\n", 3, 3,
       "is not valid"},
      {"function name ends with a dash", "name: shop\nfunctions:\n  fn-: {runtime: go}\n", 3, 3,
       "function name 'fn-'"},
      {"function body is a scalar", fn("    python\n"), 4, 5, "functions.f: found 'python'"},
      {"function body empty", "name: shop\nfunctions:\n  f:\n", 3, 3, "has no settings"},
      {"missing runtime", fn("    handler: index.handler\n"), 4, 5,
       "missing required key 'runtime'"},
      {"unknown runtime", fn("    runtime: pyton3.10\n    handler: index.handler\n"), 4, 14,
       "unknown runtime 'pyton3.10'"},
      {"runtime did you mean", fn("    runtime: Pyhton3.10\n    handler: index.handler\n"), 4, 14,
       "did you mean 'Python3.10'?"},
      {"runtime is a number", fn("    runtime: 3.10\n    handler: index.handler\n"), 4, 14,
       "unknown runtime '3.10'"},
      {"runtime is a list", fn("    runtime: [python]\n    handler: index.handler\n"), 4, 14,
       "functions.f.runtime: found a list"},
      {"missing handler", fn("    runtime: python3.10\n"), 4, 5, "missing required key 'handler'"},
      {"python handler without a dot", fn("    runtime: python3.10\n    handler: index\n"), 5, 14,
       "has no '.' between the file and the function"},
      {"python handler function not identifier",
       fn("    runtime: python3.10\n    handler: index.1x\n"), 5, 14,
       "function part '1x' is not an identifier"},
      {"python handler absolute file", fn("    runtime: python3.10\n    handler: /src/a.h\n"), 5,
       14, "is not a relative file path"},
      {"java handler too short", fn("    runtime: java17\n    handler: Example.handle\n"), 5, 14,
       "package, class and method are needed"},
      {"java handler with ::", fn("    runtime: Java17\n    handler: com.Example::handle\n"), 5, 14,
       "uses '::'"},
      {"go handler with a slash", fn("    runtime: go\n    handler: bin/handler\n"), 5, 14,
       "is not a file name"},
      {"handler too long",
       fn("    runtime: nodejs18\n    handler: " + std::string(127, 'a') + ".h\n"), 5, 14,
       "characters long (at most 128)"},
      {"handler with a space", fn("    runtime: nodejs18\n    handler: \"index. handler\"\n"), 5,
       14, "contains whitespace"},
      {"memory 100", py("    memory: 100\n"), 6, 13, "100 is not a memory size"},
      {"memory float", py("    memory: 12.5\n"), 6, 13, "found the number 12.5"},
      {"memory quoted", py("    memory: \"256\"\n"), 6, 13, "found the string '256'"},
      {"memory mapping", py("    memory: {mb: 256}\n"), 6, 13, "memory: found a mapping"},
      {"memory huge", py("    memory: 99999999999999999999\n"), 6, 13, "is out of range"},
      {"timeout 0", py("    timeout: 0\n"), 6, 14, "timeout: 0 is out of range"},
      {"timeout too long", py("    timeout: 259201\n"), 6, 14,
       "expected an integer from 3 to "
       "259200 (seconds)"},
      {"timeout yes", py("    timeout: yes\n"), 6, 14, "found the boolean 'yes'"},
      {"timeout empty", py("    timeout:\n"), 6, 5, "found an empty value"},
      {"timeout negative", py("    timeout: -5\n"), 6, 14, "-5 is out of range"},
      {"code absolute", py("    code: /srv/code\n"), 6, 11, "'/srv/code' is absolute"},
      {"code escapes", py("    code: src/../../up\n"), 6, 11, "leaves the project directory"},
      {"env is a list", py("    env: [A, B]\n"), 6, 10, "env: found a list"},
      {"env bad key", py("    env:\n      1A: x\n"), 7, 7, "'1A' is not a valid variable name"},
      {"env reserved key", py("    env:\n      RUNTIME_FUNC_NAME: x\n"), 7, 7,
       "is reserved by the platform"},
      {"env value is a list", py("    env:\n      A: [1, 2]\n"), 7, 10, "env.A: found a list"},
      {"env over 4096 characters", py(long_env), 7, 7, "4101 characters"},
      {"initializer bad", py("    initializer: init\n"), 6, 18, "initializer: 'init' has no '.'"},
      {"initializer_timeout 301", py("    initializer: index.init\n    initializer_timeout: 301\n"),
       7, 26, "expected an integer from 1 to 300"},
      {"description too long", py("    description: " + std::string(513, 'd') + "\n"), 6, 18,
       "513 characters"},
      {"include not a list", py("    include: \"*.txt\"\n"), 6, 14, "include: found the string"},
      {"exclude item is a mapping", py("    exclude:\n      - {a: b}\n"), 7, 9,
       "exclude[0]: found a mapping"},
      {"unknown function key", py("    handlr: x\n"), 6, 5, "did you mean 'handler'?"},
      {"unknown key memory_size", py("    memory_size: 256\n"), 6, 5, "unknown key 'memory_size'"},
      {"triggers not a list", py("    triggers: {type: APIG}\n"), 6, 15,
       "triggers: found a mapping"},
      {"trigger is a scalar", trig("      - APIG\n"), 7, 9, "triggers[0]: found 'APIG'"},
      {"trigger without type", trig("      - {path: /x}\n"), 7, 9, "missing required key 'type'"},
      {"trigger type typo", trig("      - {type: APIGW, path: /x}\n"), 7, 16,
       "did you mean 'APIG'?"},
      {"trigger type unsupported", trig("      - {type: RABBITMQ}\n"), 7, 16,
       "not supported by fstage"},
      {"trigger unknown key", trig("      - {type: APIG, path: /x, methd: GET}\n"), 7, 32,
       "did you mean 'method'?"},
      {"apig missing path", trig("      - {type: APIG}\n"), 7, 9, "missing required key 'path'"},
      {"apig path without slash", trig("      - {type: APIG, path: orders}\n"), 7, 28,
       "does not start with '/'"},
      {"apig path double slash", trig("      - {type: APIG, path: /a//b}\n"), 7, 28,
       "empty segment"},
      {"apig greedy not last", trig("      - {type: APIG, path: \"/a/{p+}/b\"}\n"), 7, 28,
       "must be the last segment"},
      {"apig bad method", trig("      - {type: APIG, path: /x, method: FETCH}\n"), 7, 40,
       "'FETCH' is not valid"},
      {"apig bad auth", trig("      - {type: APIG, path: /x, auth: OAUTH}\n"), 7, 38,
       "expected one of NONE, APP, IAM"},
      {"apig timeout 0", trig("      - {type: APIG, path: /x, timeout: 0}\n"), 7, 41,
       "1 to 60000 (milliseconds)"},
      {"timer missing schedule", trig("      - type: TIMER\n"), 7, 9,
       "missing required key 'schedule'"},
      {"cron month 13", trig("      - {type: TIMER, schedule: \"0 */5 * * 13 *\"}\n"), 7, 44,
       "month '13' is out of range"},
      {"cron minute 61 plain", trig("      - {type: TIMER, schedule: 0 61 * * * *}\n"), 7, 35,
       "minute '61' is out of range"},
      {"cron bad day name", trig("      - type: TIMER\n        schedule: 0 0 9 ? * MON-FRX\n"), 8,
       33, "day-of-week 'FRX' is not a valid value"},
      {"cron four fields", trig("      - {type: TIMER, schedule: \"0 0 * *\"}\n"), 7, 41,
       "cron has 4 fields"},
      {"cron seven fields", trig("      - {type: TIMER, schedule: \"0 0 0 1 1 * 2030\"}\n"), 7, 46,
       "a year field is not supported"},
      {"cron question in hours", trig("      - {type: TIMER, schedule: \"0 0 ? * * *\"}\n"), 7, 38,
       "'?' is only allowed"},
      {"cron step zero", trig("      - {type: TIMER, schedule: \"*/0 * * * * *\"}\n"), 7, 36,
       "second step '0' is not valid"},
      {"cron backwards range", trig("      - {type: TIMER, schedule: \"0 0 9-5 * * *\"}\n"), 7, 38,
       "runs backwards"},
      {"cron bad time zone",
       trig("      - {type: TIMER, schedule: \"CRON_TZ=a//b 0 0 * * * *\"}\n"), 7, 42,
       "time zone 'a//b' is not valid"},
      {"rate 61m", trig("      - {type: TIMER, schedule: 61m}\n"), 7, 33, "minutes must be 1-60"},
      {"rate 25h", trig("      - {type: TIMER, schedule: 25h, schedule_type: Rate}\n"), 7, 33,
       "hours must be 1-24"},
      {"rate bad unit", trig("      - {type: TIMER, schedule: 5w}\n"), 7, 34,
       "rate unit 'w' is not m, h or d"},
      {"every bad duration", trig("      - {type: TIMER, schedule: \"@every 5x\"}\n"), 7, 41,
       "duration '5x' is not valid"},
      {"every too short", trig("      - {type: TIMER, schedule: \"@every 10ms\"}\n"), 7, 41,
       "shorter than 1s"},
      {"unknown descriptor", trig("      - {type: TIMER, schedule: \"@fortnightly\"}\n"), 7, 34,
       "is not a known schedule"},
      {"schedule_type weekly", trig("      - {type: TIMER, schedule: 5m, schedule_type: Weekly}\n"),
       7, 52, "'Weekly' is not valid"},
      {"timer enabled not a bool", trig("      - {type: TIMER, schedule: 5m, enabled: maybe}\n"), 7,
       46, "expected true or false"},
      {"smn bad urn", trig("      - {type: SMN, topic_urn: \"urn:smn:x\"}\n"), 7, 32,
       "is not an SMN topic URN"},
      {"obs missing bucket", trig("      - {type: OBS}\n"), 7, 9, "missing required key 'bucket'"},
      {"obs bad bucket", trig("      - {type: OBS, bucket: My_Bucket}\n"), 7, 29,
       "'My_Bucket' is not valid"},
      {"obs bad event",
       trig("      - {type: OBS, bucket: b01, events: [\"s3:ObjectCreated:Pt\"]}\n"), 7, 43,
       "did you mean 's3:ObjectCreated:Put'?"},
      {"dis missing stream", trig("      - {type: DIS}\n"), 7, 9,
       "missing required key 'stream_name'"},
      {"dis bad position",
       trig("      - {type: DIS, stream_name: s, starting_position: EARLIEST}\n"), 7, 56,
       "'EARLIEST' is not valid"},
      {"dis batch 0", trig("      - {type: DIS, stream_name: s, batch_size: 0}\n"), 7, 49,
       "batch_size: 0 is out of range"},
      {"kafka missing topic", trig("      - {type: KAFKA, instance_id: i}\n"), 7, 9,
       "missing required key 'topic'"},
      {"lts missing topic id", trig("      - {type: LTS, log_group_id: g}\n"), 7, 9,
       "missing required key 'log_topic_id'"},
      {"cts empty operations", trig("      - {type: CTS, operations: []}\n"), 7, 33,
       "operations: is empty"},
      {"cts bad operation", trig("      - {type: CTS, operations: [\"FunctionGraph\"]}\n"), 7, 34,
       "is not an operation"},
      {"dds missing collection", trig("      - {type: DDS, instance_id: i}\n"), 7, 9,
       "missing required key 'collection'"},
      {"dds empty instance id", trig("      - {type: DDS, instance_id: \"\", collection: c}\n"), 7,
       34, "instance_id: is empty"},
      {"http function with a timer",
       fn("    runtime: http\n    triggers:\n      - {type: TIMER, schedule: 5m}\n"), 6, 16,
       "TIMER triggers cannot call an http function"},
      {"eleven triggers",
       trig(std::string() +
            [] {
              std::string s;
              for (int i = 0; i < 11; ++i) {
                s += "      - {type: TIMER, schedule: 5m}\n";
              }
              return s;
            }()),
       17, 9, "more than 10 triggers"},
      {"duplicate APIG route",
       "name: shop\nfunctions:\n  a:\n    runtime: go\n    handler: h\n    triggers: [{type: "
       "APIG, path: /x}]\n  b:\n    runtime: go\n    handler: h\n    triggers: [{type: APIG, "
       "path: /x, method: GET}]\n",
       10, 16, "APIG route GET /x is already taken by function 'a' at 6:16"},
      {"duplicate key", py("    memory: 256\n    memory: 512\n"), 7, 5,
       "duplicate key 'memory' (first defined at 6:5)"},
      {"duplicate function", "name: shop\nfunctions:\n  f: {runtime: go, handler: h}\n  f: {}\n", 4,
       3, "duplicate key 'f' (first defined at 3:3)"},
      {"tab in indentation", "name: shop\nfunctions:\n  f:\n\truntime: go\n", 4, 1,
       "tab character in indentation"},
      {"tab after spaces", "name: shop\nfunctions:\n  f:\n    runtime: go\n  \t handler: h\n", 5, 3,
       "YAML does not allow tabs"},
      {"invalid UTF-8", "name: shop\ndescription: caf\xC3\n", 2, 17, "invalid UTF-8: byte 0xc3"},
      {"invalid UTF-8 lone byte", "name: sh\xFFop\n", 1, 9, "byte 0xff"},
      {"overlong UTF-8", "name: \xC0\xAF\n", 1, 7, "invalid UTF-8"},
      {"NUL byte", std::string("name: a\0b\n", 10), 1, 8, "control character 0x00"},
      {"unclosed flow list", "name: shop\nfunctions: [a, b\n", 3, 1,
       "a '[' list is not closed with ']'"},
      {"unclosed quote", "functions: {}\nname: \"shop\n", 2, 7, "a quoted string is not closed"},
      {"bad indentation", "name: shop\nfunctions:\n  f:\n    runtime: go\n   handler: h\n", 5, 4,
       "YAML syntax error"},
      {"second document", "name: shop\nfunctions: {f: {runtime: go, handler: h}}\n---\nname: x\n",
       3, 1, "a second YAML document"},
      {"non-scalar key", py("    [a, b]: 1\n"), 6, 5, "a mapping key must be a string"},
      {"merge of a scalar", py("    <<: 5\n"), 6, 9, "'<<' (merge key) needs a mapping"},
      {"undefined alias", py("    memory: *nothing\n"), 6, 13, "YAML syntax error"},
      {"alias inside its own anchor", "name: shop\nfunctions: &f {x: *f}\n", 2, 19,
       "alias refers to the node that contains it"},
      {"colon in a plain value", "name: a: b\nfunctions: {}\n", 1, 8,
       "a ':' mapping value is not allowed here"},
      {"list closed with a brace", "name: shop\nfunctions: [a, b}\n", 2, 17,
       "a ']' or '}' does not match"},
      {"unknown escape", "name: \"a\\qb\"\nfunctions: {}\n", 1, 9, "unknown escape '\\q'"},
      {"reserved indicator", "name: @shop\nfunctions: {}\n", 1, 7, "'@' cannot start a value"},
      {"unclosed single quote", "functions: {}\nname: 'shop\n", 2, 7, "expected a closing '"},
      {"dependencies not a list", py("    dependencies: deps\n"), 6, 19,
       "a list of dependency packages"},
      {"dependency leaving the project", py("    dependencies: [../shared]\n"), 6, 20,
       "'../shared' is not a path inside the project"},
      {"dependency with two sources",
       py("    dependencies:\n      - {name: a, path: x, requirements: r.txt}\n"), 7, 9,
       "more than one of path, requirements, package"},
      {"dependency without a source", py("    dependencies:\n      - {name: a}\n"), 7, 9,
       "none of path, requirements, package is given"},
      {"dependency with a bad name", py("    dependencies:\n      - {name: 1dep, path: deps}\n"), 7,
       16, "'1dep' is not a valid dependency name"},
      {"dependency name ending in a dot",
       py("    dependencies:\n      - {name: dep., path: deps}\n"), 7, 16,
       "'dep.' is not a valid dependency name"},
      {"dependency unknown key", py("    dependencies:\n      - {name: d, path: x, pth: y}\n"), 7,
       28, "unknown key 'pth'"},
      {"two dependencies of one name",
       py("    dependencies:\n      - deps/common\n      - {name: common, path: other.zip}\n"), 8,
       9, "a second dependency named 'common'"},
      {"twenty-one dependencies",
       py("    dependencies:\n" +
          [] {
            std::string s;
            for (int i = 0; i < 21; ++i) {
              s += "      - d" + std::to_string(i) + "\n";
            }
            return s;
          }()),
       7, 7, "21 dependency packages; expected at most 20 per function"},
      {"APIG cors not a boolean", trig("      - { type: APIG, path: /a, cors: maybe }\n"), 7, 39,
       "cors"},
  };
}

}  // namespace

TEST_CASE("manifest::validate_text rejects a table of bad manifests", "[manifest]") {
  auto cases = bad_cases();
  REQUIRE(cases.size() >= 40);
  for (const auto& c : cases) {
    auto v = validate_text(c.text, "fstage.yaml");
    std::string all;
    for (const auto& d : v.errors) {
      all += d.str() + "\n";
    }
    INFO("case: " << c.what << "\nerrors:\n" << all);
    CHECK_FALSE(v.manifest.has_value());
    CHECK_FALSE(v.errors.empty());
    bool found = false;
    for (const auto& d : v.errors) {
      if (d.where.line == c.line && d.where.column == c.column &&
          d.str().find(c.needle) != std::string::npos) {
        found = true;
      }
      CHECK(d.where.file == "fstage.yaml");
      CHECK(d.where.line >= 1);
      CHECK(d.where.column >= 1);
    }
    INFO("want " << c.line << ":" << c.column << " containing '" << c.needle << "'");
    CHECK(found);
  }
}

TEST_CASE("manifest::validate_text collects every error, not just the first", "[manifest]") {
  auto v = validate_text(py("    memory: 100\n    timeout: 0\n    handlr: x\n    env: [x]\n"),
                         "fstage.yaml");
  REQUIRE(v.errors.size() == 4);
  CHECK(v.errors[0].where.line == 6);
  CHECK(v.errors[1].where.line == 7);
  CHECK(v.errors[2].where.line == 8);
  CHECK(v.errors[3].where.line == 9);
}

TEST_CASE("manifest::Diagnostic::str names file, position, found and expected", "[manifest]") {
  auto v = validate_text(py("    memory: 100\n"), "proj/fstage.yaml");
  REQUIRE(v.errors.size() == 1);
  CHECK(v.errors[0].str() ==
        "proj/fstage.yaml:6:13: functions.f.memory: 100 is not a memory size the platform "
        "offers; expected one of 128, 256, 512, 768, 1024, 1280, 1536, 1792, 2048, 2560, 3072, "
        "3584, 4096, 8192, 10240 (MB)");
  CHECK(v.errors[0].expected.starts_with("one of 128"));
}

TEST_CASE("manifest columns count characters, not bytes", "[manifest]") {
  // "éé" is four bytes but two characters: memory's value is at character 34.
  auto v = validate_text(
      "name: p\nfunctions:\n  f: {description: \"\xC3\xA9\xC3\xA9\", memory: 100, runtime: go, "
      "handler: h}\n",
      "fstage.yaml");
  REQUIRE(v.errors.size() == 1);
  CHECK(v.errors[0].where.line == 3);
  CHECK(v.errors[0].where.column == 34);
  // The same for a bad byte after multi-byte characters and for a cron field.
  v = validate_text("name: \xE5\x90\x8D\xFF\n", "fstage.yaml");
  REQUIRE(v.errors.size() == 1);
  CHECK(v.errors[0].where.column == 8);
  v = validate_text(
      "name: p\nfunctions:\n  f:\n    runtime: go\n    handler: h\n    description: \xC3\xA9\n"
      "    triggers: [{type: TIMER, user_event: \xC3\xA9, schedule: \"0 0 99 * * *\"}]\n",
      "fstage.yaml");
  REQUIRE(v.errors.size() == 1);
  CHECK(v.errors[0].where.line == 7);
  CHECK(v.errors[0].where.column == 60);
}
