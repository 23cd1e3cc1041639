// SPDX-License-Identifier: Apache-2.0
#include <string>

#include <catch2/catch.hpp>

#include <fstage/manifest/manifest.hpp>

using namespace fstage::manifest;

namespace {

const char* const k_full = R"(# every trigger type, defaults and aliases
name: shop
region: ap-southeast-1
package: retail
functions:
  orders:
    runtime: python3.10
    handler: src/index.handler
    memory: 256
    timeout: 10
    code: src/orders/
    env: { TABLE: orders, PORT: 8080, DEBUG: true, EMPTY: "" }
    initializer: src/index.init
    initializer_timeout: 30
    description: Takes orders
    include: ["*.py", "data/**"]
    exclude: [tests/]
    build: pip install -r requirements.txt -t .
    triggers:
      - { type: APIG, path: "/orders/{id}", method: post }
      - { type: timer, schedule: "@every 5m" }
      - type: TIMER
        schedule: 0 */5 * * * *
        user_event: hello
        enabled: false
      - { type: TIMER, schedule: 5m }
      - { type: TIMER, schedule: "CRON_TZ=Asia/Shanghai 0 30 9 ? * MON-FRI" }
  notify:
    runtime: Node.js18.15
    handler: index.handler
    triggers:
      - { type: SMN, topic_urn: "urn:smn:cn-north-4:0123abc:orders" }
      - { type: OBS, bucket: my-bucket.v1, events: ["s3:ObjectRemoved:*"], suffix: .jpg }
      - { type: DIS, stream_name: clicks, starting_position: latest, batch_size: 500 }
      - { type: KAFKA, instance_id: k-1, topic: orders }
      - { type: LTS, log_group_id: g-1, log_topic_id: t-1 }
      - { type: CTS, operations: ["FunctionGraph:Functions:createFunction"] }
      - { type: dds, instance_id: d-1, db_name: shop, collection: orders }
  billing:
    runtime: java17
    handler: com.example.billing.Handler.handle
    memory: 10240
    timeout: 900
  worker:
    runtime: go
    handler: handler
  web:
    runtime: http
    triggers:
      - { type: APIG, path: "/{proxy+}", group_id: g-1 }
  raw:
    runtime: custom
)";

}  // namespace

