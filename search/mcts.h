// Monte Carlo tree search for Go over an Evaluator (search/evaluator.h): PUCT with the
// evaluator's prior (or UCB1), virtual loss, T search threads, batched leaf evaluation,
// visit / wall-time / should_stop limits, analysis snapshots, tree reuse across moves.
//
// Threads: one tree, one lock. A thread selects a leaf under the lock (adding virtual
// losses along the path so that other threads look elsewhere), evaluates it outside the
// lock (the rollout, or a network batch: a thread gathers up to the evaluator's
// preferred_batch leaves before one evaluate() call), then expands and backs up under the
// lock. Selection is a few microseconds against tens of microseconds per rollout, so one
// lock serves a few threads; a leaf picked twice while in flight is simply evaluated twice.
// The calling thread only coordinates: it polls should_stop and the clock every
// millisecond and calls report() with snapshots.
//
// Legality: the root's children are exactly the legal moves (go::Board::check, superko
// by the game's rule). Inside the tree, superko is approximated positionally: a move may
// not recreate a position of the game's history or of the path from the root (simple ko
// is the Position's own rule). Suicide is never searched. Moves that fill one of the
// mover's own true eyes (Position::is_eye, the playouts' rule) are not searched either:
// they never help. Pass is always a child; two passes in a row end the game, scored by
// Tromp-Taylor area with the game's komi.
//
// One search at a time per Mcts (search() is not reentrant; should_stop ends one early).
// Root noise (settings.dirichlet_fraction > 0): once the root has its children (expanded
// now or kept), their priors are set to (1 - f) * clean prior + f * Dirichlet noise, never
// at any other node; each search draws new noise from the clean priors (search/mcts_node.h).
//
// A LeafJudge (search/leaf_judge.h), when given, decides leaves by a goal before the game's
// end (go tactics): a decided leaf is backed up with the judge's value, never evaluated or
// expanded; two passes without a decision are still scored by area.
//
// ThinkRequest::on_simulation, when set, sees every simulation under the tree lock right
// after its backup: the moves from the root to the leaf and the leaf's value from the
// root player's view (the go-tactics trace is made from it). Absent, nothing is built.
//
// Determinism: with one thread, a search is a function of the settings (the seed), the
// position, the kept tree and the number of searches this Mcts has run (each search salts
// the seed with its count: simulation k's rollout uses Rng::stream(salted, k), the root
// noise Rng::stream(salted, kNoiseStream)).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_set>
#include <vector>

#include "games/go/board.h"
#include "search/evaluator.h"
#include "search/go_player.h"
#include "search/leaf_judge.h"
#include "search/mcts_node.h"
#include "search/mcts_settings.h"

namespace traceplay::search {

class Mcts {
 public:
  // The evaluator must outlive the search; it is shared by all search threads.
  // The judge, when given, must outlive the search too (see above).
  // Throws std::invalid_argument for impossible settings (MctsSettings::validate).
  Mcts(const MctsSettings& settings, const Evaluator& evaluator, const LeafJudge* judge = nullptr);
  ~Mcts();

  // Searches board.to_move()'s move within `limits` (visits counted from this call;
  // both 0 means: until request.should_stop). Returns the final snapshot; its moves are
  // the root's children with at least one visit, most visited first.
  Analysis search(const go::Board& board, const ThinkLimits& limits, const ThinkRequest& request);
  // Drops the kept tree.
  void clear();

  // After search(): simulations of the last call, and the kept tree's root.
  int64_t last_simulations() const { return last_simulations_; }
  const MctsNode& root() const { return root_; }
  bool tree_reused() const { return reused_; }
  const MctsSettings& settings() const { return settings_; }

 private:
  struct Leaf;
  struct Worker;
  struct Shared;
  struct Batch;

  bool reuse_for(const go::Board& board);
  void prune_root_children(const go::Board& board);
  void noise_root_priors(uint64_t search_seed);
  void run_worker(Shared& shared);
  bool run_batch(Shared& shared, size_t batch, Batch& buffers);
  bool select_leaf(Shared& shared, Leaf& leaf);
  void expand_and_backup(Shared& shared, Leaf& leaf, const EvalResult* result,
                         std::vector<MctsNode> children);
  std::vector<MctsNode> make_children(const Shared& shared, const Leaf& leaf, const EvalResult& result) const;
  MctsNode* select_child(MctsNode& node) const;
  Analysis snapshot(const Shared& shared) const;

  MctsSettings settings_;
  const Evaluator& evaluator_;
  const LeafJudge* judge_ = nullptr;
  mutable std::mutex tree_mutex_;
  MctsNode root_;
  int64_t tree_nodes_ = 1;
  // What the kept tree's root stands for (tree reuse).
  std::vector<go::ColoredMove> root_moves_;
  int root_history_size_ = 0;
  go::Color root_to_move_ = go::Color::kBlack;
  int root_size_ = 0;
  double root_komi_ = 0;
  bool reused_ = false;
  int64_t last_simulations_ = 0;
  uint64_t search_count_ = 0;  // salts the rollout seeds of successive searches
};

// Wilson lower bound (z = 1.96) on a winrate measured over n visits.
double winrate_lcb(double winrate, int64_t n);

}  // namespace traceplay::search
