// SPDX-License-Identifier: Apache-2.0
#pragma once

// Typed calls for the FunctionGraph v2 endpoints fstage uses (PLATFORM.md §4.2), plus the IAM
// project lookup. Every call is authorised per attempt (fresh X-Sdk-Date), goes through the
// retrying HttpClient, and turns error responses into Errors with a hint where one is known.
//
// Creates (function, version, alias, trigger) are not blindly repeated: when an attempt ends
// ambiguously (5xx, timeout, dropped connection) or with "already exists", the remote state is
// read, and the create is repeated only when that read shows the object absent.

#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <fstage/base/error.hpp>
#include <fstage/base/json.hpp>
#include <fstage/deploy/credentials.hpp>
#include <fstage/deploy/http_client.hpp>
#include <fstage/deploy/target.hpp>

namespace fstage::deploy {

struct InvokeResult {
  long status = 0;
  std::string request_id;
  std::string result;  // the function's return value, serialised (sync only)
  std::string log;     // the tail log (sync with tail only)
  bool function_error = false;
};

// One LTS log line; line_num orders the lines and is the paging cursor.
struct LogLine {
  std::string content;
  std::string line_num;
};

class Api {
 public:
  Api(HttpClient& http, Target target, Credentials creds);

  const Target& target() const { return m_target; }
  void set_project_id(std::string id) { m_target.project_id = std::move(id); }

  // "urn:fss:<region>:<project>:function:<package>:<name>:<qualifier>" ("" = no qualifier).
  std::string urn(const std::string& function, const std::string& qualifier = "latest") const;

  // IAM: the id of the project named after the region. Errors: not_found (no such project),
  // auth, network, remote.
  Expected<std::string> lookup_project_id();

  // The function's config (latest, or `qualifier`); nullopt when it does not exist.
  Expected<std::optional<Json>> get_function(const std::string& name,
                                             const std::string& qualifier = "latest");
  Expected<std::vector<Json>> list_functions();
  // POST with `fields` plus func_code.file = base64(zip) (read from disk into the body once);
  // with code_type "obs" in `fields`, just the fields (code_url names the object).
  Expected<Json> create_function(const Json& fields, const std::filesystem::path& zip);
  // PUT …/code with the zip, and depend_version_list when given (absent: the links stay); with
  // a `code_url`, code_type obs pointing at that object instead of the zip in the body.
  Expected<Json> update_code(
      const std::string& name, const std::filesystem::path& zip,
      const std::optional<std::vector<std::string>>& depend_version_list = std::nullopt,
      const std::string& code_url = "");
  Expected<Json> update_config(const std::string& name, const Json& fields);
  // Deletes the function, or one version of it. Errors: not_found.
  Expected<void> delete_function(const std::string& name, const std::string& version = "");

  Expected<std::vector<Json>> list_versions(const std::string& name);
  // Publishes latest as `version` ("" = the platform names it). `known` are the versions that
  // existed before, so an ambiguous failure can be told apart from success.
  Expected<Json> publish_version(const std::string& name, const std::string& version,
                                 const std::string& digest, const std::set<std::string>& known);

  Expected<std::vector<Json>> list_aliases(const std::string& name);
  Expected<std::optional<Json>> get_alias(const std::string& name, const std::string& alias);
  Expected<Json> create_alias(const std::string& name, const Json& body);
  Expected<Json> update_alias(const std::string& name, const std::string& alias, const Json& body);

  Expected<std::vector<Json>> list_triggers(const std::string& name);
  Expected<Json> create_trigger(const std::string& name, const Json& body);
  Expected<Json> update_trigger(const std::string& name, const std::string& type,
                                const std::string& id, const Json& body);
  // A trigger already gone counts as deleted.
  Expected<void> delete_trigger(const std::string& name, const std::string& type,
                                const std::string& id);

  // Function settings with their own APIs (api_settings.cpp). PUT …/reservedinstances {count}.
  Expected<Json> update_reserved_instances(const std::string& name, const Json& body);
  // …/async-invoke-config: the configuration, nullopt when none is set (404).
  Expected<std::optional<Json>> get_async_config(const std::string& name);
  Expected<Json> put_async_config(const std::string& name, const Json& body);
  // A configuration already gone counts as deleted.
  Expected<void> delete_async_config(const std::string& name);
  // /v2/{project}/functions/{urn}/tags: {tags: [{key, value}], sys_tags}; create and delete
  // take {tags: [{key, value}], action}.
  Expected<Json> list_tags(const std::string& name);
  Expected<void> create_tags(const std::string& name, const Json& body);
  Expected<void> delete_tags(const std::string& name, const Json& body);

  Expected<InvokeResult> invoke(const std::string& name, const std::string& qualifier,
                                const std::string& event, bool async, int timeout_seconds);

  // Dependency packages (tests/fakecloud/DEPENDENCIES.md). The account's dependencies whose
  // name contains `name` (the API matches loosely: compare names yourself), all pages.
  Expected<std::vector<Json>> list_dependencies(const std::string& name = "");
  // Every version of one dependency (objects with id, version, etag, size, runtime, ...).
  Expected<std::vector<Json>> list_dependency_versions(const std::string& depend_id);
  // One version; nullopt when it does not exist (FSS.1056).
  Expected<std::optional<Json>> get_dependency_version(const std::string& depend_id, long version);
  // POST …/dependencies/version with `fields` (name, runtime, description) plus depend_type zip
  // and depend_file = base64(zip); with depend_link in `fields`, depend_type obs instead. An
  // ambiguous failure is resolved by listing the versions of `fields.name`: a version with etag
  // `md5` and an id not in `known` is this upload.
  Expected<Json> create_dependency_version(const Json& fields, const std::filesystem::path& zip,
                                           const std::string& md5,
                                           const std::set<std::string>& known);
  // Errors: not_found (FSS.1056), remote (412 FSS.1033: linked by a function).
  Expected<void> delete_dependency_version(const std::string& depend_id, long version);

