// SPDX-License-Identifier: Apache-2.0
#include <algorithm>
#include <map>
#include <unordered_map>

#include <yaml.h>

#include <fstage/base/strings.hpp>
#include <fstage/manifest/yaml_tree.hpp>

namespace fstage::manifest::detail {

const YamlEntry* YamlNode::find(std::string_view key) const {
  for (const auto& e : entries) {
    if (e.key->is_scalar() && e.key->value == key) {
      return &e;
    }
  }
  return nullptr;
}

namespace {

Diagnostic diag_at(const std::string& origin, int line, int column, std::string message,
                   std::string expected = {}, std::string hint = {}) {
  return Diagnostic{Location{origin, line, column}, std::move(message), std::move(expected),
                    std::move(hint)};
}

// One libyaml parser over a string, and the event it last produced; frees both however the
// parse ends.
class EventParser {
 public:
  explicit EventParser(std::string_view text) {
    ::yaml_parser_initialize(&m_parser);
    ::yaml_parser_set_input_string(&m_parser, reinterpret_cast<const unsigned char*>(text.data()),
                                   text.size());
  }
  ~EventParser() {
    release();
    ::yaml_parser_delete(&m_parser);
  }
  EventParser(const EventParser&) = delete;
  EventParser& operator=(const EventParser&) = delete;

  // The next event, or nullptr after a syntax error (see state()).
  const yaml_event_t* next() {
    release();
    if (::yaml_parser_parse(&m_parser, &m_event) == 0) {
      return nullptr;
    }
    m_held = true;
    return &m_event;
  }
  const yaml_parser_t& state() const { return m_parser; }

 private:
  void release() {
    if (m_held) {
      ::yaml_event_delete(&m_event);
      m_held = false;
    }
  }

  yaml_parser_t m_parser{};
  yaml_event_t m_event{};
  bool m_held = false;
};

std::string text_of(const yaml_char_t* s) {
  return s == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(s));
}

// Byte offsets of libyaml's marks, which count lines and columns in characters. Marks come in
// file order, so each lookup walks on from the previous one on the same line: a document on
// one long line (flow style) costs one pass, not one pass per node.
class LineIndex {
 public:
  explicit LineIndex(std::string_view text) : m_text(text) {
    m_starts.push_back(0);
    for (std::size_t i = 0; i < text.size(); ++i) {
      if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))) {
        m_starts.push_back(i + 1);
      }
    }
  }
  std::size_t offset(const yaml_mark_t& mark) {
    if (mark.line >= m_starts.size()) {
      return m_text.size();
    }
    std::size_t pos = m_starts[mark.line];
    std::size_t col = 0;
    if (mark.line == m_line && mark.column >= m_column) {
      pos = m_pos;
      col = m_column;
    }
    for (; col < mark.column && pos < m_text.size(); ++col) {
      ++pos;
      while (pos < m_text.size() && (static_cast<unsigned char>(m_text[pos]) & 0xC0) == 0x80) {
        ++pos;
      }
    }
    m_line = mark.line;
    m_column = col;
    m_pos = pos;
    return pos;
  }
  // The character at a mark; '\0' past the end.
  char at(const yaml_mark_t& mark) {
    std::size_t pos = offset(mark);
    return pos < m_text.size() ? m_text[pos] : '\0';
  }

 private:
  std::string_view m_text;
  std::vector<std::size_t> m_starts;
  // The last lookup: line and column (characters) and the byte offset they lead to.
  std::size_t m_line = 0;
  std::size_t m_column = 0;
  std::size_t m_pos = 0;
};

std::size_t saturating_add(std::size_t a, std::size_t b, std::size_t cap) {
  return std::min(cap + 1, a + std::min(b, cap + 1));
}

// Builds YamlNodes from libyaml's events. Anchors are registered when their node is complete,
// so an alias inside its own anchor (a cycle) is reported instead of followed.
class TreeBuilder {
 public:
  TreeBuilder(std::string_view text, const std::string& origin, std::vector<Diagnostic>& errors)
      : m_text(text), m_lines(text), m_origin(origin), m_errors(errors) {}

