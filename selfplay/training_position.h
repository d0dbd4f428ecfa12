// What the learner trains on: one position of a self-play game with its targets, in one
// of the 8 board symmetries (data augmentation: the rules of Go do not change under
// rotation or reflection, so each sample's orientation is drawn at random). Torch-free:
// models/ turns a batch of these into tensors.
//
// Targets, all from the side to move's point of view (the net's convention):
// - policy: the root visit distribution of a full search (playout cap: fast searches and
//   random opening moves have none), normalised, each move mapped by the symmetry;
// - value: win / draw / loss of the game's result (a move-capped game is a draw);
// - score: Black's final area lead (komi included) for Black, its negation for White;
//   only after two passes (a resigned game has no final score);
// - ownership: the final area owner of each point, +1 the side to move's, mapped by the
//   symmetry; only when the record has it.
#pragma once

#include <cstdint>
#include <vector>

#include "games/go/features.h"
#include "selfplay/selfplay_game.h"

namespace traceplay::selfplay {

struct TrainingPosition {
  int size = 0;
  std::vector<float> planes;  // feature_planes(options) * size^2 (games/go/features.h), symmetry applied
  bool has_policy = false;
  std::vector<float> policy;   // size^2 + 1, pass last, sums to 1 (zeros without a target)
  float value[3] = {0, 0, 0};  // win, draw, loss
  bool has_score = false;
  float score = 0;
  bool has_ownership = false;
  std::vector<float> ownership;  // size^2 (zeros without a target)
};

// Position `move_index` of `game` (the board before moves[move_index] is played) under
// symmetry `symmetry` (0..7, games/go/symmetry.h). Replays the game up to there; throws
// UserError naming `where` for a record whose moves are illegal, std::out_of_range for a
// move_index past the last move.
TrainingPosition make_training_position(const SelfPlayGame& game, size_t move_index, int symmetry,
                                        const go::FeatureOptions& options, const std::string& where);

// Every position of a game, each under its own symmetry (symmetries[i] for move i;
// symmetries.size() must equal the number of moves), replaying the game once.
std::vector<TrainingPosition> make_training_positions(const SelfPlayGame& game,
                                                      const std::vector<int>& symmetries,
                                                      const go::FeatureOptions& options,
                                                      const std::string& where);

}  // namespace traceplay::selfplay