TEST_CASE("manifest::validate_text accepts every trigger type and fills defaults", "[manifest]") {
  auto v = validate_text(k_full, "fstage.yaml");
  for (const auto& d : v.errors) {
    UNSCOPED_INFO(d.str());
  }
  REQUIRE(v.errors.empty());
  REQUIRE(v.manifest);
  const Manifest& m = *v.manifest;
  CHECK(m.name == "shop");
  CHECK(m.region == "ap-southeast-1");
  CHECK(m.package == "retail");
  REQUIRE(m.functions.size() == 6);

  const Function* orders = m.find("orders");
  REQUIRE(orders);
  CHECK(orders->runtime.name == "Python3.10");
  CHECK(orders->runtime.language == Language::python);
  CHECK(orders->handler == "src/index.handler");
  CHECK(orders->memory == 256);
  CHECK(orders->timeout == 10);
  CHECK(orders->code == "src/orders");
  REQUIRE(orders->env.size() == 4);
  CHECK(orders->env[1] == std::pair<std::string, std::string>{"PORT", "8080"});
  CHECK(orders->env[2].second == "true");
  CHECK(orders->initializer == "src/index.init");
  CHECK(orders->initializer_timeout == 30);
  CHECK(orders->include == std::vector<std::string>{"*.py", "data/**"});
  CHECK(orders->exclude == std::vector<std::string>{"tests/"});
  CHECK(orders->build == "pip install -r requirements.txt -t .");
  CHECK(orders->where.line == 6);
  REQUIRE(orders->triggers.size() == 5);
  const auto& apig = orders->triggers[0];
  CHECK(apig.type == "APIG");
  CHECK(apig.where.line == 20);
  CHECK(apig.fields.dump() ==
        R"({"path":"/orders/{id}","method":"POST","auth":"NONE","timeout":5000,"cors":false})");
  CHECK(orders->triggers[1].type == "TIMER");
  CHECK(orders->triggers[1].fields.dump() ==
        R"({"schedule":"@every 5m","schedule_type":"Cron","enabled":true})");
  CHECK(
      orders->triggers[2].fields.dump() ==
      R"({"schedule":"0 */5 * * * *","schedule_type":"Cron","user_event":"hello","enabled":false})");
  CHECK(orders->triggers[3].fields["schedule_type"] == "Rate");

  const Function* notify = m.find("notify");
  REQUIRE(notify);
  REQUIRE(notify->triggers.size() == 7);
  CHECK(notify->triggers[0].fields["topic_urn"] == "urn:smn:cn-north-4:0123abc:orders");
  CHECK(notify->triggers[1].fields.dump() ==
        R"({"bucket":"my-bucket.v1","events":["s3:ObjectRemoved:*"],"suffix":".jpg"})");
  CHECK(
      notify->triggers[2].fields.dump() ==
      R"({"stream_name":"clicks","starting_position":"LATEST","batch_size":500,"polling_interval":30})");
  CHECK(notify->triggers[3].fields.dump() ==
        R"({"instance_id":"k-1","topic":"orders","batch_size":100})");
  CHECK(notify->triggers[4].type == "LTS");
  CHECK(notify->triggers[5].fields["operations"][0] == "FunctionGraph:Functions:createFunction");
  CHECK(notify->triggers[6].type == "DDS");
  CHECK(notify->triggers[6].fields.dump() ==
        R"({"instance_id":"d-1","db_name":"shop","collection":"orders","batch_size":100})");
  // Defaults.
  CHECK(notify->memory == 128);
  CHECK(notify->timeout == 3);
  CHECK(notify->code == ".");
  CHECK(notify->initializer.empty());

  CHECK(m.find("billing")->runtime.name == "Java17");
  CHECK(m.find("worker")->runtime.name == "Go1.x");
  CHECK(m.find("web")->handler == "bootstrap");
  CHECK(m.find("web")->runtime.name == "http");
  CHECK(m.find("web")->triggers[0].fields["group_id"] == "g-1");
  CHECK(m.find("raw")->runtime.name == "Custom");
  CHECK(m.find("missing") == nullptr);
  CHECK(v.warnings.empty());
}

TEST_CASE("manifest::validate_text fills project defaults", "[manifest]") {
  auto v = validate_text("name: p\nfunctions:\n  f: {runtime: go, handler: h}\n", "fstage.yaml");
  REQUIRE(v.manifest);
  CHECK(v.manifest->region == "cn-north-4");
  CHECK(v.manifest->package == "default");
}

TEST_CASE("manifest::validate_text accepts anchors, aliases and merge keys", "[manifest]") {
  auto v = validate_text(R"(name: p
defaults: &d
functions:
  a: &base
    runtime: nodejs18
    handler: index.handler
    env: &env { A: "1" }
  b:
    <<: *base
    memory: 512
    env: *env
)",
                         "fstage.yaml");
  // "defaults" is not a known key: anchors live inside known keys.
  REQUIRE(v.errors.size() == 1);
  CHECK(v.errors[0].message == "unknown top-level key 'defaults'");

  v = validate_text(R"(name: p
functions:
  a: &base
    runtime: nodejs18
    handler: index.handler
    env: &env { A: "1" }
  b:
    <<: *base
    memory: 512
    env: *env
)",
                    "fstage.yaml");
  REQUIRE(v.errors.empty());
  const Function* b = v.manifest->find("b");
  REQUIRE(b);
  CHECK(b->runtime.name == "Node.js18.15");
  CHECK(b->memory == 512);
  CHECK(b->env.size() == 1);
}

TEST_CASE("manifest::validate_text warns about soft problems", "[manifest]") {
  auto v = validate_text(R"(name: p
functions:
  a:
    runtime: PHP7.3
    handler: index.handler
    timeout: 3600
    initializer_timeout: 10
    env: { EMPTY: }
    triggers:
      - { type: TIMER, schedule: "*/5 * * * *" }
)",
                         "fstage.yaml");
  REQUIRE(v.errors.empty());
  REQUIRE(v.manifest);
  std::string all;
  for (const auto& w : v.warnings) {
    all += w.str() + "\n";
  }
  INFO(all);
  CHECK(v.warnings.size() == 5);
  CHECK(all.find("fstage.yaml:4:14: functions.a.runtime: runtime 'PHP7.3' cannot run locally") !=
        std::string::npos);
  CHECK(all.find("fstage.yaml:6:14: functions.a.timeout: 3600s is over 900s") != std::string::npos);
  CHECK(all.find("set without an initializer") != std::string::npos);
  CHECK(all.find("fstage.yaml:8:12: functions.a.env.EMPTY: empty value") != std::string::npos);
  CHECK(all.find("5 cron fields") != std::string::npos);
  CHECK(v.manifest->warnings.size() == 5);
}