  NodePtr root() const { return m_root; }
  bool failed() const { return m_failed; }

  // Feeds one event of the document's body (after DOCUMENT-START, before DOCUMENT-END).
  void on(const yaml_event_t& e) {
    switch (e.type) {
      case YAML_ALIAS_EVENT:
        on_alias(e);
        break;
      case YAML_SCALAR_EVENT:
        on_scalar(e);
        break;
      case YAML_SEQUENCE_START_EVENT:
        open(make(NodeKind::sequence, e.start_mark), text_of(e.data.sequence_start.anchor));
        break;
      case YAML_MAPPING_START_EVENT:
        open(make(NodeKind::map, e.start_mark), text_of(e.data.mapping_start.anchor));
        break;
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT:
        close();
        break;
      default:
        break;
    }
  }

 private:
  struct Frame {
    std::shared_ptr<YamlNode> node;
    std::string anchor;
    std::vector<NodePtr> pending;  // maps: alternating key, value as they arrive
  };

  std::shared_ptr<YamlNode> make(NodeKind kind, const yaml_mark_t& mark) const {
    auto n = std::make_shared<YamlNode>();
    n->kind = kind;
    n->line = static_cast<int>(mark.line) + 1;
    n->column = static_cast<int>(mark.column) + 1;
    return n;
  }

  void error(const YamlNode& n, std::string message, std::string expected = {},
             std::string hint = {}) {
    m_errors.push_back(diag_at(m_origin, n.line, n.column, std::move(message), std::move(expected),
                               std::move(hint)));
  }

  void open(std::shared_ptr<YamlNode> n, std::string anchor) {
    if (m_stack.size() >= k_max_yaml_depth) {
      // A syntax-level stop: what follows would only be more of the same.
      error(*n, "nested more than " + std::to_string(k_max_yaml_depth) + " levels deep",
            "a few levels at most (functions.NAME.triggers[0].events[0] is 5)",
            "is a bracket or an indentation off?");
      m_failed = true;
      return;
    }
    m_stack.push_back(Frame{std::move(n), std::move(anchor), {}});
  }

  // Sums a finished collection's expanded size; past the budget, the document stops here.
  void weigh(YamlNode& n) {
    auto add = [&n](const YamlNode& part) {
      n.expanded_nodes = saturating_add(n.expanded_nodes, part.expanded_nodes, k_max_yaml_nodes);
      n.expanded_bytes = saturating_add(n.expanded_bytes, part.expanded_bytes, k_max_yaml_bytes);
    };
    for (const auto& item : n.items) {
      add(*item);
    }
    for (const auto& e : n.entries) {
      add(*e.key);
      add(*e.value);
    }
    if (n.expanded_nodes > k_max_yaml_nodes || n.expanded_bytes > k_max_yaml_bytes ||
        m_merged > k_max_yaml_nodes) {
      error(n,
            "the manifest expands to more than " + std::to_string(k_max_yaml_nodes) +
                " values or " + std::to_string(k_max_yaml_bytes >> 20) +
                " MB of text here (aliases and merge keys count each time they repeat a value)",
            "a manifest within the platform's limits, which is far smaller",
            "repeat less through *aliases and <<: merges");
      m_failed = true;
    }
  }

  void remember(const std::string& anchor, const NodePtr& n) {
    if (!anchor.empty()) {
      m_anchors[anchor] = n;
    }
  }

  void on_alias(const yaml_event_t& e) {
    std::string name = text_of(e.data.alias.anchor);
    auto it = m_anchors.find(name);
    if (it != m_anchors.end()) {
      attach(it->second);
      return;
    }
    auto at = make(NodeKind::null, e.start_mark);
    bool open = std::any_of(m_stack.begin(), m_stack.end(),
                            [&](const Frame& f) { return f.anchor == name; });
    if (open) {
      error(*at, "alias refers to the node that contains it", "an alias to a complete node");
      attach(at);
      return;
    }
    // A syntax error, as a YAML loader reports it: the document stops here.
    error(*at,
          "YAML syntax error: an alias (*" + name + ") refers to an anchor (&" + name +
              ") that is not defined before it",
          "valid YAML");
    m_failed = true;
  }

