// SPDX-License-Identifier: Apache-2.0
#include <cstdint>
#include <cstdio>
#include <utility>

#include <fstage/serve/router.hpp>

namespace fstage::serve {

std::vector<std::string> path_segments(std::string_view path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i <= path.size()) {
    std::size_t j = path.find('/', i);
    if (j == std::string_view::npos) {
      j = path.size();
    }
    if (j > i) {
      out.emplace_back(path.substr(i, j - i));
    }
    i = j + 1;
  }
  return out;
}

void Router::add(Route route) {
  Compiled c;
  for (auto& s : path_segments(route.path)) {
    Segment seg;
    if (s.size() >= 2 && s.front() == '{' && s.back() == '}') {
      std::string name = s.substr(1, s.size() - 2);
      if (!name.empty() && name.back() == '+') {
        name.pop_back();
        seg.kind = Segment::Kind::greedy;
      } else {
        seg.kind = Segment::Kind::param;
      }
      seg.text = std::move(name);
    } else {
      seg.text = std::move(s);
    }
    c.segments.push_back(std::move(seg));
  }
  m_routes.push_back(std::move(route));
  m_compiled.push_back(std::move(c));
}

std::optional<RouteMatch> Router::match(std::string_view method, std::string_view path) const {
  const std::vector<std::string> parts = path_segments(path);
  std::optional<RouteMatch> best;
  // Rank: one digit per segment (2 literal, 1 param, 0 greedy), then the method.
  std::vector<int> best_rank;
  for (std::size_t r = 0; r < m_routes.size(); ++r) {
    const Route& route = m_routes[r];
    bool exact_method = route.method == method;
    if (!exact_method && route.method != "ANY") {
      continue;
    }
    const auto& segs = m_compiled[r].segments;
    RouteMatch m;
    std::vector<int> rank;
    bool ok = true;
    std::size_t i = 0;
    for (; i < segs.size() && ok; ++i) {
      const Segment& s = segs[i];
      if (s.kind == Segment::Kind::greedy) {
        if (i >= parts.size()) {
          ok = false;
          break;
        }
        std::string rest;
        for (std::size_t k = i; k < parts.size(); ++k) {
          rest += (k == i ? "" : "/") + parts[k];
        }
        m.path_parameters[s.text] = rest;
        rank.push_back(0);
        i = parts.size();
        break;
      }
      if (i >= parts.size()) {
        ok = false;
      } else if (s.kind == Segment::Kind::literal) {
        ok = s.text == parts[i];
        rank.push_back(2);
      } else {
        m.path_parameters[s.text] = parts[i];
        rank.push_back(1);
      }
    }
    if (!ok || i != parts.size()) {
      continue;
    }
    rank.push_back(exact_method ? 1 : 0);
    if (!best || rank > best_rank) {
      m.route = &route;
      best = std::move(m);
      best_rank = std::move(rank);
    }
  }
  return best;
}

std::string stable_api_id(const std::string& owner, const std::string& method,
                          const std::string& path) {
  std::uint64_t h1 = 1469598103934665603ULL;
  std::uint64_t h2 = 1099511628211ULL;
  for (char c : owner + ' ' + method + ' ' + path) {
    h1 = (h1 ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
    h2 = (h2 + static_cast<unsigned char>(c)) * 6364136223846793005ULL + 1442695040888963407ULL;
  }
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%016llx%016llx", static_cast<unsigned long long>(h1),
                static_cast<unsigned long long>(h2));
  return buf;
}

}  // namespace fstage::serve
