#include "selfplay/training_position.h"

#include <stdexcept>
#include <string>

#include "core/error.h"
#include "games/go/board.h"
#include "games/go/symmetry.h"

namespace traceplay::selfplay {
namespace {

TrainingPosition position_at(const SelfPlayGame& game, const go::Board& board, size_t i, int symmetry,
                             const go::FeatureOptions& options) {
  if (symmetry < 0 || symmetry >= go::kNumSymmetries)
    throw std::invalid_argument("training position: symmetry must be in [0, 7]");
  const int n = game.size, area = n * n;
  const go::Color mover = game.color_at(i);
  const float sign = mover == go::Color::kBlack ? 1.0f : -1.0f;
  const std::vector<int> map = go::symmetry_map(symmetry, n);

  TrainingPosition t;
  t.size = n;
  const std::vector<float> planes = go::extract_features(board, options);
  t.planes.resize(planes.size());
  go::apply_symmetry_planes(symmetry, n, static_cast<int>(planes.size()) / area, planes.data(),
                            t.planes.data());

  const SelfPlayMove& m = game.moves[i];
  t.policy.assign(static_cast<size_t>(area + 1), 0.0f);
  if (m.searched && m.full_search && !m.policy.empty()) {
    int64_t total = 0;
    for (const auto& [move, visits] : m.policy) total += visits;
    for (const auto& [move, visits] : m.policy) {
      const int to = move == area ? area : map[static_cast<size_t>(move)];
      t.policy[static_cast<size_t>(to)] =
          static_cast<float>(static_cast<double>(visits) / static_cast<double>(total));
    }
    t.has_policy = true;
  }
  if (game.winner == go::Color::kEmpty) t.value[1] = 1;
  else if (game.winner == mover) t.value[0] = 1;
  else t.value[2] = 1;
  if (game.score) {
    t.has_score = true;
    t.score = sign * static_cast<float>(*game.score);
  }
  t.ownership.assign(static_cast<size_t>(area), 0.0f);
  if (!game.ownership.empty()) {
    t.has_ownership = true;
    for (int p = 0; p < area; ++p)
      t.ownership[static_cast<size_t>(map[static_cast<size_t>(p)])] =
          sign * game.ownership[static_cast<size_t>(p)];
  }
  return t;
}

go::Board empty_board(const SelfPlayGame& game) {
  go::Rules rules;
  rules.komi = game.komi;
  return go::Board(game.size, rules);
}

void play(go::Board& board, const SelfPlayGame& game, size_t i, const std::string& where) {
  if (board.play(game.move_at(i)) != go::MoveLegality::kLegal)
    throw UserError(where + ": move " + std::to_string(i) + " of game " + std::to_string(game.id) +
                    " is illegal");
}

}  // namespace

TrainingPosition make_training_position(const SelfPlayGame& game, size_t move_index, int symmetry,
                                        const go::FeatureOptions& options, const std::string& where) {
  if (move_index >= game.moves.size())
    throw std::out_of_range("training position: move " + std::to_string(move_index) + " of a game of " +
                            std::to_string(game.moves.size()));
  go::Board board = empty_board(game);
  for (size_t i = 0; i < move_index; ++i) play(board, game, i, where);
  return position_at(game, board, move_index, symmetry, options);
}

std::vector<TrainingPosition> make_training_positions(const SelfPlayGame& game,
                                                      const std::vector<int>& symmetries,
                                                      const go::FeatureOptions& options,
                                                      const std::string& where) {
  if (symmetries.size() != game.moves.size())
    throw std::invalid_argument("training positions: one symmetry per move");
  std::vector<TrainingPosition> out;
  out.reserve(game.moves.size());
  go::Board board = empty_board(game);
  for (size_t i = 0; i < game.moves.size(); ++i) {
    out.push_back(position_at(game, board, i, symmetries[i], options));
    play(board, game, i, where);
  }
  return out;
}

}  // namespace traceplay::selfplay