TEST_CASE("manifest::resolve_runtime maps aliases to exact API names", "[manifest]") {
  struct Row {
    const char* alias;
    const char* name;
  };
  const Row rows[] = {
      {"Python3.10", "Python3.10"},
      {"python3.10", "Python3.10"},
      {"python3.9", "Python3.9"},
      {"python", "Python3.10"},
      {"python3", "Python3.10"},
      {"python2", "Python2.7"},
      {"nodejs18", "Node.js18.15"},
      {"node18", "Node.js18.15"},
      {"Node.js18.15", "Node.js18.15"},
      {"node.js16", "Node.js16.17"},
      {"nodejs", "Node.js20.15"},
      {"java17", "Java17"},
      {"JAVA8", "Java8"},
      {"java", "Java17"},
      {"go", "Go1.x"},
      {"go1.x", "Go1.x"},
      {"Go1.8", "Go1.8"},
      {"custom", "Custom"},
      {"CUSTOM", "Custom"},
      {"HTTP", "http"},
      {"php7.3", "PHP7.3"},
      {"custom image", "Custom Image"},
  };
  for (const auto& r : rows) {
    INFO(r.alias);
    auto rt = resolve_runtime(r.alias);
    REQUIRE(rt);
    CHECK(rt->name == r.name);
  }
  for (const char* bad : {"python3.1", "pyton", "node99", "java1", "", "rust"}) {
    INFO(bad);
    CHECK_FALSE(resolve_runtime(bad));
  }
  // Every alias resolves within a manifest too.
  for (const auto& r : rows) {
    std::string text = std::string("name: p\nfunctions:\n  f:\n    runtime: \"") + r.alias +
                       "\"\n    handler: h\n";
    auto v = validate_text(text, "fstage.yaml");
    auto rt = resolve_runtime(r.alias);
    if (v.manifest) {
      CHECK(v.manifest->functions[0].runtime.name == rt->name);
    } else {
      // "h" is no valid handler for file.function runtimes; the runtime itself must be fine.
      for (const auto& e : v.errors) {
        CHECK(e.message.find("runtime") == std::string::npos);
      }
    }
  }
}

TEST_CASE("manifest::is_valid_handler follows each runtime's format", "[manifest]") {
  auto rt = [](const char* n) { return *resolve_runtime(n); };
  CHECK(is_valid_handler(rt("python3.10"), "index.handler"));
  CHECK(is_valid_handler(rt("python3.10"), "src/app/main.handler"));
  CHECK(is_valid_handler(rt("python3.10"), "my-module.v2.handler"));
  CHECK_FALSE(is_valid_handler(rt("python3.10"), "index"));
  CHECK_FALSE(is_valid_handler(rt("python3.10"), "../index.handler"));
  CHECK_FALSE(is_valid_handler(rt("python3.10"), "index.$h"));
  CHECK(is_valid_handler(rt("nodejs18"), "index.$h"));
  CHECK(is_valid_handler(rt("java17"), "com.example.Handler.handle"));
  CHECK(is_valid_handler(rt("java17"), "a.B.c"));
  CHECK_FALSE(is_valid_handler(rt("java17"), "B.c"));
  CHECK_FALSE(is_valid_handler(rt("java17"), "com.example.Handler::handle"));
  CHECK(is_valid_handler(rt("go"), "handler"));
  CHECK(is_valid_handler(rt("go"), "main.bin"));
  CHECK_FALSE(is_valid_handler(rt("go"), "bin/handler"));
  CHECK(is_valid_handler(rt("Go1.8"), "testplugin.Handler"));
  CHECK_FALSE(is_valid_handler(rt("Go1.8"), "handler"));
  CHECK(is_valid_handler(rt("custom"), "bootstrap"));
  CHECK(is_valid_handler(rt("http"), "anything-at-all"));
  CHECK_FALSE(is_valid_handler(rt("http"), ""));
  CHECK_FALSE(is_valid_handler(rt("nodejs18"), std::string(127, 'a') + ".h"));
  CHECK(is_valid_handler(rt("nodejs18"), std::string(126, 'a') + ".h"));
  CHECK(handler_format(rt("java17")).starts_with("package.Class.method"));
}

