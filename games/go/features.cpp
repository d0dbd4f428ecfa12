#include "games/go/features.h"

#include <algorithm>
#include <stdexcept>

namespace traceplay::go {

int feature_planes(const FeatureOptions& options) {
  if (options.history < 1) throw std::invalid_argument("feature history must be at least 1");
  return 2 * options.history + 7;
}

void extract_features(const Board& board, const FeatureOptions& options, float* out) {
  const int n = board.size();
  const size_t area = static_cast<size_t>(n * n);
  const int h = options.history;
  std::fill(out, out + static_cast<size_t>(feature_planes(options)) * area, 0.0f);
  auto plane = [&](int k) { return out + static_cast<size_t>(k) * area; };
  const Color me = board.to_move(), them = opponent(me);

  for (int t = 0; t < h; ++t) {
    const std::vector<Color> stones = board.stones_ago(t);
    float* mine = plane(2 * t);
    float* theirs = plane(2 * t + 1);
    for (size_t i = 0; i < area; ++i) {
      mine[i] = stones[i] == me ? 1.0f : 0.0f;
      theirs[i] = stones[i] == them ? 1.0f : 0.0f;
    }
  }
  std::fill(plane(2 * h), plane(2 * h) + area, me == Color::kBlack ? 1.0f : 0.0f);
  for (const Move& m : board.legal_moves(me)) plane(2 * h + 1)[static_cast<size_t>(m.x + n * m.y)] = 1.0f;
  const Position& pos = board.position();
  for (int y = 0; y < n; ++y)
    for (int x = 0; x < n; ++x) {
      if (board.at(x, y) == Color::kEmpty) continue;
      const int libs = pos.liberties(pos.point(x, y));
      plane(2 * h + 2 + std::min(libs, 3) - 1)[static_cast<size_t>(x + n * y)] = 1.0f;
    }
  const float komi = static_cast<float>((me == Color::kWhite ? board.rules().komi : -board.rules().komi) / 15.0);
  std::fill(plane(2 * h + 5), plane(2 * h + 5) + area, komi);
  std::fill(plane(2 * h + 6), plane(2 * h + 6) + area, 1.0f);
}

}  // namespace traceplay::go
