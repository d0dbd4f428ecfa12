// An SGF game tree as the file wrote it: nodes with their properties in file order,
// each property with its raw values (escapes still in place), variations as children.
// Nodes live in one flat vector linked by index, so a 100,000-move game is neither a
// deep recursion to build nor to destroy, and the tree copies and moves as a value.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace traceplay::go {

struct SgfProperty {
  std::string id;                     // upper-case letters ("B", "AB", "KM", "GN", ...)
  std::vector<std::string> values;    // raw: the bytes between '[' and ']'
  std::vector<size_t> value_offsets;  // byte offset of each value's '[' in the file
  size_t offset = 0;                  // byte offset of the identifier

  // Equal identifiers and values; where they were in a file does not count.
  bool operator==(const SgfProperty& o) const { return id == o.id && values == o.values; }
};

struct SgfNode {
  std::vector<SgfProperty> properties;  // in file order, one per identifier
  std::vector<int> children;            // node indices; children[0] is the main line
  int parent = -1;                      // -1 for the root
  size_t offset = 0;                    // byte offset of the node's ';'

  // The property with identifier `id`, or nullptr.
  const SgfProperty* find(const std::string& id) const;
};

// One game of a collection: nodes[0] is the root.
struct SgfTree {
  std::vector<SgfNode> nodes;

  const SgfNode& root() const { return nodes.front(); }
  // Node indices from the root along first children (the main line).
  std::vector<int> main_line() const;
};

}  // namespace traceplay::go
