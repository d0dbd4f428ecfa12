// What MCTS asks of a position evaluator: for each leaf position, a value for the side
// to move, a prior over the moves and, optionally, a score estimate and ownership. The
// search submits leaves in batches (one call, many queries), so a network evaluator can
// run them as one forward pass.
//
// One interface for three evaluators:
// - RolloutEvaluator: light random playouts (games/go/playout.h), uniform prior, score and
//   ownership from the playouts' final positions (area counting): the baseline bot;
// - UniformEvaluator: value 0, uniform prior (a pure-prior search, for tests);
// - a neural evaluator (later, models/, the only one that may use torch): it writes the
//   feature planes (games/go/features.h) of every query of the batch into one input
//   tensor (the `history` positions are there for the stone planes), runs one forward
//   pass and splits the outputs back per query. To serve several search threads with one
//   GPU batch it will queue the queries of concurrent evaluate() calls and let whichever
//   caller fills the batch (or waits past a deadline) run it, each caller blocking only on
//   its own results; nothing in this interface has to change for that.
//
// Evaluators are shared (std::shared_ptr<const Evaluator>): several players, e.g. the
// games of a self-play actor, search over one. Making one from a name is the apps' job
// (apps/evaluator_factory.h), so that search/ knows no command-line names.
//
// Thread safety: evaluate() is const and must be safe to call from several search threads
// at once. The evaluators here keep no mutable state (randomness comes from the query's
// seed, so results do not depend on which thread asks first) and may serve several
// players' searches at once.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "games/go/position.h"
#include "games/go/types.h"

namespace traceplay::search {

// One leaf to evaluate. The pointers are the caller's and valid during evaluate() only.
struct EvalQuery {
  const go::Position* position = nullptr;  // the leaf (stones, simple-ko point)
  go::Color to_move = go::Color::kBlack;
  double komi = 7.5;
  int consecutive_passes = 0;  // passes that led to the leaf (0, 1)
  // The positions before the leaf, newest first (history[0] = one move ago), at most
  // Evaluator::history_wanted() of them; the search fills it only when asked (a network's
  // last-k stone planes). Fewer near the root's start: repeat the oldest, as features.h.
  std::vector<const go::Position*> history;
  uint64_t seed = 0;  // for evaluators that sample (rollouts)
  int depth = 0;      // plies from the search's root to the leaf (a goal with a horizon reads it)
  bool want_ownership = false;
};

struct EvalResult {
  float value = 0;           // expected outcome for the side to move, [-1, 1]
  std::vector<float> prior;  // size * size + 1 entries (x + size * y, pass last), sums to 1
  bool has_score = false;
  float score = 0;  // expected final score lead for the side to move, points
  std::vector<float>
      ownership;  // size * size (x + size * y), +1 = the side to move's; empty if not asked/known
};

class Evaluator {
 public:
  virtual ~Evaluator() = default;
  // Fills results[i] for queries[i] (results is resized to queries.size()).
  virtual void evaluate(const std::vector<EvalQuery>& queries, std::vector<EvalResult>& results) const = 0;
  // How many past positions a query should carry (0: none; a network: its history - 1).
  virtual int history_wanted() const { return 0; }
  // A batch size the evaluator works best with (the search gathers up to this many leaves
  // per thread before calling evaluate; 1 for the CPU evaluators).
  virtual int preferred_batch() const { return 1; }
  virtual std::string name() const = 0;
};

// Value 0 and a uniform prior everywhere.
class UniformEvaluator final : public Evaluator {
 public:
  void evaluate(const std::vector<EvalQuery>& queries, std::vector<EvalResult>& results) const override;
  std::string name() const override { return "uniform"; }
};

// The mean outcome of `playouts` light random playouts from the leaf (each scored by area
// with the query's komi: +1 a win for the side to move, -1 a loss, 0 a jigo); uniform
// prior; score = mean area lead; ownership = mean final area owner.
class RolloutEvaluator final : public Evaluator {
 public:
  explicit RolloutEvaluator(int playouts = 1);
  void evaluate(const std::vector<EvalQuery>& queries, std::vector<EvalResult>& results) const override;
  std::string name() const override { return "rollout"; }
  int playouts() const { return playouts_; }

 private:
  int playouts_;
};

}  // namespace traceplay::search