  // Function flows (the v2 workflow API, FLOW.md §3). The flow named exactly `name`, as shown
  // (its definition with id and workflow_urn); nullopt when there is none.
  Expected<std::optional<Json>> find_workflow(const std::string& name);
  // Every flow of the project (WorkflowSimpleInfo objects), all pages.
  Expected<std::vector<Json>> list_workflows(const std::string& name = "");
  // POST …/workflows; an ambiguous failure is resolved by looking the flow up by name.
  Expected<Json> create_workflow(const Json& body);
  Expected<Json> update_workflow(const std::string& id, const Json& body);
  // DELETE …/workflows with {workflow_urns: [...]}. Errors: not_found.
  Expected<void> delete_workflows(const std::vector<std::string>& urns);
  // "urn:fss:<region>:<project>:workflow:default:<name>:latest".
  std::string workflow_urn(const std::string& name) const;

  // Workflow executions (FLOW.md §3). Starts one: {input, headers?}; async answers
  // {execution_id}, sync (EXPRESS flows only) the whole run. Never repeated: a repeat would
  // start a second execution. `timeout_seconds` 0 = the session's.
  Expected<Json> start_workflow_execution(const std::string& workflow_id, const Json& body,
                                          bool sync, int timeout_seconds = 0);
  // ShowWorkflowExecution. Errors: not_found.
  Expected<Json> get_workflow_execution(const std::string& workflow_id,
                                        const std::string& execution_id);
  // The executions of the last three days (the API's default window), newest first;
  // `status` "" = all.
  Expected<std::vector<Json>> list_workflow_executions(const std::string& workflow_id,
                                                       const std::string& status = "",
                                                       int limit = 200);
  // POST …/executions/{eid}/retry or /terminate.
  Expected<void> workflow_execution_op(const std::string& workflow_id,
                                       const std::string& execution_id, const std::string& op);

  Expected<Json> log_detail(const std::string& name);
  // The newest `limit` LTS log lines of the function's stream between the two times (ms since
  // the epoch), oldest first.
  Expected<std::vector<std::string>> query_logs(const Json& detail, long long start_ms,
                                                long long end_ms, int limit);
  // One page of LTS lines between the two times, oldest first: the first page, or (with
  // `after_line_num`) the page after that line. A page shorter than `limit` is the last.
  Expected<std::vector<LogLine>> query_log_page(const Json& detail, long long start_ms,
                                                long long end_ms, int limit,
                                                const std::string& after_line_num = "");
  // ListFunctionStatistics: the function's metrics per minute over the last `minutes` (the API
  // takes 5, 15 or 60): {count, duration, fail_count, max_duration, min_duration,
  // reject_count, ...}, each an array of {timestamp, value}. Errors: not_found, remote.
  Expected<Json> function_statistics(const std::string& name, int minutes);

 private:
  struct Call {
    std::string method = "GET";
    std::string base;  // "" = the FunctionGraph endpoint
    std::string path;
    Pairs query;
    Pairs headers;
    std::string_view body;
    bool retry_safe = true;
    bool progress = false;
    bool project_header = true;
    int timeout_seconds = 0;
  };
  Expected<HttpResponse> raw(const Call& c);
  // raw() + error mapping + JSON parsing (null for an empty body).
  Expected<Json> call(const Call& c);
  // call(), with a 404 (whose message carries `fss_code`, when one is given) as nullopt: the
  // one way a lookup says "there is none".
  Expected<std::optional<Json>> call_or_none(const Call& c, std::string_view fss_code = {});
  // POST …/tags/create or DELETE …/tags/delete with `body` ({tags: [...]}).
  Expected<void> tags_call(const std::string& name, const char* method, const char* action,
                           const Json& body);
  std::string fgs(const std::string& rest) const;  // "/v2/<project>/fgs" + rest
  // POST …/groups/{group}/streams/{stream}/content/query on the LTS endpoint; `detail` is
  // log_detail()'s answer.
  Expected<Json> lts_query(const Json& detail, const Json& body);
  Expected<Json> create(const Call& c, const std::function<Expected<std::optional<Json>>()>& find);

  HttpClient& m_http;
  Target m_target;
  Credentials m_creds;
};

// The Error for an API error response: message with error_code and error_msg, ErrorCode by
// status (401/403 auth, 404 not_found, 413 limit, else remote), and a hint where one is known
// (FSS.1071 -> OBS, clock skew from the response's Date header, ...).
Error api_error(const HttpResponse& resp, const std::string& what, const Credentials& creds);

// The JSON body for a code upload: `fields` plus "func_code": {"file": base64(zip)}, with the
// base64 written straight from the file into the one buffer. Errors: not_found, io.
Expected<std::string> json_with_code(const Json& fields, const std::filesystem::path& zip);

// The same with base64(zip) as the top-level string member `field` (depend_file).
Expected<std::string> json_with_file(const Json& fields, const std::string& field,
                                     const std::filesystem::path& zip);

}  // namespace fstage::deploy
