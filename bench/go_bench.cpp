// `traceplay bench go`: light random playouts/s (games/go/playout.h, the baseline bot's
// evaluation) on 9x9 and 19x19, on one thread and on all threads, from the empty board;
// and legal-move generation (Board::legal_moves with positional superko) on positions of
// random games. The 9x9 single-thread figure is compared with libEGO, the classic fast
// playout engine, anchored at 38.1k playouts/s as built on this machine (-O3 -march=native);
// it is not rerun here.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "bench/bench.h"
#include "core/rng.h"
#include "games/go/board.h"
#include "games/go/playout.h"

namespace traceplay::bench {

namespace {

using Clock = std::chrono::steady_clock;
constexpr double kLibEgoPlayouts9x9 = 38100.0;

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }
void print(const nlohmann::json& line) {
  std::printf("%s\n", line.dump().c_str());
  std::fflush(stdout);
}

struct PlayoutRate {
  double playouts_per_s = 0;
  double moves_per_playout = 0;
  double black_win_rate = 0;  // komi 7.5: a sanity figure (random play is roughly even)
};

PlayoutRate playout_rate(int size, int threads, double seconds) {
  std::atomic<bool> stop{false};
  std::vector<uint64_t> playouts(static_cast<size_t>(threads), 0), moves(playouts), wins(playouts);
  std::vector<std::thread> pool;
  const auto start = Clock::now();
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      Rng rng = Rng::stream(2024, static_cast<uint64_t>(t));
      const go::Position empty(size);
      go::Position pos(size);
      uint64_t n = 0, m = 0, w = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        for (int k = 0; k < 64; ++k) {
          pos = empty;
          const go::PlayoutResult r = go::run_playout(pos, go::Color::kBlack, rng);
          m += static_cast<uint64_t>(r.moves);
          w += r.score(7.5) > 0;
        }
        n += 64;
      }
      playouts[static_cast<size_t>(t)] = n;
      moves[static_cast<size_t>(t)] = m;
      wins[static_cast<size_t>(t)] = w;
    });
  }
  while (seconds_since(start) < seconds) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  stop = true;
  for (auto& th : pool) th.join();
  const double elapsed = seconds_since(start);
  uint64_t n = 0, m = 0, w = 0;
  for (int t = 0; t < threads; ++t) {
    n += playouts[static_cast<size_t>(t)];
    m += moves[static_cast<size_t>(t)];
    w += wins[static_cast<size_t>(t)];
  }
  return {static_cast<double>(n) / elapsed,
          static_cast<double>(m) / static_cast<double>(std::max<uint64_t>(n, 1)),
          static_cast<double>(w) / static_cast<double>(std::max<uint64_t>(n, 1))};
}

// Legal-move lists per second on positions taken from random games (every 4th ply).
void legal_move_rate(int size, double seconds) {
  Rng rng(77);
  std::vector<go::Board> positions;
  while (positions.size() < 200) {
    go::Board board(size);
    for (int ply = 0; ply < 2 * size * size && !board.game_over(); ++ply) {
      const auto legal = board.legal_moves(board.to_move());
      board.play(legal.empty() || rng.below(50) == 0 ? go::Move::pass() : legal[rng.below(legal.size())]);
      if (ply % 4 == 0) positions.push_back(board);
    }
  }
  uint64_t lists = 0, moves = 0;
  const auto start = Clock::now();
  while (seconds_since(start) < seconds)
    for (const go::Board& b : positions) {
      moves += b.legal_moves(b.to_move()).size();
      ++lists;
    }
  const double elapsed = seconds_since(start);
  print({{"bench", "go"},
         {"case", "legal-moves-" + std::to_string(size) + "x" + std::to_string(size)},
         {"threads", 1},
         {"value", static_cast<double>(lists) / elapsed},
         {"unit", "positions/s"},
         {"moves_per_s", static_cast<double>(moves) / elapsed},
         {"moves_per_position",
          static_cast<double>(moves) / static_cast<double>(std::max<uint64_t>(lists, 1))}});
}

}  // namespace

int run_go_bench(const BenchOptions& options) {
  const int all = options.threads > 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency());
  const double seconds = options.quick ? 0.2 : options.seconds;
  std::vector<int> thread_counts{1};
  if (all > 1) thread_counts.push_back(all);
  for (int size : {9, 19}) {
    for (int threads : thread_counts) {
      const PlayoutRate r = playout_rate(size, threads, seconds);
      nlohmann::json line = {{"bench", "go"},
                             {"case", "playouts-" + std::to_string(size) + "x" + std::to_string(size)},
                             {"threads", threads},
                             {"value", r.playouts_per_s},
                             {"unit", "playouts/s"},
                             {"moves_per_playout", r.moves_per_playout},
                             {"black_win_rate_komi_7_5", r.black_win_rate}};
      if (size == 9) {
        line["peer"] = "libEGO (anchor, not rerun)";
        line["peer_value"] = kLibEgoPlayouts9x9;
        line["ratio"] = r.playouts_per_s / kLibEgoPlayouts9x9;
        line["ratio_per_thread"] = r.playouts_per_s / threads / kLibEgoPlayouts9x9;
      }
      print(line);
    }
  }
  for (int size : {9, 19}) legal_move_rate(size, seconds);
  return 0;
}

}  // namespace traceplay::bench
