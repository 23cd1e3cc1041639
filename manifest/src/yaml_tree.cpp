// SPDX-License-Identifier: Apache-2.0
#include "yaml_tree.hpp"

#include <map>
#include <sstream>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include <fstage/base/strings.hpp>

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

// Builds YamlNodes from yaml-cpp's events. Anchors are registered when their node is complete,
// so an alias inside its own anchor (a cycle) is reported instead of followed.
class TreeBuilder final : public YAML::EventHandler {
 public:
  TreeBuilder(std::string_view text, const std::string& origin, std::vector<Diagnostic>& errors)
      : m_text(text), m_origin(origin), m_errors(errors) {}

  NodePtr root() const { return m_root; }
  int column_of(const YAML::Mark& mark) const {
    return mark.pos >= 0 ? char_column(m_text, mark.pos) : mark.column + 1;
  }
  YAML::Mark document_mark() const { return m_doc_mark; }

  void OnDocumentStart(const YAML::Mark& mark) override { m_doc_mark = mark; }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto n = make(NodeKind::null, mark);
    remember(anchor, n);
    attach(n);
  }

  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    auto it = m_anchors.find(anchor);
    if (it == m_anchors.end()) {
      error(mark, "alias refers to the node that contains it", "an alias to a complete node");
      attach(make(NodeKind::null, mark));
      return;
    }
    attach(it->second);
  }

  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    auto n = make(NodeKind::scalar, mark);
    n->value = value;
    set_style(*n, mark, tag);
    remember(anchor, n);
    attach(n);
  }

  void OnSequenceStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value /*style*/) override {
    m_stack.push_back(Frame{make(NodeKind::sequence, mark), anchor, {}});
  }
  void OnSequenceEnd() override { close(); }

  void OnMapStart(const YAML::Mark& mark, const std::string& /*tag*/, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value /*style*/) override {
    m_stack.push_back(Frame{make(NodeKind::map, mark), anchor, {}});
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    std::shared_ptr<YamlNode> node;
    YAML::anchor_t anchor = 0;
    std::vector<NodePtr> pending;  // maps: alternating key, value as they arrive
  };

  std::shared_ptr<YamlNode> make(NodeKind kind, const YAML::Mark& mark) const {
    auto n = std::make_shared<YamlNode>();
    n->kind = kind;
    n->line = mark.line + 1;
    n->column = column_of(mark);
    return n;
  }

  void error(const YAML::Mark& mark, std::string message, std::string expected = {}) {
    m_errors.push_back(
        diag_at(m_origin, mark.line + 1, column_of(mark), std::move(message), std::move(expected)));
  }
  void error(const YamlNode& n, std::string message, std::string expected = {},
             std::string hint = {}) {
    m_errors.push_back(diag_at(m_origin, n.line, n.column, std::move(message), std::move(expected),
                               std::move(hint)));
  }

  void remember(YAML::anchor_t anchor, const NodePtr& n) {
    if (anchor != 0) {
      m_anchors[anchor] = n;
    }
  }

  // Plain scalars may be numbers or booleans; everything else is a string. Records where the
  // value's characters start so a schedule's bad field can be pointed at exactly.
  void set_style(YamlNode& n, const YAML::Mark& mark, const std::string& tag) {
    std::size_t pos = mark.pos < 0 ? m_text.size() : static_cast<std::size_t>(mark.pos);
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
    char first = pos < m_text.size() ? m_text[pos] : '\0';
    if (tag == "?") {
      n.style = ScalarStyle::plain;
    } else if (tag == "!" && first == '"') {
      n.style = ScalarStyle::double_quoted;
    } else if (tag == "!" && first == '\'') {
      n.style = ScalarStyle::single_quoted;
    } else if (tag == "!") {
      n.style = ScalarStyle::block;
    } else if (tag.ends_with(":int") || tag.ends_with(":float") || tag.ends_with(":bool")) {
      n.style = ScalarStyle::plain;
    } else {
      n.style = ScalarStyle::tagged;
    }
    // Sub-positions are exact only when the source characters are the value itself.
    bool quoted = n.style == ScalarStyle::double_quoted || n.style == ScalarStyle::single_quoted;
    if (quoted && !is_closed(pos, first)) {
      error(n, "a quoted string is not closed", std::string("a closing ") + first);
    }
    std::size_t start = pos + (quoted ? 1 : 0);
    bool same = (n.style == ScalarStyle::plain || quoted) && start <= m_text.size() &&
                m_text.substr(start, n.value.size()) == n.value &&
                n.value.find('\n') == std::string::npos;
    if (same && mark.pos >= 0) {
      n.content_column = char_column(m_text, static_cast<long>(start));
    }
  }

  // yaml-cpp 0.7 accepts a quoted scalar that runs to the end of the file.
  bool is_closed(std::size_t open, char quote_char) const {
    for (std::size_t i = open + 1; i < m_text.size(); ++i) {
      if (quote_char == '"' && m_text[i] == '\\') {
        ++i;
      } else if (m_text[i] == quote_char) {
        if (quote_char == '\'' && i + 1 < m_text.size() && m_text[i + 1] == '\'') {
          ++i;
          continue;
        }
        return true;
      }
    }
    return false;
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
      // An empty value: yaml-cpp marks it at the next token; the key is where it belongs.
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
    remember(f.anchor, f.node);
    attach(f.node);
  }

  void add_unique(YamlNode& map, const NodePtr& key, const NodePtr& value) {
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
    if (const YamlEntry* first = map.find(key->value)) {
      error(*key,
            "duplicate key " + quote(key->value) + " (first defined at " +
                std::to_string(first->key->line) + ":" + std::to_string(first->key->column) + ")",
            "each key once per mapping", "remove one of them; YAML keeps only one");
      return;
    }
    map.entries.push_back(YamlEntry{key, value});
  }

  // Applies "<<" merge keys after the explicit keys: explicit keys win, then the merged
  // mappings in order.
  void finish_map(YamlNode& map, const std::vector<NodePtr>& pending) {
    std::vector<NodePtr> merges;
    for (std::size_t i = 0; i + 1 < pending.size(); i += 2) {
      const NodePtr& key = pending[i];
      if (key->is_scalar() && key->style == ScalarStyle::plain && key->value == "<<") {
        merges.push_back(pending[i + 1]);
        continue;
      }
      add_unique(map, key, pending[i + 1]);
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
        for (const auto& e : src->entries) {
          if (map.find(e.key->value) == nullptr) {
            map.entries.push_back(e);
          }
        }
      }
    }
  }

  std::string_view m_text;
  const std::string& m_origin;
  std::vector<Diagnostic>& m_errors;
  std::vector<Frame> m_stack;
  std::map<YAML::anchor_t, NodePtr> m_anchors;
  NodePtr m_root;
  YAML::Mark m_doc_mark;
};

