#include "games/go/sgf_parser.h"

#include <cstdio>
#include <unordered_map>

namespace traceplay::go {

SgfError::SgfError(const std::string& name, size_t offset, const std::string& reason)
    : UserError(name + ": byte " + std::to_string(offset) + ": " + reason),
      offset_(offset),
      reason_(reason) {}

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }
bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }
bool is_letter(char c) { return is_upper(c) || (c >= 'a' && c <= 'z'); }

std::string describe(char c) {
  if (c > ' ' && c < 127) return std::string("'") + c + "'";
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "byte 0x%02x", static_cast<unsigned char>(c));
  return buffer;
}

class Parser {
 public:
  Parser(std::string_view text, const std::string& name, const SgfLimits& limits)
      : text_(text), name_(name), limits_(limits) {}

  std::vector<SgfTree> run() {
    if (text_.size() > limits_.max_bytes)
      fail(limits_.max_bytes,
           "the file is larger than the limit of " + std::to_string(limits_.max_bytes) + " bytes");
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = 3;
    for (;;) {
      skip_space();
      if (at_end()) break;
      if (peek() != '(') {
        if (games_.empty()) fail(pos_, "expected '(' to start a game, found " + describe(peek()));
        fail(pos_, "text after the game: " + describe(peek()) + " (expected '(' of another game or the end)");
      }
      parse_game();
    }
    if (games_.empty()) fail(pos_, "no game in the file (an SGF game starts with \"(;\")");
    return std::move(games_);
  }

 private:
  // An open '(': where it is, and the node its sequence hangs from (-1: the root's).
  struct OpenTree {
    size_t offset;
    int parent;
  };

  [[noreturn]] void fail(size_t offset, const std::string& reason) const {
    throw SgfError(name_, offset, reason);
  }
  bool at_end() const { return pos_ >= text_.size(); }
  char peek() const { return text_[pos_]; }
  void skip_space() {
    while (!at_end() && is_space(peek())) ++pos_;
  }

  // From '(' to its matching ')', one game tree, iteratively.
  void parse_game() {
    SgfTree tree;
    std::vector<OpenTree> open{{pos_++, -1}};
    int current = -1;              // the last node of the sequence being read
    bool expect_node = true;       // just after '(': a ';' must come
    bool after_variation = false;  // a ')' closed a variation: only '(' or ')' may come
    for (;;) {
      skip_space();
      if (at_end()) fail(open.back().offset, "unbalanced '(': no ')' closes it before the end of the file");
      const char c = peek();
      if (expect_node && c != ';') fail(pos_, "missing ';' after '(' (found " + describe(c) + ")");
      if (c == ';') {
        if (after_variation)
          fail(pos_, "a node after a variation (nodes must come before the variations' '(')");
        current = add_node(tree, current);
        expect_node = false;
        parse_properties(tree.nodes.back());
      } else if (c == '(') {
        if (open.size() >= limits_.max_depth)
          fail(pos_, "variations nested deeper than the limit of " + std::to_string(limits_.max_depth));
        open.push_back({pos_++, current});
        expect_node = true;
        after_variation = false;
      } else if (c == ')') {
        ++pos_;
        const int parent = open.back().parent;
        open.pop_back();
        if (open.empty()) break;
        current = parent;
        after_variation = true;
      } else if (c == '[') {
        fail(pos_, "a value without a property identifier");
      } else if (is_letter(c)) {
        fail(pos_, "a property after a variation (properties belong to a node, before the '(')");
      } else {
        fail(pos_, "unexpected " + describe(c) + " (expected ';', '(', ')' or a property)");
      }
    }
    games_.push_back(std::move(tree));
  }

  int add_node(SgfTree& tree, int parent) {
    if (++node_count_ > limits_.max_nodes)
      fail(pos_, "more nodes than the limit of " + std::to_string(limits_.max_nodes));
    const int index = static_cast<int>(tree.nodes.size());
    SgfNode node;
    node.parent = parent;
    node.offset = pos_++;
    tree.nodes.push_back(std::move(node));
    if (parent >= 0) tree.nodes[static_cast<size_t>(parent)].children.push_back(index);
    return index;
  }

  // After ';': identifiers, each with one or more values, until something else comes.
  void parse_properties(SgfNode& node) {
    property_index_.clear();
    for (;;) {
      skip_space();
      if (at_end() || !is_letter(peek())) return;
      const size_t start = pos_;
      std::string id;
      while (!at_end() && is_letter(peek())) {
        if (pos_ - start >= 2 * limits_.max_identifier_length)
          fail(start, "property identifier longer than the limit of " +
                          std::to_string(limits_.max_identifier_length));
        if (is_upper(peek())) id += peek();
        ++pos_;
      }
      const std::string raw(text_.substr(start, pos_ - start));
      if (id.empty())
        fail(start, "bad property identifier \"" + raw + "\" (FF[4] identifiers are upper-case letters)");
      if (id.size() > limits_.max_identifier_length)
        fail(start,
             "property identifier longer than the limit of " + std::to_string(limits_.max_identifier_length));
      skip_space();
      if (at_end() || peek() != '[') fail(pos_, "property " + id + " has no value (expected '[')");
      // A hash look-up, not a scan: a hostile node may carry 100,000 identifiers.
      const auto [slot, added] = property_index_.try_emplace(id, node.properties.size());
      if (added) node.properties.push_back({id, {}, {}, start});
      SgfProperty* property = &node.properties[slot->second];
      while (!at_end() && peek() == '[') {
        read_value(*property);
        skip_space();
      }
    }
  }

  void read_value(SgfProperty& property) {
    const size_t open = pos_++;
    if (property.values.size() >= limits_.max_values_per_property)
      fail(open, "property " + property.id + " has more values than the limit of " +
                     std::to_string(limits_.max_values_per_property));
    if (++value_count_ > limits_.max_values)
      fail(open, "more property values than the limit of " + std::to_string(limits_.max_values));
    const size_t start = pos_;
    while (!at_end() && peek() != ']') pos_ += peek() == '\\' ? 2 : 1;
    if (at_end()) {
      pos_ = text_.size();
      fail(open,
           "unterminated value of " + property.id + ": no ']' closes this '[' before the end of the file");
    }
    property.values.emplace_back(text_.substr(start, pos_ - start));
    property.value_offsets.push_back(open);
    ++pos_;
  }

  std::string_view text_;
  const std::string& name_;
  const SgfLimits& limits_;
  size_t pos_ = 0;
  size_t node_count_ = 0, value_count_ = 0;
  std::vector<SgfTree> games_;
  std::unordered_map<std::string, size_t> property_index_;  // the current node's: id -> index
};

}  // namespace

std::vector<SgfTree> parse_sgf(std::string_view text, const std::string& name, const SgfLimits& limits) {
  return Parser(text, name, limits).run();
}

}  // namespace traceplay::go
