// The SGF parser (games/go/sgf_parser.h): game trees and variations as FF[4] draws
// them, raw values, every malformed case with its byte offset, the limits on hostile
// files, and random (often broken) inputs checked against an independent
// recursive-descent reading of FF[4]'s grammar.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <optional>

#include "core/rng.h"
#include "games/go/sgf_parser.h"

namespace traceplay::go {
namespace {

// A tree in a canonical text form that forgets how the file grouped nodes into
// sequences: every node is "(" ";" ID[raw]... then its children in order, then ")".
std::string canonical(const SgfTree& tree) {
  std::string out;
  // Iterative, so the 100,000-deep tree of the limits test serializes too.
  struct Frame {
    int node;
    size_t next_child;
  };
  out += "(";
  std::vector<Frame> stack{{0, 0}};
  auto open_node = [&](int index) {
    out += ";";
    for (const auto& p : tree.nodes[static_cast<size_t>(index)].properties) {
      out += p.id;
      for (const auto& v : p.values) out += "[" + v + "]";
    }
  };
  open_node(0);
  while (!stack.empty()) {
    Frame& f = stack.back();
    const auto& children = tree.nodes[static_cast<size_t>(f.node)].children;
    if (f.next_child >= children.size()) {
      stack.pop_back();
      out += ")";
      continue;
    }
    const int child = children[f.next_child++];
    out += "(";
    open_node(child);
    stack.push_back({child, 0});
  }
  return out;
}

// A collection: its trees' canonical forms in order.
std::string canonical_all(const std::vector<SgfTree>& trees) {
  std::string out;
  for (const auto& t : trees) out += canonical(t);
  return out;
}

// An independent reading of FF[4]'s EBNF (Collection = GameTree {GameTree};
// GameTree = "(" Sequence {GameTree} ")"; Sequence = Node {Node}; Node = ";"
// {Property}; Property = PropIdent PropValue {PropValue}; PropValue = "[" CValueType "]"),
// recursive descent with the parser's two documented leniencies (lower-case letters in
// identifiers dropped, a repeated identifier's values appended to the first). Returns
// the canonical form, or nullopt for text the grammar rejects.
class ReferenceParser {
 public:
  explicit ReferenceParser(const std::string& text) : s_(text) {}

  std::optional<std::string> run() {
    if (s_.compare(0, 3, "\xEF\xBB\xBF") == 0) i_ = 3;
    std::string out;
    ws();
    if (i_ >= s_.size()) return std::nullopt;
    while (i_ < s_.size()) {
      auto tree = game_tree();
      if (!tree) return std::nullopt;
      out += *tree;
      ws();
    }
    return out;
  }

 private:
  struct Node {
    std::vector<std::pair<std::string, std::vector<std::string>>> props;
  };

  void ws() {
    while (i_ < s_.size() && std::string(" \t\n\r\v\f").find(s_[i_]) != std::string::npos) ++i_;
  }

  static std::string node_text(const Node& n) {
    std::string out = ";";
    for (const auto& [id, values] : n.props) {
      out += id;
      for (const auto& v : values) out += "[" + v + "]";
    }
    return out;
  }

  std::optional<std::string> game_tree() {
    if (s_[i_] != '(') return std::nullopt;
    ++i_;
    std::vector<Node> sequence;
    ws();
    while (i_ < s_.size() && s_[i_] == ';') {
      auto n = node();
      if (!n) return std::nullopt;
      sequence.push_back(*n);
      ws();
    }
    if (sequence.empty()) return std::nullopt;
    std::string children;
    while (i_ < s_.size() && s_[i_] == '(') {
      auto child = game_tree();
      if (!child) return std::nullopt;
      children += *child;
      ws();
    }
    if (i_ >= s_.size() || s_[i_] != ')') return std::nullopt;
    ++i_;
    // Node k of the sequence has node k+1 as its only child: write that as nesting.
    std::string out = children;
    for (size_t k = sequence.size(); k-- > 0;) out = "(" + node_text(sequence[k]) + out + ")";
    return out;
  }

