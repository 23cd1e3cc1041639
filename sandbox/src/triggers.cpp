// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <cctype>
#include <variant>
#include <vector>

#include <fstage/base/json.hpp>
#include <fstage/base/strings.hpp>
#include <fstage/sandbox/triggers.hpp>

namespace fstage::sandbox {

namespace {

constexpr std::string_view k_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

using Step = std::variant<std::string, std::size_t>;  // a key or an index

Expected<std::vector<Step>> parse_path(std::string_view path) {
  std::vector<Step> steps;
  std::size_t i = 0;
  auto bad = [&](const std::string& why) {
    return fail(ErrorCode::usage, "bad path " + quote(path) + ": " + why,
                "paths look like records[0].body or headers.x-real-ip");
  };
  while (i < path.size()) {
    if (path[i] == '[') {
      auto close = path.find(']', i);
      if (close == std::string_view::npos) {
        return bad("unclosed [");
      }
      std::string_view inner = path.substr(i + 1, close - i - 1);
      if (inner.size() >= 2 && inner.front() == '"' && inner.back() == '"') {
        steps.emplace_back(std::string(inner.substr(1, inner.size() - 2)));
      } else if (!inner.empty() && std::all_of(inner.begin(), inner.end(), [](char c) {
                   return std::isdigit(static_cast<unsigned char>(c));
                 })) {
        steps.emplace_back(static_cast<std::size_t>(std::stoul(std::string(inner))));
      } else {
        return bad(std::string("[").append(inner).append("] is neither an index nor a quoted key"));
      }
      i = close + 1;
      if (i < path.size() && path[i] == '.') {
        ++i;
      }
      continue;
    }
    std::size_t end = path.find_first_of(".[", i);
    if (end == std::string_view::npos) {
      end = path.size();
    }
    if (end == i) {
      return bad("empty key");
    }
    steps.emplace_back(std::string(path.substr(i, end - i)));
    i = end;
    if (i < path.size() && path[i] == '.') {
      ++i;
      if (i == path.size()) {
        return bad("ends with '.'");
      }
    }
  }
  if (steps.empty()) {
    return bad("empty");
  }
  return steps;
}

std::string describe(const std::vector<Step>& steps, std::size_t upto) {
  std::string s;
  for (std::size_t i = 0; i < upto && i < steps.size(); ++i) {
    if (const auto* k = std::get_if<std::string>(&steps[i])) {
      s += (s.empty() ? "" : ".") + *k;
    } else {
      s += '[';
      s += std::to_string(std::get<std::size_t>(steps[i]));
      s += ']';
    }
  }
  return s;
}

bool is_key(const Step& s, std::string_view k) {
  const auto* key = std::get_if<std::string>(&s);
  return key != nullptr && *key == k;
}

// Maps whose values API Gateway always sends as strings, even when they look like numbers
// (PLATFORM.md §3 "APIG contract details"; the platform's runtimes type them as string maps:
// OTC-GO go-events/apig/APIGTriggerEvent.go map[string]string). The samples leave some empty
// (pathParameters: {}), so their siblings cannot tell.
bool apig_string_map(const OrderedJson& root, const std::vector<Step>& steps, std::size_t depth) {
  if (depth != 1 || !root.is_object() || !root.contains("httpMethod")) {
    return false;
  }
  return is_key(steps[0], "headers") || is_key(steps[0], "queryStringParameters") ||
         is_key(steps[0], "pathParameters") || is_key(steps[0], "requestContext");
}

// True when `container` holds only strings (a map of headers, a list of names): a new entry
// there is text too.
bool holds_strings(const OrderedJson& container) {
  if (container.empty() || (!container.is_object() && !container.is_array())) {
    return false;
  }
  return std::all_of(container.begin(), container.end(),
                     [](const OrderedJson& v) { return v.is_string(); });
}

// The value to store at a place that currently holds `current` (null when new); `text_only`
// when the place is known to hold a string.
Expected<OrderedJson> typed_value(const OrderedJson* current, const std::string& text,
                                  const std::string& where, bool text_only = false) {
  if ((current != nullptr && current->is_string()) ||
      (text_only && (current == nullptr || current->is_null()))) {
    return OrderedJson(text);
  }
  // Not JSON (or JSON too deep to handle) is text: --set body=hello.
  auto json = parse_ordered_json(text, where);
  OrderedJson parsed = json ? std::move(*json) : OrderedJson(OrderedJson::value_t::discarded);
  if (current == nullptr || current->is_null()) {
    return parsed.is_discarded() ? OrderedJson(text) : parsed;
  }
  if (parsed.is_discarded() || (current->is_number() && !parsed.is_number()) ||
      (current->is_boolean() && !parsed.is_boolean()) ||
      (current->is_object() && !parsed.is_object()) ||
      (current->is_array() && !parsed.is_array())) {
    return fail(ErrorCode::invalid_input,
                where + " holds " + std::string(current->type_name()) + "; " + quote(text) +
                    " is not " + (current->is_array() ? "an " : "a ") + current->type_name(),
                "give a JSON " + std::string(current->type_name()));
  }
  return parsed;
}

Expected<void> set_path(OrderedJson& root, const std::vector<Step>& steps,
                        const std::string& text) {
  OrderedJson* node = &root;
  for (std::size_t i = 0; i < steps.size(); ++i) {
    bool last = i + 1 == steps.size();
    if (const auto* key = std::get_if<std::string>(&steps[i])) {
      if (node->is_null()) {
        *node = OrderedJson::object();
      }
      if (!node->is_object()) {
        return fail(ErrorCode::invalid_input,
                    describe(steps, i) + " is " + node->type_name() + ", not an object");
      }
      if (last) {
        auto it = node->find(*key);
        const bool text_only = holds_strings(*node) || apig_string_map(root, steps, i);
        OrderedJson v = FSTAGE_TRY(typed_value(it == node->end() ? nullptr : &*it, text,
                                               describe(steps, i + 1), text_only));
        (*node)[*key] = std::move(v);
        return {};
      }
      if (!node->contains(*key) && !node->empty()) {
        // A missing key in the middle of a path is almost always a typo of the sample's
        // shape (obs vs s3): say so rather than grow a parallel structure.
        std::vector<std::string> keys;
        for (const auto& [k, v] : node->items()) {
          keys.push_back(k);
        }
        std::string where = i == 0 ? std::string("the event") : describe(steps, i);
        return fail(ErrorCode::invalid_input,
                    where + " has no key " + quote(*key) + did_you_mean(*key, keys),
                    "keys there: " + join(keys, ", "));
      }
      node = &(*node)[*key];
      continue;
    }
    std::size_t index = std::get<std::size_t>(steps[i]);
    if (node->is_null()) {
      *node = OrderedJson::array();
    }
    if (!node->is_array()) {
      return fail(ErrorCode::invalid_input,
                  describe(steps, i) + " is " + node->type_name() + ", not an array");
    }
    if (index > node->size()) {
      return fail(ErrorCode::invalid_input, describe(steps, i + 1) + " is out of range (" +
                                                describe(steps, i) + " has " +
                                                std::to_string(node->size()) + " elements)");
    }
    const bool text_only = holds_strings(*node);
    if (index == node->size()) {
      node->push_back(nullptr);
    }
    if (last) {
      OrderedJson& slot = (*node)[index];
      slot = FSTAGE_TRY(typed_value(&slot, text, describe(steps, i + 1), text_only));
      return {};
    }
    node = &(*node)[index];
  }
  return {};
}

// lts.data.<rest>: decode, edit, re-encode (the logs field is a JSON string in the payload).
Expected<void> set_lts(OrderedJson& event, const std::vector<Step>& steps,
                       const std::string& text) {
  std::string encoded = text_or(event["lts"], "data");
  std::string decoded = FSTAGE_TRY(base64_decode(encoded));
  auto parsed = parse_ordered_json(decoded, "lts.data");
  OrderedJson doc = parsed ? std::move(*parsed) : OrderedJson();
  if (!doc.is_object()) {
    return fail(ErrorCode::invalid_input, "lts.data does not decode to a JSON object");
  }
  bool logs_was_string = doc.contains("logs") && doc["logs"].is_string();
  if (logs_was_string) {
    auto logs = parse_ordered_json(doc["logs"].get<std::string>(), "lts.data.logs");
    if (!logs) {
      return fail(ErrorCode::invalid_input,
                  "lts.data.logs is not a JSON document: " + std::move(logs).error().message);
    }
    doc["logs"] = std::move(*logs);
  }
  std::vector<Step> rest(steps.begin() + 2, steps.end());
  FSTAGE_TRY(set_path(doc, rest, text));
  if (logs_was_string && !doc["logs"].is_string()) {
    doc["logs"] = doc["logs"].dump();
  }
  event["lts"]["data"] = base64_encode(doc.dump());
  return {};
}

}  // namespace

std::string base64_encode(std::string_view data) {
  std::string out;
  out.reserve((data.size() + 2) / 3 * 4);
  std::size_t i = 0;
  for (; i + 2 < data.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(data[i]) << 16) |
                 (static_cast<unsigned char>(data[i + 1]) << 8) |
                 static_cast<unsigned char>(data[i + 2]);
    for (int s = 18; s >= 0; s -= 6) {
      out += k_alphabet[(v >> s) & 63];
    }
  }
  if (i < data.size()) {
    unsigned v = static_cast<unsigned char>(data[i]) << 16;
    if (i + 1 < data.size()) {
      v |= static_cast<unsigned char>(data[i + 1]) << 8;
    }
    out += k_alphabet[(v >> 18) & 63];
    out += k_alphabet[(v >> 12) & 63];
    out += i + 1 < data.size() ? k_alphabet[(v >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

Expected<std::string> base64_decode(std::string_view text) {
  std::string out;
  unsigned v = 0;
  int bits = 0;
  for (char c : text) {
    if (c == '=' || c == '\n' || c == '\r') {
      continue;
    }
    auto pos = k_alphabet.find(c == '-' ? '+' : c == '_' ? '/' : c);
    if (pos == std::string_view::npos) {
      return fail(ErrorCode::invalid_input,
                  "not base64: unexpected character " + quote(std::string_view(&c, 1)));
    }
    v = (v << 6) | static_cast<unsigned>(pos);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((v >> bits) & 0xff);
    }
  }
  return out;
}

void aim_at_route(OrderedJson& event, std::string_view method, std::string_view path,
                  std::span<const std::string> assignments) {
  if (!event.is_object()) {
    return;
  }
  auto assigned = [&](std::string_view key) {
    return std::any_of(assignments.begin(), assignments.end(), [&](const std::string& a) {
      return a.starts_with(key) && a.size() > key.size() && a[key.size()] == '=';
    });
  };
  if (!method.empty() && method != "ANY" && !assigned("httpMethod")) {
    event["httpMethod"] = std::string(method);
  }
  if (path.empty() || assigned("path")) {
    return;
  }
  if (!event.contains("pathParameters") || !event["pathParameters"].is_object()) {
    event["pathParameters"] = OrderedJson::object();
  }
  OrderedJson& params = event["pathParameters"];
  std::string out;
  for (const auto& segment : split(path.substr(path.starts_with('/') ? 1 : 0), '/')) {
    std::string_view s(segment);
    out += '/';
    if (s.size() < 3 || s.front() != '{' || s.back() != '}') {
      out += s;
      continue;
    }
    std::string name(s.substr(1, s.size() - 2));
    if (name.ends_with('+')) {
      name.pop_back();
    }
    auto it = params.find(name);
    std::string value = it != params.end() && it->is_string() ? it->get<std::string>() : name;
    params[name] = value;
    out += value;
  }
  event["path"] = out.empty() ? std::string("/") : out;
}

Expected<OrderedJson> apply_assignments(OrderedJson event,
                                        std::span<const std::string> assignments) {
  for (const auto& a : assignments) {
    auto eq = a.find('=');
    if (eq == std::string::npos || eq == 0) {
      return fail(ErrorCode::usage, "bad assignment " + quote(a) + ": expected path=value",
                  "e.g. --set body=hello or --set records[0].obs.object.key=photo.jpg");
    }
    std::string value = a.substr(eq + 1);
    const std::string_view path = std::string_view(a).substr(0, eq);
    // JSON text is UTF-8: other bytes could not be written into the event.
    if (!is_valid_utf8(path)) {
      return fail(ErrorCode::invalid_input, "a --set path is not valid UTF-8",
                  "name the field in UTF-8 text");
    }
    auto steps = FSTAGE_TRY(parse_path(path));
    bool apig_body = steps.size() == 1 && is_key(steps[0], "body") && event.is_object() &&
                     value_or(event, "isBase64Encoded", false);
    if (apig_body) {
      event["body"] = base64_encode(value);  // any bytes: the body is sent base64-encoded
      continue;
    }
    if (!is_valid_utf8(value)) {
      return fail(ErrorCode::invalid_input,
                  "the value for " + std::string(path) + " is not valid UTF-8",
                  "JSON holds text; send bytes in a base64-encoded body "
                  "(isBase64Encoded: true, as --trigger apig-base64 has it)");
    }
    bool lts = steps.size() > 2 && is_key(steps[0], "lts") && is_key(steps[1], "data") &&
               event.contains("lts") && event["lts"].is_object();
    if (lts) {
      FSTAGE_TRY(set_lts(event, steps, value));
      continue;
    }
    FSTAGE_TRY(set_path(event, steps, value));
  }
  return event;
}

}  // namespace fstage::sandbox
