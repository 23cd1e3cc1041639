// SPDX-License-Identifier: Apache-2.0
// The pieces of asynchronous invocation that decide and shape, without threads: when to retry,
// how long to wait, the destination notification, and the local OBS bucket a destination writes.

#include <fstage/base/fs.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/serve/async_invoke.hpp>

namespace fstage::serve {

namespace fs = std::filesystem;

bool async_should_retry(int attempts, int max_retries, std::int64_t age_ms, int max_age_s) {
  return attempts <= max_retries && age_ms < static_cast<std::int64_t>(max_age_s) * 1000;
}

std::chrono::milliseconds async_backoff(int attempts, std::chrono::milliseconds base) {
  constexpr std::chrono::milliseconds k_cap = std::chrono::minutes(5);
  std::chrono::milliseconds wait = base;
  for (int i = 1; i < attempts && wait < k_cap; ++i) {
    wait *= 2;
  }
  return wait < k_cap ? wait : k_cap;
}

OrderedJson async_notification(const AsyncOutcome& o) {
  OrderedJson j;
  j["timestamp"] = o.timestamp;
  OrderedJson rc;
  rc["request_id"] = o.request_id;
  rc["function_urn"] = o.function_urn;
  rc["condition"] = o.condition;
  rc["approximate_invoke_count"] = o.invoke_count;
  j["request_context"] = std::move(rc);
  j["request_payload"] = o.request_payload;
  OrderedJson resp;
  resp["status_code"] = o.status_code;
  resp["function_error"] = o.function_error;
  j["response_context"] = std::move(resp);
  j["response_payload"] = o.response_payload;
  return j;
}

Expected<void> write_bucket_object(const fs::path& root, const std::string& bucket,
                                   const std::string& key, const std::string& bytes) {
  fs::path rel = fs::path(key).lexically_normal();
  if (bucket.empty() || bucket.find('/') != std::string::npos || key.empty() || rel.is_absolute() ||
      (!rel.empty() && *rel.begin() == "..")) {
    return fail(ErrorCode::unsafe, "object " + quote(bucket + "/" + key) + " leaves its bucket",
                "a bucket name without '/' and a key without '..'");
  }
  fs::path file = root / ".fstage" / "buckets" / bucket / rel;
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  if (ec) {
    return fail(ErrorCode::io,
                "cannot create " + file.parent_path().string() + ": " + ec.message());
  }
  // The contract with the bucket watcher: a `.fstage-tmp-*` name in the same directory, which
  // it ignores, renamed into place so that it sees one complete object.
  return write_file_atomic(file, bytes, 0644, ".fstage-tmp-");
}

DestinationSink make_destination_sink(const fs::path& root) {
  DestinationSink s;
  s.put_object = [root](const std::string& bucket, const std::string& key,
                        const std::string& bytes) {
    return write_bucket_object(root, bucket, key, bytes);
  };
  return s;
}

}  // namespace fstage::serve
