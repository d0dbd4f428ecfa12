#include "search/mcts_player.h"

#include <algorithm>
#include <stdexcept>

#include "games/go/dead_stones.h"
#include "games/go/scoring.h"

namespace traceplay::search {

namespace {

MctsConfig config_of(const MctsOptions& o) {
  MctsConfig c;
  c.threads = o.threads;
  c.seed = o.seed;
  c.c_puct = o.c_puct;
  c.use_uct = o.use_uct;
  c.c_uct = o.c_uct;
  c.virtual_loss = o.virtual_loss;
  c.expand_visits = o.expand_visits;
  c.reuse_tree = o.reuse_tree;
  c.max_tree_nodes = o.max_tree_nodes;
  return c;
}

// Does passing now, after the opponent's pass, win by area with the dead-stone estimate?
bool passing_wins(const go::Board& board, uint64_t seed) {
  go::DeadStoneOptions options;
  options.seed = seed;
  const double black_lead = go::area_score(board, go::estimate_dead_stones(board, options).dead).score();
  return board.to_move() == go::Color::kBlack ? black_lead > 0 : black_lead < 0;
}

// Does `m` do better than passing (see the header's pass policy)?
bool better_than_pass(const MoveStats& m, const MoveStats& pass) {
  if (m.winrate > pass.winrate + 0.02) return true;
  return m.winrate > pass.winrate - 0.02 && m.score_lead > pass.score_lead + 0.5;
}

const MoveStats* find_move(const Analysis& a, bool pass) {
  for (const MoveStats& m : a.moves)
    if (m.move.is_pass() == pass) return &m;  // moves are sorted: the first is the most visited
  return nullptr;
}

}  // namespace

MctsPlayer::MctsPlayer(const MctsOptions& options) : options_(options) {
  if (options.max_visits < 0) throw std::invalid_argument("MCTS: max_visits must be >= 0");
  if (options.max_seconds < 0) throw std::invalid_argument("MCTS: max_seconds must be >= 0");
  if (options.resign_threshold < 0 || options.resign_threshold >= 0.5)
    throw std::invalid_argument("MCTS: resign_threshold must be in [0, 0.5)");
  evaluator_ = make_evaluator(options.evaluator, options.playouts_per_leaf);
  search_ = std::make_unique<Mcts>(config_of(options), *evaluator_);
}

MctsPlayer::~MctsPlayer() = default;

void MctsPlayer::new_game() { search_->clear(); }

ThinkLimits MctsPlayer::limits_for(const go::Board& board, const ThinkRequest& request) const {
  ThinkLimits limits = request.limits;
  const bool unlimited = limits.max_visits == 0 && limits.max_seconds == 0;
  if (unlimited && !request.should_stop) {  // nothing would end the search: the defaults apply
    limits.max_visits = options_.max_visits > 0 ? options_.max_visits : 8000;
    limits.max_seconds = options_.max_seconds;
  }
  return limits;
}

ThinkResult MctsPlayer::think(const go::Board& board, const ThinkRequest& request) {
  ThinkResult result;
  result.analysis = search_->search(board, limits_for(board, request), request);
  const Analysis& a = result.analysis;

  // The move: the most visited, with the pass policy of the header on top.
  const bool sensible_move_left = std::any_of(search_->root().children.begin(), search_->root().children.end(),
                                              [](const MctsNode& c) { return !c.move.is_pass(); });
  const MoveStats* best_pass = find_move(a, true);
  const MoveStats* best_move = find_move(a, false);
  const MoveStats* chosen = nullptr;
  go::Move move = go::Move::pass();
  const bool pass_wins = board.consecutive_passes() >= 1 && passing_wins(board, options_.seed);
  if (!sensible_move_left || pass_wins) {
    move = go::Move::pass();
  } else if (best_move != nullptr && (board.consecutive_passes() >= 1 || best_pass == nullptr ||
                                      best_move->visits > best_pass->visits)) {
    chosen = best_move;
    move = best_move->move;
  } else if (best_pass != nullptr && board.consecutive_passes() == 0 &&
             std::any_of(a.moves.begin(), a.moves.end(),
                         [&](const MoveStats& m) { return !m.move.is_pass() && better_than_pass(m, *best_pass); })) {
    // The search's favourite is passing, but some move does better: the most visited such.
    for (const MoveStats& m : a.moves)
      if (!m.move.is_pass() && better_than_pass(m, *best_pass)) {
        chosen = &m;
        move = m.move;
        break;
      }
  } else if (best_pass != nullptr && board.consecutive_passes() == 0) {
    chosen = best_pass;  // the search prefers passing and no move does better
    move = go::Move::pass();
  } else {
    // Hardly any visits (a stop right away): the first sensible child.
    for (const MctsNode& c : search_->root().children)
      if (!c.move.is_pass()) {
        move = c.move;
        break;
      }
  }
  if (chosen == nullptr) chosen = move.is_pass() ? best_pass : nullptr;

  // Resign when the chosen move (and the position) look lost after enough visits.
  if (request.allow_resign && !pass_wins && options_.resign_threshold > 0 && a.root_visits >= options_.resign_min_visits &&
      chosen != nullptr && chosen->winrate < options_.resign_threshold && a.root_winrate < options_.resign_threshold)
    result.resign = true;

  result.move = move;
  // The chosen move first in the final snapshot (the order the bot chooses in).
  auto& moves = result.analysis.moves;
  auto it = std::find_if(moves.begin(), moves.end(), [&](const MoveStats& m) { return m.move == move; });
  if (it != moves.end()) std::rotate(moves.begin(), it, it + 1);
  return result;
}

}  // namespace traceplay::search
