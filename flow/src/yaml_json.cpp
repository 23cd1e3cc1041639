// SPDX-License-Identifier: Apache-2.0
#include "yaml_json.hpp"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

#include <fstage/base/strings.hpp>

namespace fstage::flow::detail {

namespace {

using manifest::detail::Checker;
using manifest::detail::NodeKind;
using manifest::detail::ScalarStyle;
using manifest::detail::YamlNode;

bool is_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
}

// YAML 1.2 core schema float: [-+]? ( . digits | digits [ . digits? ] ) ( [eE] [-+]? digits )?
bool is_float_text(std::string_view s) {
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    s.remove_prefix(1);
  }
  std::size_t e = s.find_first_of("eE");
  std::string_view mantissa = s.substr(0, e);
  if (e != std::string_view::npos) {
    std::string_view exp = s.substr(e + 1);
    if (!exp.empty() && (exp[0] == '-' || exp[0] == '+')) {
      exp.remove_prefix(1);
    }
    if (!is_digits(exp)) {
      return false;
    }
  }
  std::size_t dot = mantissa.find('.');
  if (dot == std::string_view::npos) {
    return is_digits(mantissa) && e != std::string_view::npos;
  }
  std::string_view whole = mantissa.substr(0, dot);
  std::string_view frac = mantissa.substr(dot + 1);
  return (whole.empty() || is_digits(whole)) && (frac.empty() || is_digits(frac)) &&
         !(whole.empty() && frac.empty());
}

std::optional<OrderedJson> plain_scalar(Checker& c, const YamlNode& n, std::string_view path) {
  const std::string& v = n.value;
  if (v == "true" || v == "True" || v == "TRUE") {
    return OrderedJson(true);
  }
  if (v == "false" || v == "False" || v == "FALSE") {
    return OrderedJson(false);
  }
  std::string_view digits = v;
  const bool negative = !digits.empty() && digits[0] == '-';
  if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) {
    digits.remove_prefix(1);
  }
  if (is_digits(digits)) {
    std::int64_t i = 0;
    const char* first = v.data() + (v[0] == '+' ? 1 : 0);
    auto [end, ec] = std::from_chars(first, v.data() + v.size(), i);
    if (ec == std::errc() && end == v.data() + v.size()) {
      return OrderedJson(i);
    }
    std::uint64_t u = 0;
    auto [uend, uec] = std::from_chars(first, v.data() + v.size(), u);
    if (!negative && uec == std::errc() && uend == v.data() + v.size()) {
      return OrderedJson(u);
    }
    // Larger integers read as a double, as JavaScript and Python's json do.
  }
  const std::string lower = to_lower(v);
  if (lower == ".inf" || lower == "+.inf" || lower == "-.inf" || lower == ".nan") {
    c.error(n, std::string(path) + ": " + v + " has no JSON form",
            "a finite number, or a quoted string");
    return std::nullopt;
  }
  if (is_digits(digits) || is_float_text(v)) {
    errno = 0;
    double d = std::strtod(v.c_str(), nullptr);
    if (errno == ERANGE && std::isinf(d)) {
      c.error(n, std::string(path) + ": the number " + v + " is too large for JSON",
              "a number a double holds (at most about 1.8e308)");
      return std::nullopt;
    }
    return OrderedJson(d);
  }
  return OrderedJson(v);
}

}  // namespace

std::optional<OrderedJson> yaml_to_json(Checker& c, const YamlNode& n, std::string_view path) {
  switch (n.kind) {
    case NodeKind::null:
      return OrderedJson(nullptr);
    case NodeKind::scalar:
      if (n.style == ScalarStyle::plain) {
        return plain_scalar(c, n, path);
      }
      return OrderedJson(n.value);
    case NodeKind::sequence: {
      OrderedJson out = OrderedJson::array();
      bool ok = true;
      for (std::size_t i = 0; i < n.items.size(); ++i) {
        auto item = yaml_to_json(c, *n.items[i], std::string(path) + "[" + std::to_string(i) + "]");
        ok = ok && item.has_value();
        if (item) {
          out.push_back(std::move(*item));
        }
      }
      return ok ? std::optional<OrderedJson>(std::move(out)) : std::nullopt;
    }
    case NodeKind::map: {
      OrderedJson out = OrderedJson::object();
      bool ok = true;
      for (const auto& e : n.entries) {
        auto value = yaml_to_json(c, *e.value, manifest::detail::join_path(path, e.key->value));
        ok = ok && value.has_value();
        if (value) {
          out[e.key->value] = std::move(*value);
        }
      }
      return ok ? std::optional<OrderedJson>(std::move(out)) : std::nullopt;
    }
  }
  return std::nullopt;
}

}  // namespace fstage::flow::detail
