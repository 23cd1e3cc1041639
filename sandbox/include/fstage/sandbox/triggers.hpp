// SPDX-License-Identifier: Apache-2.0
// Trigger events for local invocations: editing a sample payload with `--set path=value`.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include <fstage/base/error.hpp>
#include <fstage/base/json.hpp>

namespace fstage::sandbox {

// Applies "path=value" assignments to `event`, in order.
//
// `path` is dotted keys with [n] indices: `records[0].obs.object.key`, `headers.x-real-ip`,
// `["key.with.dots"]`. A missing last key is added (a new header, say); a missing key in the
// middle of the path is an error with a suggestion, as it is nearly always a typo of the
// sample's shape. An index may append at the end.
// The value keeps the type of what it replaces: a string stays a string ("42" is the text
// 42), anything else is parsed as JSON. A new entry is text where the real field is a string:
// in a map or list that holds only strings, and in an APIG event's headers,
// queryStringParameters, pathParameters and requestContext (API Gateway sends ?q=1 as "1");
// elsewhere it takes JSON when the value parses, else text.
//
// Payloads the platform nests are edited in decoded form, so users never hand-encode:
//  - APIG with "isBase64Encoded": true: `body` takes plain text and is stored base64-encoded;
//  - LTS: `lts.data.<path>` edits the JSON document inside the base64 `lts.data`, where
//    `logs` (itself a JSON string holding an array) is addressed as that array:
//    `lts.data.logs[0].message=...`.
// Errors: usage for a malformed assignment or path, invalid_input for a value of the wrong
// type or a nested payload that does not decode.
Expected<OrderedJson> apply_assignments(OrderedJson event,
                                        std::span<const std::string> assignments);

// Aims an APIG sample event at a function's own route (its APIG trigger's method and path):
// httpMethod becomes the route's (the sample's stays for ANY), path the route's with each
// {name} or {name+} filled from pathParameters (the parameter's name when unset), and
// pathParameters holds every parameter. Applied after apply_assignments(): an httpMethod or
// path given there is kept.
void aim_at_route(OrderedJson& event, std::string_view method, std::string_view path,
                  std::span<const std::string> assignments);

std::string base64_encode(std::string_view data);
// Errors: invalid_input on characters outside the alphabet.
Expected<std::string> base64_decode(std::string_view text);

}  // namespace fstage::sandbox
