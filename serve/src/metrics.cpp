// SPDX-License-Identifier: Apache-2.0
// The Prometheus text exposition format: escaping, values, histograms, families.
#include <algorithm>
#include <cmath>  // isnan, isinf: compiler built-ins
#include <cstdio>
#include <cstdlib>

#include <fstage/serve/metrics.hpp>

namespace fstage::serve {

std::string escape_label_value(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string escape_help(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string format_metric_value(double value) {
  if (std::isnan(value)) {
    return "NaN";
  }
  if (std::isinf(value)) {
    return value > 0 ? "+Inf" : "-Inf";
  }
  char buf[40];
  // Integral values without a decimal point (no floor(): the CLI links no libm).
  if (value > -1e15 && value < 1e15 &&
      static_cast<double>(static_cast<long long>(value)) == value) {
    std::snprintf(buf, sizeof buf, "%.0f", value);
    return buf;
  }
  // The shortest of the usual precisions that reads back exactly (printf, not to_chars: the
  // CLI's startup stays libc-only).
  for (int precision : {6, 9, 12, 15, 17}) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, value);
    if (std::strtod(buf, nullptr) == value) {
      break;
    }
  }
  return buf;
}

Histogram::Histogram(std::span<const double> bounds)
    : m_bounds(bounds.begin(), bounds.end()),
      m_counts(new std::atomic<std::uint64_t>[bounds.size() + 1]) {
  std::sort(m_bounds.begin(), m_bounds.end());
  for (std::size_t i = 0; i <= m_bounds.size(); ++i) {
    m_counts[i] = 0;
  }
}

void Histogram::observe(double value) {
  // The first bucket whose upper bound (inclusive, "le") holds the value; else +Inf.
  const auto it = std::lower_bound(m_bounds.begin(), m_bounds.end(), value);
  m_counts[static_cast<std::size_t>(it - m_bounds.begin())].fetch_add(1, std::memory_order_relaxed);
  m_sum.fetch_add(value, std::memory_order_relaxed);
  m_count.fetch_add(1, std::memory_order_relaxed);
}

Histogram::Snapshot Histogram::snapshot() const {
  Snapshot s;
  s.bounds = m_bounds;
  std::uint64_t running = 0;
  for (std::size_t i = 0; i <= m_bounds.size(); ++i) {
    running += m_counts[i].load(std::memory_order_relaxed);
    s.cumulative.push_back(running);
  }
  // Read while observations go on, the buckets and the count may disagree by one in-flight
  // observation; the format wants +Inf == _count, so the count is the buckets' total.
  s.count = running;
  s.sum = m_sum.load(std::memory_order_relaxed);
  return s;
}

namespace {

std::string label_text(const MetricLabels& labels) {
  if (labels.empty()) {
    return "";
  }
  std::string out = "{";
  for (std::size_t i = 0; i < labels.size(); ++i) {
    out += (i ? "," : "") + labels[i].first + "=\"" + escape_label_value(labels[i].second) + '"';
  }
  return out + "}";
}

}  // namespace

void Exposition::family(std::string_view name, std::string_view type, std::string_view help) {
  for (const auto& f : m_families) {
    if (f.name == name) {
      return;
    }
  }
  m_families.push_back(Family{std::string(name), std::string(type), std::string(help), {}});
}

Exposition::Family& Exposition::find(std::string_view name) {
  for (auto& f : m_families) {
    if (f.name == name) {
      return f;
    }
  }
  // A sample of an undeclared family is a programming error; declare it untyped rather than
  // write a sample the format would reject as out of place.
  m_families.push_back(Family{std::string(name), "untyped", std::string(name), {}});
  return m_families.back();
}

void Exposition::sample(std::string_view family, const MetricLabels& labels, double value) {
  Family& f = find(family);
  f.lines += f.name + label_text(labels) + ' ' + format_metric_value(value) + '\n';
}

void Exposition::histogram(std::string_view family, const MetricLabels& labels,
                           const Histogram::Snapshot& s) {
  Family& f = find(family);
  for (std::size_t i = 0; i <= s.bounds.size(); ++i) {
    MetricLabels with_le = labels;
    with_le.emplace_back("le", i < s.bounds.size() ? format_metric_value(s.bounds[i]) : "+Inf");
    f.lines += f.name + "_bucket" + label_text(with_le) + ' ' +
               format_metric_value(static_cast<double>(s.cumulative[i])) + '\n';
  }
  const std::string l = label_text(labels);
  f.lines += f.name + "_sum" + l + ' ' + format_metric_value(s.sum) + '\n';
  f.lines += f.name + "_count" + l + ' ' + format_metric_value(static_cast<double>(s.count)) + '\n';
}

std::string Exposition::text() const {
  std::string out;
  for (const auto& f : m_families) {
    if (f.lines.empty()) {
      continue;  // a family without samples says nothing
    }
    out += "# HELP " + f.name + ' ' + escape_help(f.help) + '\n';
    out += "# TYPE " + f.name + ' ' + f.type + '\n';
    out += f.lines;
  }
  return out;
}

}  // namespace fstage::serve