TEST_CASE("manifest name rules match the platform's", "[manifest]") {
  CHECK(is_valid_function_name("a"));
  CHECK(is_valid_function_name("my-func_2"));
  CHECK(is_valid_function_name(std::string(60, 'a')));
  CHECK_FALSE(is_valid_function_name(std::string(61, 'a')));
  CHECK_FALSE(is_valid_function_name("2fn"));
  CHECK_FALSE(is_valid_function_name("fn_"));
  CHECK_FALSE(is_valid_function_name("fn.x"));
  CHECK_FALSE(is_valid_function_name(""));
  CHECK(is_valid_env_key("A"));
  CHECK(is_valid_env_key("db_Host2"));
  CHECK_FALSE(is_valid_env_key("_A"));
  CHECK_FALSE(is_valid_env_key("A-B"));
  CHECK_FALSE(is_valid_env_key("2A"));
  CHECK(memory_sizes().size() == 15);
  CHECK(memory_sizes().front() == 128);
  CHECK(memory_sizes().back() == 10240);
}

TEST_CASE("manifest reserves only the platform's own RUNTIME_* variables", "[manifest]") {
  CHECK(is_reserved_env_key("RUNTIME_FUNC_NAME"));
  CHECK(is_reserved_env_key("RUNTIME_USERDATA"));
  CHECK(is_reserved_env_key("RUNTIME_API_ADDR"));
  CHECK_FALSE(is_reserved_env_key("RUNTIME_LOG_LEVEL"));
  CHECK_FALSE(is_reserved_env_key("RUNTIME_FUNC"));
  auto v = validate_text(
      "name: p\nfunctions:\n  f:\n    runtime: go\n    handler: h\n"
      "    env:\n      RUNTIME_LOG_LEVEL: debug\n",
      "fstage.yaml");
  REQUIRE(v.errors.empty());
  REQUIRE(v.manifest->functions.size() == 1);
  CHECK(v.manifest->functions[0].env ==
        std::vector<std::pair<std::string, std::string>>{{"RUNTIME_LOG_LEVEL", "debug"}});
}

TEST_CASE("manifest env limit counts names and values together", "[manifest]") {
  auto make = [](std::size_t value_len) {
    return "name: p\nfunctions:\n  f:\n    runtime: go\n    handler: h\n    env:\n      AB: \"" +
           std::string(value_len, 'x') + "\"\n";
  };
  CHECK(validate_text(make(4094), "fstage.yaml").errors.empty());
  auto v = validate_text(make(4095), "fstage.yaml");
  REQUIRE(v.errors.size() == 1);
  CHECK(v.errors[0].message == "functions.f.env: 4097 characters of names and values");
}

TEST_CASE("manifest::validate_text reads reserved_instances within 0..1000", "[manifest]") {
  const std::string head = "name: p\nfunctions:\n  f:\n    runtime: go\n    handler: h\n";
  auto v = validate_text(head + "    reserved_instances: 3\n", "fstage.yaml");
  REQUIRE(v.manifest);
  CHECK(v.manifest->functions[0].reserved_instances == 3);
  v = validate_text(head, "fstage.yaml");
  REQUIRE(v.manifest);
  CHECK(v.manifest->functions[0].reserved_instances == 0);
  v = validate_text(head + "    reserved_instances: 1001\n", "fstage.yaml");
  REQUIRE_FALSE(v.manifest);
  REQUIRE(v.errors.size() == 1);
  CHECK(v.errors[0].str().find("fstage.yaml:6:25: functions.f.reserved_instances") == 0);
  v = validate_text(head + "    reserved_instances: many\n", "fstage.yaml");
  CHECK_FALSE(v.manifest);
}
