#include "games/go/features.h"

#include <algorithm>
#include <stdexcept>

namespace traceplay::go {

int feature_planes(const FeatureOptions& options) {
  if (options.history < 1) throw std::invalid_argument("feature history must be at least 1");
  return 2 * options.history + 7;
}

namespace {

// The planes of features.h from the pieces both versions know: stones t states ago, the
// legal moves, the position (liberties), the side to move and komi.
template <class StonesAgo>
void fill_planes(const Position& pos, Color me, double komi, const std::vector<Move>& legal,
                 StonesAgo stones_ago, const FeatureOptions& options, float* out) {
  const int n = pos.size();
  const size_t area = static_cast<size_t>(n * n);
  const int h = options.history;
  std::fill(out, out + static_cast<size_t>(feature_planes(options)) * area, 0.0f);
  auto plane = [&](int k) { return out + static_cast<size_t>(k) * area; };
  const Color them = opponent(me);

  for (int t = 0; t < h; ++t) {
    const std::vector<Color> stones = stones_ago(t);
    float* mine = plane(2 * t);
    float* theirs = plane(2 * t + 1);
    for (size_t i = 0; i < area; ++i) {
      mine[i] = stones[i] == me ? 1.0f : 0.0f;
      theirs[i] = stones[i] == them ? 1.0f : 0.0f;
    }
  }
  std::fill(plane(2 * h), plane(2 * h) + area, me == Color::kBlack ? 1.0f : 0.0f);
  for (const Move& m : legal) plane(2 * h + 1)[static_cast<size_t>(m.x + n * m.y)] = 1.0f;
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x) {
      if (pos.at(x, y) == Color::kEmpty) continue;
      const int libs = pos.liberties(pos.point(x, y));
      plane(2 * h + 2 + std::min(libs, 3) - 1)[static_cast<size_t>(x + n * y)] = 1.0f;
    }
  const float k = static_cast<float>((me == Color::kWhite ? komi : -komi) / 15.0);
  std::fill(plane(2 * h + 5), plane(2 * h + 5) + area, k);
  std::fill(plane(2 * h + 6), plane(2 * h + 6) + area, 1.0f);
}

}  // namespace

void extract_features(const Board& board, const FeatureOptions& options, float* out) {
  feature_planes(options);  // checks the history
  fill_planes(
      board.position(), board.to_move(), board.rules().komi, board.legal_moves(board.to_move()),
      [&](int t) { return board.stones_ago(t); }, options, out);
}

void extract_features(const Position& position, const std::vector<const Position*>& history, Color to_move,
                      const Rules& rules, const FeatureOptions& options, float* out) {
  feature_planes(options);
  if (to_move != Color::kBlack && to_move != Color::kWhite)
    throw std::invalid_argument("extract_features: the side to move must be black or white");
  for (const Position* p : history)
    if (p == nullptr || p->size() != position.size())
      throw std::invalid_argument("extract_features: a history position is missing or of another size");
  const int n = position.size();
  std::vector<Move> legal;
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x) {
      const int p = position.point(x, y);
      if (!position.is_legal(to_move, p, rules.allow_suicide)) continue;
      if (rules.superko != Superko::kNone) {
        // Repetition of the stones; situational superko is checked as positional here
        // (the query does not say who was to move in each history position).
        const uint64_t after = position.hash_after(to_move, p);
        bool repeats = after == position.hash();
        for (const Position* old : history) repeats = repeats || old->hash() == after;
        if (repeats) continue;
      }
      legal.push_back(Move::at(x, y));
    }
  fill_planes(
      position, to_move, rules.komi, legal,
      [&](int t) {
        if (t <= 0 || history.empty()) return position.stones();
        return history[static_cast<size_t>(std::min<int>(t, static_cast<int>(history.size())) - 1)]->stones();
      },
      options, out);
}

}  // namespace traceplay::go
