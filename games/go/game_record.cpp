#include "games/go/game_record.h"

namespace traceplay::go {

bool RecordNode::operator==(const RecordNode& o) const {
  return add_black == o.add_black && add_white == o.add_white && add_empty == o.add_empty && move == o.move &&
         comment == o.comment && other == o.other;
}

std::vector<ColoredMove> GameRecord::moves() const {
  std::vector<ColoredMove> out;
  for (const auto& node : nodes)
    if (node.move) out.push_back(*node.move);
  return out;
}

void GameRecord::add_move(Color color, Move move) {
  RecordNode node;
  node.move = ColoredMove{color, move};
  nodes.push_back(std::move(node));
}

bool GameRecord::operator==(const GameRecord& o) const {
  return size == o.size && komi == o.komi && handicap == o.handicap && rules == o.rules &&
         black_player == o.black_player && white_player == o.white_player && result == o.result &&
         date == o.date && nodes == o.nodes;
}

}  // namespace traceplay::go