  void on_scalar(const yaml_event_t& e) {
    const auto& sc = e.data.scalar;
    std::string tag = text_of(sc.tag);
    std::string value(reinterpret_cast<const char*>(sc.value), sc.length);
    const bool plain = sc.style == YAML_PLAIN_SCALAR_STYLE;
    // YAML's null: an empty node, or a plain ~ / null with no tag.
    if (plain && tag.empty() &&
        (value.empty() || value == "~" || value == "null" || value == "Null" || value == "NULL")) {
      auto n = make(NodeKind::null, e.start_mark);
      remember(text_of(sc.anchor), n);
      attach(n);
      return;
    }
    auto n = make(NodeKind::scalar, e.start_mark);
    n->value = std::move(value);
    n->expanded_bytes = n->value.size();
    set_style(*n, e.start_mark, sc.style, tag);
    remember(text_of(sc.anchor), n);
    attach(n);
  }

  // Plain scalars may be numbers or booleans; everything else is a string. Records where the
  // value's characters start so a schedule's bad field can be pointed at exactly.
  void set_style(YamlNode& n, const yaml_mark_t& mark, yaml_scalar_style_t style,
                 const std::string& tag) {
    if (tag.empty() || tag == "!") {
      n.style = style == YAML_PLAIN_SCALAR_STYLE           ? ScalarStyle::plain
                : style == YAML_SINGLE_QUOTED_SCALAR_STYLE ? ScalarStyle::single_quoted
                : style == YAML_DOUBLE_QUOTED_SCALAR_STYLE ? ScalarStyle::double_quoted
                                                           : ScalarStyle::block;
      if (tag == "!" && n.style == ScalarStyle::plain) {
        n.style = ScalarStyle::block;  // "!" makes a plain scalar a string
      }
    } else if (tag.ends_with(":int") || tag.ends_with(":float") || tag.ends_with(":bool")) {
      n.style = ScalarStyle::plain;
    } else {
      n.style = ScalarStyle::tagged;
    }
    // The mark is the node's start: skip an anchor and a tag to the value's first character.
    const std::size_t mark_pos = m_lines.offset(mark);
    std::size_t pos = mark_pos;
    for (int round = 0; round < 2 && pos < m_text.size(); ++round) {
      if (m_text[pos] != '&' && m_text[pos] != '!') {
        break;
      }
      while (pos < m_text.size() && m_text[pos] != ' ' && m_text[pos] != '\n') {
        ++pos;
      }
      while (pos < m_text.size() && m_text[pos] == ' ') {
        ++pos;
      }
    }
    // Sub-positions are exact only when the source characters are the value itself.
    bool quoted = n.style == ScalarStyle::double_quoted || n.style == ScalarStyle::single_quoted;
    std::size_t start = pos + (quoted ? 1 : 0);
    bool same = (n.style == ScalarStyle::plain || quoted) && start <= m_text.size() &&
                m_text.substr(start, n.value.size()) == n.value &&
                n.value.find('\n') == std::string::npos;
    if (same) {
      // The mark's column plus the characters skipped (not a walk back to the line's start,
      // which made a long flow-style line quadratic).
      int column = static_cast<int>(mark.column) + 1;
      for (std::size_t i = mark_pos; i < start; ++i) {
        column += (static_cast<unsigned char>(m_text[i]) & 0xC0) != 0x80 ? 1 : 0;
      }
      n.content_column = column;
    }
  }

