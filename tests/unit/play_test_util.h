// Players for the play/ tests: small fakes whose every move is known, and the one place
// these tests build an MctsPlayer (so a change of its constructor is made here only).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "games/go/board.h"
#include "search/evaluator.h"
#include "search/go_player.h"
#include "search/mcts_player.h"

namespace traceplay::play::testing {

// A light MCTS bot (one thread, deterministic for its seed) with the given evaluator
// ("rollout" or "uniform"); reuse_tree false makes every root fresh (its visit
// distribution then sums to root_visits - 1 exactly).
inline std::unique_ptr<search::GoPlayer> mcts_player(uint64_t seed, const std::string& evaluator = "rollout",
                                                     bool reuse_tree = true) {
  search::MctsSettings settings;
  settings.seed = seed;
  settings.reuse_tree = reuse_tree;
  std::shared_ptr<const search::Evaluator> eval;
  if (evaluator == "uniform") {
    eval = std::make_shared<search::UniformEvaluator>();
  } else {
    eval = std::make_shared<search::RolloutEvaluator>();
  }
  return std::make_unique<search::MctsPlayer>(settings, std::move(eval));
}

// Resigns at every turn.
class ResigningPlayer final : public search::GoPlayer {
 public:
  search::ThinkResult think(const go::Board&, const search::ThinkRequest&) override {
    search::ThinkResult r;
    r.resign = true;
    return r;
  }
};

// Always answers the same move (legal or not).
class FixedMovePlayer final : public search::GoPlayer {
 public:
  explicit FixedMovePlayer(go::Move move) : move_(move) {}
  search::ThinkResult think(const go::Board&, const search::ThinkRequest&) override {
    search::ThinkResult r;
    r.move = move_;
    return r;
  }

 private:
  go::Move move_;
};

// Plays script[k] at the game's move k (0-based, both colours' moves in one list) while
// the script lasts, then asks `then` (or passes when there is none). Counts new_game().
class ScriptedPlayer final : public search::GoPlayer {
 public:
  explicit ScriptedPlayer(std::vector<go::Move> script, search::GoPlayer* then = nullptr)
      : script_(std::move(script)), then_(then) {}
  search::ThinkResult think(const go::Board& board, const search::ThinkRequest& request) override {
    const size_t k = board.moves().size();
    if (k < script_.size()) {
      search::ThinkResult r;
      r.move = script_[k];
      return r;
    }
    if (then_ != nullptr) return then_->think(board, request);
    return search::ThinkResult{};  // a pass
  }
  void new_game() override {
    ++new_games;
    if (then_ != nullptr) then_->new_game();
  }
  int new_games = 0;

 private:
  std::vector<go::Move> script_;
  search::GoPlayer* then_;
};

}  // namespace traceplay::play::testing
