#include "search/mcts_player.h"

#include <algorithm>
#include <stdexcept>
#include <utility>
#include <vector>

#include "core/rng.h"
#include "games/go/dead_stones.h"
#include "games/go/scoring.h"
#include "search/visit_sampling.h"

namespace traceplay::search {

namespace {

// The salt of the move-sampling streams (apart from the search's, which add multiples
// of the golden ratio to the seed).
constexpr uint64_t kMoveChoiceSalt = 0x6d6f76652d636864ULL;  // "move-chd"

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

MctsPlayer::MctsPlayer(const MctsSettings& settings, std::shared_ptr<const Evaluator> evaluator)
    : settings_(settings), evaluator_(std::move(evaluator)) {
  if (!evaluator_) throw std::invalid_argument("MctsPlayer: no evaluator");
  search_ = std::make_unique<Mcts>(settings_, *evaluator_);  // validates the settings
}

MctsPlayer::~MctsPlayer() = default;

void MctsPlayer::new_game() { search_->clear(); }

ThinkLimits MctsPlayer::limits_for(const go::Board& board, const ThinkRequest& request) const {
  ThinkLimits limits = request.limits;
  const bool unlimited = limits.max_visits == 0 && limits.max_seconds == 0;
  if (unlimited && !request.should_stop) {  // nothing would end the search: the defaults apply
    limits.max_visits = settings_.max_visits;
    limits.max_seconds = settings_.max_seconds;
  }
  return limits;
}

ThinkResult MctsPlayer::think(const go::Board& board, const ThinkRequest& request) {
  ThinkResult result;
  const uint64_t think_index = think_count_++;
  result.analysis = search_->search(board, limits_for(board, request), request);
  const Analysis& a = result.analysis;

  // The policy's move: the most visited, with the pass policy of the header on top.
  const bool sensible_move_left =
      std::any_of(search_->root().children.begin(), search_->root().children.end(),
                  [](const MctsNode& c) { return !c.move.is_pass(); });
  const MoveStats* best_pass = find_move(a, true);
  const MoveStats* best_move = find_move(a, false);
  const MoveStats* chosen = nullptr;
  go::Move move = go::Move::pass();
  const bool pass_wins = board.consecutive_passes() >= 1 && passing_wins(board, settings_.seed);
  if (!sensible_move_left || pass_wins) {
    move = go::Move::pass();
  } else if (best_move != nullptr && (board.consecutive_passes() >= 1 || best_pass == nullptr ||
                                      best_move->visits > best_pass->visits)) {
    chosen = best_move;
    move = best_move->move;
  } else if (best_pass != nullptr && board.consecutive_passes() == 0 &&
             std::any_of(a.moves.begin(), a.moves.end(), [&](const MoveStats& m) {
               return !m.move.is_pass() && better_than_pass(m, *best_pass);
             })) {
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

  // Resign when the policy's move (and the position) look lost after enough visits.
  if (request.allow_resign && !pass_wins && settings_.resign_threshold > 0 &&
      a.root_visits >= settings_.resign_min_visits && chosen != nullptr &&
      chosen->winrate < settings_.resign_threshold && a.root_winrate < settings_.resign_threshold)
    result.resign = true;

  // At a temperature, a move the policy plays is sampled among the searched non-pass moves.
  const double temperature = settings_.temperature_at(static_cast<int>(board.moves().size()), board.size());
  if (temperature > 0 && !move.is_pass()) {
    std::vector<const MoveStats*> candidates;
    std::vector<int64_t> visits;
    for (const MoveStats& m : a.moves)
      if (!m.move.is_pass() && m.visits > 0) {
        candidates.push_back(&m);
        visits.push_back(m.visits);
      }
    if (!candidates.empty()) {
      Rng rng = Rng::stream(settings_.seed ^ kMoveChoiceSalt, think_index);
      move = candidates[sample_by_visits(visits, temperature, rng)]->move;
    }
  }

  result.move = move;
  // The chosen move first in the final snapshot (the order the bot chooses in).
  auto& moves = result.analysis.moves;
  auto it = std::find_if(moves.begin(), moves.end(), [&](const MoveStats& m) { return m.move == move; });
  if (it != moves.end()) std::rotate(moves.begin(), it, it + 1);
  return result;
}

}  // namespace traceplay::search