  std::optional<Node> node() {
    ++i_;  // ';'
    Node n;
    ws();
    while (i_ < s_.size() && std::isalpha(static_cast<unsigned char>(s_[i_]))) {
      std::string id;
      while (i_ < s_.size() && std::isalpha(static_cast<unsigned char>(s_[i_]))) {
        if (std::isupper(static_cast<unsigned char>(s_[i_]))) id += s_[i_];
        ++i_;
      }
      if (id.empty()) return std::nullopt;
      ws();
      if (i_ >= s_.size() || s_[i_] != '[') return std::nullopt;
      std::vector<std::string>* values = nullptr;
      for (auto& [pid, pv] : n.props)
        if (pid == id) values = &pv;
      if (!values) {
        n.props.push_back({id, {}});
        values = &n.props.back().second;
      }
      while (i_ < s_.size() && s_[i_] == '[') {
        ++i_;
        std::string v;
        for (;;) {
          if (i_ >= s_.size()) return std::nullopt;
          if (s_[i_] == ']') break;
          if (s_[i_] == '\\') {
            if (i_ + 1 >= s_.size()) return std::nullopt;
            v += s_[i_++];
          }
          v += s_[i_++];
        }
        ++i_;
        values->push_back(v);
        ws();
      }
    }
    return n;
  }