// yaml-cpp's messages are terse; say what is usually wrong.
std::string explain(const std::string& msg) {
  if (msg == "illegal map value") {
    return "a ':' mapping value is not allowed here; check the indentation, or quote a value "
           "that contains ': '";
  }
  if (msg == "end of sequence flow not found") {
    return "a '[' list is not closed with ']'";
  }
  if (msg == "end of map flow not found") {
    return "a '{' mapping is not closed with '}'";
  }
  if (msg == "the referenced anchor is not defined") {
    return "an alias (*name) refers to an anchor (&name) that is not defined before it";
  }
  if (msg == "illegal flow end") {
    return "a ']' or '}' does not match the open bracket";
  }
  if (msg == "end of sequence not found" || msg == "end of map not found") {
    return msg + "; check the indentation";
  }
  return msg;
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
  std::istringstream in{std::string(text)};
  std::vector<Diagnostic> errors;
  try {
    YAML::Parser parser(in);
    TreeBuilder builder(text, origin, errors);
    if (!parser.HandleNextDocument(builder)) {
      doc.errors.push_back(diag_at(origin, 1, 1, "the manifest is empty",
                                   "a mapping with 'name' and 'functions'",
                                   "run 'fstage init' to create one"));
      return doc;
    }
    doc.root = builder.root();
    TreeBuilder extra(text, origin, errors);
    if (parser.HandleNextDocument(extra)) {
      YAML::Mark m = extra.document_mark();
      errors.push_back(diag_at(origin, m.line + 1, extra.column_of(m),
                               "a second YAML document ('---') is not allowed",
                               "exactly one document", "remove the '---' line and what follows"));
    }
  } catch (const YAML::Exception& e) {
    int line = e.mark.is_null() ? 1 : e.mark.line + 1;
    int column = e.mark.is_null() ? 1 : char_column(text, e.mark.pos);
    errors.push_back(
        diag_at(origin, line, column, "YAML syntax error: " + explain(e.msg), "valid YAML"));
    doc.root = nullptr;
  } catch (const std::exception& e) {
    errors.push_back(diag_at(origin, 1, 1, std::string("cannot parse YAML: ") + e.what()));
    doc.root = nullptr;
  }
  doc.errors.insert(doc.errors.end(), errors.begin(), errors.end());
  return doc;
}

}  // namespace fstage::manifest::detail
