// The settings of the MCTS bot, one struct with one set of defaults for the tree search
// (search/mcts.h) and the player on top of it (search/mcts_player.h). The defaults are
// the GTP bot's (`traceplay gtp`): no root noise, the most visited move, resign below 5%.
//
// Root noise (AlphaZero, KataGo): on every search the root's children priors become
// (1 - dirichlet_fraction) * prior + dirichlet_fraction * noise, noise ~ Dirichlet with
// concentration dirichlet_alpha / (number of root children) on every child (pass included).
// dirichlet_alpha is a TOTAL concentration, as KataGo's rootDirichletNoiseTotalConcentration:
// AlphaZero's 0.03 per move on 19x19 is 10.83 over its 361 points, and its chess (0.3 x ~35
// moves) and shogi (0.15 x ~90) values land near the same total. Spreading one total over
// the legal moves keeps the noise's shape (how many moves get a noticeable share) the same
// from 5x5 to 19x19, so one net serves all sizes with one setting. The fraction's default 0
// leaves the search as it was; self-play sets 0.25 (AlphaZero's and KataGo's).
//
// Move-choice temperature (KataGo's chosenMoveTemperatureEarly / Halflife / Temperature):
//   T(m) = temperature_late + (temperature_early - temperature_late) * 0.5^(m / h),
//   h = temperature_halflife * board_size / 19   (the halflife is in moves on 19x19),
// m = the moves played so far (go::Board::moves(), setup stones are not moves). A smooth
// decay instead of AlphaZero's "T = 1 for 30 moves, then 0": no cliff in the data at move
// 30, and the board-size scaling keeps the opening's share of the game the same on every
// size (KataGo's own scaling). T = 0 plays the most visited move (the default: both 0);
// T > 0 samples a root child with probability proportional to visits^(1/T). KataGo's
// self-play values are early 0.75, halflife 19, late 0.15.
#pragma once

#include <cstdint>

namespace traceplay::search {

struct MctsSettings {
  // --- the tree search (Mcts) ---
  int threads = 1;       // search threads (1: deterministic for a seed)
  uint64_t seed = 1;     // rollouts, root noise and move sampling derive from it
  double c_puct = 2.0;   // PUCT exploration constant (2: best of 1, 2, 4 on the tactics tests)
  bool use_uct = false;  // UCB1 (c_uct) instead of PUCT
  double c_uct = 0.7;
  int virtual_loss = 1;   // losses a thread adds to a path it is evaluating
  int expand_visits = 2;  // a leaf gets children on its expand_visits-th evaluation (root: the first)
  int64_t max_tree_nodes = 1'000'000;  // memory cap (about 64 bytes a node); leaves past it are not expanded
  bool reuse_tree = true;              // keep the subtree of the moves played since the last search

  // --- root Dirichlet noise (see above) ---
  double dirichlet_alpha = 10.83;  // total concentration over the root's children
  double dirichlet_fraction = 0;   // share of the noise in the root's priors; 0: off

  // --- move choice (MctsPlayer; see above) ---
  double temperature_early = 0;      // T at move 0
  double temperature_halflife = 19;  // moves (on 19x19) for T to go halfway to temperature_late
  double temperature_late = 0;       // T late in the game

  // --- the player's limits and resignation (MctsPlayer) ---
  // Limits used when a ThinkRequest has none and no should_stop: visits, wall time
  // (whichever first; 0 = no such limit, not both). 8000 visits: about 0.3 s on 9x9 and
  // 0.6 s on 19x19 on one core here.
  int64_t max_visits = 8000;
  double max_seconds = 10.0;
  double resign_threshold = 0.05;   // resign below this winrate; 0 disables resigning
  int64_t resign_min_visits = 500;  // resign only after this many root visits

  // Throws std::invalid_argument naming the first impossible value (threads < 1, a
  // fraction outside [0, 1], a negative temperature, ...).
  void validate() const;

  // The concentration each of `children` root children gets (dirichlet_alpha / children).
  double dirichlet_alpha_per_child(int children) const;
  // T after `moves_played` moves on a board of `board_size` (formula above).
  double temperature_at(int moves_played, int board_size) const;
};

}  // namespace traceplay::search
