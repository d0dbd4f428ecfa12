// GTP test helpers: a deterministic player (no search: it ranks legal moves in a fixed
// order and reports made-up but fixed statistics), a hand-driven clock, and an engine
// whose responses are captured.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "apps/gtp/engine.h"
#include "apps/gtp/time_control.h"
#include "search/go_player.h"

namespace traceplay::gtp::testing {

class FakeClock : public Clock {
 public:
  double now_s() const override { return t; }
  double t = 1000;
};

// Plays the first legal move, row by row, that does not fill its own eye (all four
// neighbours its own or off the board); passes when none. One "visit" per loop round;
// reports (when asked) every round; stops on should_stop or max_visits.
class TestPlayer : public search::GoPlayer {
 public:
  search::ThinkResult think(const go::Board& board, const search::ThinkRequest& request) override {
    ++thinks;
    requests.push_back(request.limits);
    if (on_think) on_think(request);
    search::Analysis analysis = snapshot(board, request.want_ownership);
    // With no limit and no stop condition a real search would never end; this one stops.
    const bool unlimited = request.limits.max_visits == 0 && !request.should_stop;
    for (int64_t visit = 0;; ++visit) {
      if (request.should_stop && request.should_stop()) break;
      if (request.limits.max_visits > 0 && visit >= request.limits.max_visits) break;
      if (unlimited && visit >= 1) break;
      if (request.report && request.report_interval_s > 0) request.report(analysis);
      if (request.should_stop) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    search::ThinkResult result;
    result.resign = resign && request.allow_resign;
    result.move = analysis.moves.empty() ? go::Move::pass() : analysis.moves.front().move;
    result.analysis = analysis;
    return result;
  }
  void new_game() override { ++new_games; }

  static search::Analysis snapshot(const go::Board& board, bool ownership) {
    search::Analysis a;
    const go::Color me = board.to_move();
    const int size = board.size();
    for (go::Move m : board.legal_moves(me)) {
      if (fills_own_eye(board, me, m)) continue;
      const int i = static_cast<int>(a.moves.size());
      search::MoveStats s;
      s.move = m;
      s.visits = 30 - 10 * i;
      s.winrate = 0.6 - 0.1 * i;
      s.prior = 0.25;
      s.lcb = s.winrate - 0.05;
      s.score_lead = 2.5 - i;
      s.pv = {m};
      a.moves.push_back(s);
      if (a.moves.size() == 3) break;
    }
    a.root_visits = 60;
    if (ownership) {
      for (int p = 0; p < size * size; ++p) a.ownership.push_back(p % 2 ? 0.5f : -0.25f);
    }
    return a;
  }
  static bool fills_own_eye(const go::Board& board, go::Color me, go::Move m) {
    const int dx[4] = {1, -1, 0, 0}, dy[4] = {0, 0, 1, -1};
    for (int k = 0; k < 4; ++k) {
      const int x = m.x + dx[k], y = m.y + dy[k];
      if (x < 0 || y < 0 || x >= board.size() || y >= board.size()) continue;
      if (board.at(x, y) != me) return false;
    }
    return true;
  }

  int thinks = 0, new_games = 0;
  bool resign = false;
  std::vector<search::ThinkLimits> requests;
  std::function<void(const search::ThinkRequest&)> on_think;
};

// An engine on a TestPlayer whose output is captured; analysis commands stop at once
// unless `pending` says otherwise.
struct TestEngine {
  explicit TestEngine(int size = 9, double komi = 7.5) {
    auto p = std::make_unique<TestPlayer>();
    player = p.get();
    EngineOptions options;
    options.board_size = size;
    options.komi = komi;
    options.default_limits.max_visits = 3;
    options.version = "test";
    options.log = [this](const std::string& m) { logs.push_back(m); };
    engine = std::make_unique<Engine>(std::move(p), options, clock);
  }
  // Everything the engine writes for one line.
  std::string run(const std::string& line) {
    std::string out;
    std::mutex mutex;
    Channel channel{[&](const std::string& s) {
                      std::lock_guard<std::mutex> lock(mutex);
                      out += s;
                    },
                    [this] { return pending ? pending() : true; }};
    alive = engine->execute(line, channel);
    return out;
  }

  FakeClock clock;
  TestPlayer* player = nullptr;
  std::unique_ptr<Engine> engine;
  std::vector<std::string> logs;
  std::function<bool()> pending;
  bool alive = true;
};

}  // namespace traceplay::gtp::testing