  void attach(NodePtr n) {
    if (m_stack.empty()) {
      m_root = std::move(n);
      return;
    }
    Frame& f = m_stack.back();
    if (f.node->is_sequence()) {
      f.node->items.push_back(std::move(n));
      return;
    }
    if (f.pending.size() % 2 == 1 && n->is_null()) {
      // An empty value: the parser marks it at the next token; the key is where it belongs.
      auto at_key = std::make_shared<YamlNode>();
      at_key->line = f.pending.back()->line;
      at_key->column = f.pending.back()->column;
      n = at_key;
    }
    f.pending.push_back(std::move(n));
  }

  void close() {
    if (m_stack.empty()) {
      return;
    }
    Frame f = std::move(m_stack.back());
    m_stack.pop_back();
    if (f.node->is_map()) {
      finish_map(*f.node, f.pending);
    }
    weigh(*f.node);
    remember(f.anchor, f.node);
    attach(f.node);
  }

  // Keys of the mapping being finished, to their first key node: one lookup per key (a scan of
  // the entries made a mapping of n keys cost n^2 / 2 comparisons).
  using KeyIndex = std::unordered_map<std::string_view, const YamlNode*>;

  void add_unique(YamlNode& map, KeyIndex& keys, const NodePtr& key, const NodePtr& value) {
    if (key->is_null()) {
      error(*key, "empty mapping key", "a key name");
      return;
    }
    if (!key->is_scalar()) {
      error(*key,
            std::string("a mapping key must be a string, found a ") +
                (key->is_map() ? "mapping" : "list"),
            "a key name");
      return;
    }
    auto [it, fresh] = keys.try_emplace(key->value, key.get());
    if (!fresh) {
      const YamlNode& first = *it->second;
      error(*key,
            "duplicate key " + quote(key->value) + " (first defined at " +
                std::to_string(first.line) + ":" + std::to_string(first.column) + ")",
            "each key once per mapping", "remove one of them; YAML keeps only one");
      return;
    }
    map.entries.push_back(YamlEntry{key, value});
  }

  // Applies "<<" merge keys after the explicit keys: explicit keys win, then the merged
  // mappings in order.
  void finish_map(YamlNode& map, const std::vector<NodePtr>& pending) {
    KeyIndex keys;
    keys.reserve(pending.size() / 2);
    std::vector<NodePtr> merges;
    for (std::size_t i = 0; i + 1 < pending.size(); i += 2) {
      const NodePtr& key = pending[i];
      if (key->is_scalar() && key->style == ScalarStyle::plain && key->value == "<<") {
        merges.push_back(pending[i + 1]);
        continue;
      }
      add_unique(map, keys, key, pending[i + 1]);
    }
    for (const auto& m : merges) {
      std::vector<NodePtr> sources;
      if (m->is_map()) {
        sources.push_back(m);
      } else if (m->is_sequence()) {
        sources = m->items;
      } else {
        sources.push_back(m);
      }
      for (const auto& src : sources) {
        if (!src->is_map()) {
          error(*src, "'<<' (merge key) needs a mapping",
                "an alias to a mapping, e.g. <<: *defaults");
          continue;
        }
        // Each merged entry is work even when an explicit key wins: counted against the
        // budget, so "<<: [*a, *a, ...]" cannot multiply it unseen.
        m_merged = saturating_add(m_merged, src->entries.size(), k_max_yaml_nodes);
        for (const auto& e : src->entries) {
          if (keys.try_emplace(e.key->value, e.key.get()).second) {
            map.entries.push_back(e);
          }
        }
      }
    }
  }

  std::string_view m_text;
  LineIndex m_lines;
  const std::string& m_origin;
  std::vector<Diagnostic>& m_errors;
  std::vector<Frame> m_stack;
  std::map<std::string, NodePtr> m_anchors;
  NodePtr m_root;
  std::size_t m_merged = 0;  // entries looked at by merge keys, in the whole document
  bool m_failed = false;
};

