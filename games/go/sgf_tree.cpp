#include "games/go/sgf_tree.h"

namespace traceplay::go {

const SgfProperty* SgfNode::find(const std::string& id) const {
  for (const auto& property : properties)
    if (property.id == id) return &property;
  return nullptr;
}

std::vector<int> SgfTree::main_line() const {
  std::vector<int> line;
  if (nodes.empty()) return line;
  for (int node = 0;; node = nodes[static_cast<size_t>(node)].children.front()) {
    line.push_back(node);
    if (nodes[static_cast<size_t>(node)].children.empty()) break;
  }
  return line;
}

}  // namespace traceplay::go
