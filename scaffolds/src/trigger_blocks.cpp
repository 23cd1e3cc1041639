// SPDX-License-Identifier: Apache-2.0
#include "trigger_blocks.hpp"

namespace fstage::scaffolds {

namespace {
// Fake ids, shaped like the real ones (a 32-hex project id, UUID instance ids).
constexpr std::string_view k_project = "0123456789abcdef0123456789abcdef";
constexpr std::string_view k_uuid = "00000000-0000-4000-8000-000000000000";
}  // namespace

std::string trigger_block(std::string_view trigger, std::string_view name,
                          std::string_view region) {
  const std::string n(name);
  const std::string r(region);
  const std::string p(k_project);
  const std::string u(k_uuid);
  std::string body;
  if (trigger == "apig") {
    body = "type: APIG\n        path: /" + n + "\n        method: ANY\n";
  } else if (trigger == "timer") {
    body = "type: TIMER\n        schedule: \"@every 5m\"\n        user_event: \"hello from " + n +
           "\"\n";
  } else if (trigger == "smn") {
    body = "type: SMN\n        topic_urn: urn:smn:" + r + ":" + p + ":" + n + "-topic\n";
  } else if (trigger == "obs") {
    body =
        "type: OBS\n        bucket: " + n + "-bucket\n        events: [\"s3:ObjectCreated:*\"]\n";
  } else if (trigger == "dis") {
    body = "type: DIS\n        stream_name: " + n +
           "-stream\n        starting_position: TRIM_HORIZON\n";
  } else if (trigger == "kafka") {
    body = "type: KAFKA\n        instance_id: " + u + "\n        topic: " + n + "-topic\n";
  } else if (trigger == "lts") {
    body = "type: LTS\n        log_group_id: " + u + "\n        log_topic_id: " + u + "\n";
  } else if (trigger == "cts") {
    body = "type: CTS\n        operations: [\"FunctionGraph:Functions:createFunction\"]\n";
  } else if (trigger == "dds") {
    body = "type: DDS\n        instance_id: " + u + "\n        db_name: " + n +
           "\n        collection: " + n + "\n";
  } else {
    return {};
  }
  return "    triggers:\n      - " + body;
}

}  // namespace fstage::scaffolds