  const std::string& s_;
  size_t i_ = 0;
};

// Our parser's reading in the same canonical form; nullopt when it refuses the text.
std::optional<std::string> ours(const std::string& text) {
  try {
    return canonical_all(parse_sgf(text, "<t>"));
  } catch (const SgfError& e) {
    EXPECT_LE(e.offset(), text.size()) << e.what();
    return std::nullopt;
  }
}

size_t error_offset(const std::string& text, const SgfLimits& limits = {}, std::string* message = nullptr) {
  try {
    parse_sgf(text, "game.sgf", limits);
  } catch (const SgfError& e) {
    if (message) *message = e.what();
    return e.offset();
  }
  ADD_FAILURE() << "no error for: " << text.substr(0, 80);
  return std::string::npos;
}

TEST(GoSgfParser, GameTreeOfTheSpec) {
  // The FF[4] specification's example of a game tree with variations.
  const auto trees = parse_sgf(
      "(;FF[4]C[root](;C[a];C[b](;C[c])\n(;C[d];C[e]))\n(;C[f](;C[g];C[h];C[i])\n(;C[j])))", "spec.sgf");
  ASSERT_EQ(trees.size(), 1u);
  const SgfTree& t = trees[0];
  auto comment = [&](int i) { return t.nodes[static_cast<size_t>(i)].find("C")->values.at(0); };
  ASSERT_EQ(t.nodes.size(), 11u);
  EXPECT_EQ(comment(0), "root");
  ASSERT_EQ(t.root().children.size(), 2u);
  EXPECT_EQ(comment(t.root().children[0]), "a");
  EXPECT_EQ(comment(t.root().children[1]), "f");
  std::string line;
  for (int i : t.main_line()) line += comment(i);
  EXPECT_EQ(line, "rootabc");
  const int b = t.nodes[static_cast<size_t>(t.root().children[0])].children.at(0);
  ASSERT_EQ(t.nodes[static_cast<size_t>(b)].children.size(), 2u);
  EXPECT_EQ(comment(t.nodes[static_cast<size_t>(b)].children[1]), "d");
  EXPECT_EQ(t.nodes[static_cast<size_t>(b)].parent, t.root().children[0]);
  EXPECT_EQ(t.root().find("FF")->values, std::vector<std::string>{"4"});
}

TEST(GoSgfParser, PropertiesKeepFileOrderRawValuesAndOffsets) {
  const std::string text = "(;FF[4] GM [1]\nAB[aa]\n  [bb:cc]C[x \\] y \\\\ z\\\nw];B[dd])";
  const auto trees = parse_sgf(text, "t.sgf");
  const SgfNode& root = trees[0].root();
  ASSERT_EQ(root.properties.size(), 4u);
  EXPECT_EQ(root.properties[0].id, "FF");
  EXPECT_EQ(root.properties[1].id, "GM");
  EXPECT_EQ(root.properties[2].id, "AB");
  EXPECT_EQ(root.properties[2].values, (std::vector<std::string>{"aa", "bb:cc"}));
  EXPECT_EQ(root.properties[3].values.at(0), "x \\] y \\\\ z\\\nw");  // raw: escapes kept
  EXPECT_EQ(root.properties[2].offset, text.find("AB"));
  EXPECT_EQ(root.properties[2].value_offsets.at(1), text.find("[bb"));
  EXPECT_EQ(root.offset, 1u);
  EXPECT_EQ(trees[0].nodes.at(1).offset, text.rfind(';'));
}

TEST(GoSgfParser, LowerCaseIdentifiersRepeatsBomAndCollections) {
  auto trees =
      parse_sgf("\xEF\xBB\xBF (;AddBlack[aa]AB[bb]CoPyright[x])\n\n(;B[cc])\n(;W[dd];B[ee])  \n", "c.sgf");
  ASSERT_EQ(trees.size(), 3u);
  const SgfNode& root = trees[0].root();
  ASSERT_EQ(root.properties.size(), 2u);
  EXPECT_EQ(root.properties[0].id, "AB");
  EXPECT_EQ(root.properties[0].values, (std::vector<std::string>{"aa", "bb"}));
  EXPECT_EQ(root.properties[1].id, "CP");
  EXPECT_EQ(trees[2].nodes.size(), 2u);
}

struct Malformed {
  std::string text;
  size_t offset;
  std::string reason;  // a part of the message
};

TEST(GoSgfParser, EveryMalformedCaseNamesItsByte) {
  const std::vector<Malformed> cases = {
      {"", 0, "no game"},
      {"  \n", 3, "no game"},
      {"x(;B[aa])", 0, "expected '('"},
      {"(;B[aa]", 0, "unbalanced '('"},
      {"(;B[aa](;W[bb])", 0, "unbalanced '('"},
      {"(;B[aa](;W[bb]", 7, "unbalanced '('"},
      {"(;B[aa]))", 8, "text after the game: ')'"},
      {"(;B[aa])x", 8, "text after the game: 'x'"},
      {"(;B[aa]) (;W[bb]) junk", 18, "text after the game"},
      {"(B[aa])", 1, "missing ';'"},
      {"()", 1, "missing ';'"},
      {"(;B[aa]( )", 9, "missing ';'"},
      {"(;B[aa](;W[bb]);B[cc])", 15, "a node after a variation"},
      {"(;B[aa](;W[bb])C[x])", 15, "a property after a variation"},
      {"(;B[aa]W)", 8, "property W has no value"},
      {"(;B [aa] W ;)", 11, "property W has no value"},
      {"(;B", 3, "property B has no value"},
      {"(;B[aa", 3, "unterminated value of B"},
      {"(;C[abc\\])", 3, "unterminated value of C"},
      {"(;B[aa]C[x][y", 11, "unterminated value of C"},
      {"(;b[aa])", 2, "bad property identifier \"b\""},
      {"(;1B[aa])", 2, "unexpected '1'"},
      {"(;B[aa]\x01)", 7, "unexpected byte 0x01"},
      {"(;[aa])", 2, "a value without a property identifier"},
  };
  for (const auto& c : cases) {
    std::string message;
    EXPECT_EQ(error_offset(c.text, {}, &message), c.offset) << c.text << " -> " << message;
    EXPECT_NE(message.find("game.sgf: byte " + std::to_string(c.offset) + ": "), std::string::npos)
        << message;
    EXPECT_NE(message.find(c.reason), std::string::npos) << c.text << " -> " << message;
  }
}

TEST(GoSgfParser, ErrorsAreUserErrors) {
  try {
    parse_sgf("(;B[aa]", "x.sgf");
    FAIL();
  } catch (const UserError& e) {
    EXPECT_EQ(std::string(e.what()),
              "x.sgf: byte 0: unbalanced '(': no ')' closes it before the end of the file");
  }
}

TEST(GoSgfParser, DeepNestingWithinTheLimitUsesNoStack) {
  // 200,000 nested variations: a recursive parser would overflow the stack.
  const size_t depth = 200000;
  std::string text;
  for (size_t i = 0; i < depth; ++i) text += "(;B[aa]";
  text += std::string(depth, ')');
  SgfLimits limits;
  limits.max_depth = depth;
  const auto trees = parse_sgf(text, "deep.sgf", limits);
  ASSERT_EQ(trees[0].nodes.size(), depth);
  EXPECT_EQ(trees[0].main_line().size(), depth);
  EXPECT_EQ(trees[0].nodes.back().parent, static_cast<int>(depth) - 2);
}

TEST(GoSgfParser, DeepNestingBeyondTheLimitIsRefused) {
  std::string text;
  for (int i = 0; i < 100000; ++i) text += "(;";
  std::string message;
  // The default limit: the 10,001st '(' is refused.
  EXPECT_EQ(error_offset(text, {}, &message), 2u * 10000);
  EXPECT_NE(message.find("nested deeper than the limit of 10000"), std::string::npos) << message;
}

TEST(GoSgfParser, LimitsOnNodesValuesAndBytes) {
  std::string message;
  // A megabyte of values in one property: the per-property limit stops it.
  std::string many = "(;AB";
  for (int i = 0; i < 250000; ++i) many += "[aa]";
  many += ")";
  EXPECT_EQ(error_offset(many, {}, &message), 4u + 4u * 10000);
  EXPECT_NE(message.find("AB has more values than the limit of 10000"), std::string::npos) << message;

  // Values spread over many properties: the total limit.
  SgfLimits small;
  small.max_values = 5;
  EXPECT_EQ(error_offset("(;A[]B[]C[];D[]E[]F[])", small, &message), 19u);
  EXPECT_NE(message.find("more property values than the limit of 5"), std::string::npos) << message;

  small = {};
  small.max_nodes = 3;
  EXPECT_EQ(error_offset("(;;;;)", small, &message), 4u);
  EXPECT_NE(message.find("more nodes than the limit of 3"), std::string::npos) << message;
  // Nodes count over the whole collection.
  EXPECT_EQ(error_offset("(;;)(;;)", small, &message), 6u);

  small = {};
  small.max_bytes = 100;
  EXPECT_EQ(error_offset("(;C[" + std::string(200, 'x') + "])", small, &message), 100u);
  EXPECT_NE(message.find("larger than the limit of 100 bytes"), std::string::npos) << message;

  EXPECT_EQ(error_offset("(;" + std::string(100, 'A') + "[x])", {}, &message), 2u);
  EXPECT_NE(message.find("identifier longer than the limit"), std::string::npos) << message;
}

TEST(GoSgfParser, HugeValuesParseAndHugeUnterminatedValuesFailCleanly) {
  const std::string big(1 << 20, 'x');
  const auto trees = parse_sgf("(;C[" + big + "])", "big.sgf");
  EXPECT_EQ(trees[0].root().find("C")->values.at(0).size(), big.size());
  std::string message;
  EXPECT_EQ(error_offset("(;C[" + big, {}, &message), 3u);
  // A megabyte of backslashes: every other one escapes the next, the last ']' is escaped.
  EXPECT_EQ(error_offset("(;C[" + std::string((1 << 20) + 1, '\\') + "])", {}, &message), 3u);
  EXPECT_NE(message.find("unterminated"), std::string::npos) << message;
  // Many open parentheses never closed, many closing ones never opened.
  EXPECT_EQ(error_offset(std::string(1 << 20, '('), {}, &message), 1u);
  EXPECT_EQ(error_offset("(;)" + std::string(1 << 20, ')'), {}, &message), 3u);
}

TEST(GoSgfParser, ManyPropertiesInOneNodeTakeLinearTime) {
  // 200,000 distinct identifiers in one node, then each repeated: a scan per property
  // would be quadratic (minutes); a look-up takes a fraction of a second.
  std::string text = "(;";
  auto id = [](int i) {
    std::string s;
    for (int k = 0; k < 4; ++k, i /= 26) s += static_cast<char>('A' + i % 26);
    return s;
  };
  const int count = 200000;
  for (int i = 0; i < count; ++i) text += id(i) + "[]";
  for (int i = 0; i < count; ++i) text += id(i) + "[x]";
  text += ")";
  const auto start = std::chrono::steady_clock::now();
  const auto trees = parse_sgf(text, "wide.sgf");
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const auto& props = trees[0].root().properties;
  ASSERT_EQ(props.size(), static_cast<size_t>(count));
  EXPECT_EQ(props[1234].id, id(1234));
  EXPECT_EQ(props[1234].values, (std::vector<std::string>{"", "x"}));
  EXPECT_LT(seconds, 20.0);
}

// Random SGF-like text: a generated game tree, often mutated by a few random edits.
std::string random_sgf(Rng& rng) {
  std::string out;
  std::function<void(int)> tree = [&](int depth) {
    out += "(";
    for (int n = 1 + static_cast<int>(rng.below(3)); n > 0; --n) {
      out += rng.below(4) ? ";" : " ;";
      for (int p = static_cast<int>(rng.below(3)); p > 0; --p) {
        static const char* const kIds[] = {"B", "W", "AB", "C", "Ko", "GN", "b"};
        out += kIds[rng.below(7)];
        for (int v = 1 + static_cast<int>(rng.below(2)); v > 0; --v) {
          static const char* const kValues[] = {"[aa]", "[]", "[a\\]b]", "[\\\\]", "[x\ny]", " [tt]"};
          out += kValues[rng.below(6)];
        }
      }
    }
    if (depth < 4)
      for (int c = static_cast<int>(rng.below(3)); c > 0; --c) tree(depth + 1);
    out += ")";
  };
  for (int g = 1 + static_cast<int>(rng.below(2)); g > 0; --g) tree(0);
  const std::string alphabet = "();[]\\ABab \n:x";
  for (int m = static_cast<int>(rng.below(4)); m > 0 && !out.empty(); --m) {
    const size_t at = rng.below(out.size());
    switch (rng.below(3)) {
      case 0:
        out.erase(at, 1);
        break;
      case 1:
        out.insert(at, 1, alphabet[rng.below(alphabet.size())]);
        break;
      default:
        out[at] = alphabet[rng.below(alphabet.size())];
    }
  }
  return out;
}

TEST(GoSgfParser, AgreesWithARecursiveDescentReadingOfTheGrammar) {
  Rng rng(2024);
  int accepted = 0, rejected = 0;
  for (int i = 0; i < 20000; ++i) {
    const std::string text = random_sgf(rng);
    const auto expected = ReferenceParser(text).run();
    const auto got = ours(text);
    ASSERT_EQ(got.has_value(), expected.has_value()) << text;
    if (expected) {
      EXPECT_EQ(*got, *expected) << text;
      ++accepted;
    } else {
      ++rejected;
    }
  }
  // Both kinds of input were exercised in earnest.
  EXPECT_GT(accepted, 2000);
  EXPECT_GT(rejected, 2000);
}

}  // namespace
}  // namespace traceplay::go