// libyaml's messages name the grammar; say what is usually wrong, and where.
Diagnostic syntax_error(const yaml_parser_t& p, std::string_view text, const std::string& origin) {
  std::string problem = p.problem != nullptr ? p.problem : "cannot parse";
  std::string context = p.context != nullptr ? p.context : "";
  yaml_mark_t at = p.problem_mark;
  LineIndex lines(text);
  const char found = lines.at(at);
  std::string message = problem;
  std::string expected = "valid YAML";
  if (context == "while scanning a quoted scalar" && problem == "found unexpected end of stream") {
    return diag_at(origin, static_cast<int>(p.context_mark.line) + 1,
                   static_cast<int>(p.context_mark.column) + 1, "a quoted string is not closed",
                   std::string("a closing ") + lines.at(p.context_mark));
  }
  if (problem == "found unknown escape character") {
    // The mark is the backslash; the letter after it is what YAML does not know.
    std::size_t pos = lines.offset(at) + 1;
    std::string escape = pos < text.size() ? std::string("\\") + text[pos] : "\\";
    message = "unknown escape " + quote(escape) +
              " in a double-quoted string; write \\\\ for a backslash, or use single quotes";
  } else if (problem == "found character that cannot start any token") {
    message = quote(std::string(1, found)) + " cannot start a value; quote the value";
  } else if (problem == "mapping values are not allowed in this context") {
    message =
        "a ':' mapping value is not allowed here; check the indentation, or quote a value "
        "that contains ': '";
  } else if ((context == "while parsing a flow sequence" && found == '}') ||
             (context == "while parsing a flow mapping" && found == ']')) {
    message = "a ']' or '}' does not match the open bracket";
  } else if (context == "while parsing a flow sequence") {
    message = "a '[' list is not closed with ']'";
  } else if (context == "while parsing a flow mapping") {
    message = "a '{' mapping is not closed with '}'";
  } else if (problem == "did not find expected key" ||
             problem == "did not find expected '-' indicator") {
    message = problem + "; check the indentation";
  } else if (!context.empty()) {
    message = problem + " (" + context + " that starts at " +
              std::to_string(p.context_mark.line + 1) + ":" +
              std::to_string(p.context_mark.column + 1) + ")";
  }
  return diag_at(origin, static_cast<int>(at.line) + 1, static_cast<int>(at.column) + 1,
                 "YAML syntax error: " + message, expected);
}

}  // namespace

YamlDocument parse_yaml(std::string_view text, const std::string& origin) {
  YamlDocument doc;
  if (text.starts_with("\xEF\xBB\xBF")) {
    text.remove_prefix(3);
  }
  doc.errors = prescan_yaml(text, origin);
  if (!doc.errors.empty()) {
    return doc;
  }
  EventParser parser(text);
  TreeBuilder builder(text, origin, doc.errors);
  int documents = 0;
  for (;;) {
    const yaml_event_t* e = parser.next();
    if (e == nullptr) {
      doc.errors.push_back(syntax_error(parser.state(), text, origin));
      return doc;  // no tree from a broken document
    }
    if (e->type == YAML_STREAM_END_EVENT) {
      break;
    }
    if (e->type == YAML_DOCUMENT_START_EVENT) {
      if (++documents == 2) {
        doc.errors.push_back(diag_at(origin, static_cast<int>(e->start_mark.line) + 1,
                                     static_cast<int>(e->start_mark.column) + 1,
                                     "a second YAML document ('---') is not allowed",
                                     "exactly one document",
                                     "remove the '---' line and what follows"));
        break;
      }
      continue;
    }
    if (e->type == YAML_STREAM_START_EVENT || e->type == YAML_DOCUMENT_END_EVENT) {
      continue;
    }
    builder.on(*e);
    if (builder.failed()) {
      return doc;
    }
  }
  if (documents == 0) {
    doc.errors.push_back(diag_at(origin, 1, 1, "the manifest is empty",
                                 "a mapping with 'name' and 'functions'",
                                 "run 'fstage init' to create one"));
    return doc;
  }
  doc.root = builder.root();
  return doc;
}

}  // namespace fstage::manifest::detail
