// A GTP engine as `traceplay gtp` builds it (apps/cmd_gtp.cpp: MCTS over a leaf
// evaluator), made cheap enough for a fuzzer: the uniform evaluator, 16 visits a move,
// 8 dead-stone playouts for final_score / final_status_list (400 by default, where most
// of an input's time went), one search thread, a clock that never moves (time controls
// allocate, nothing waits), analysis stopped at once (another input line is always
// "pending"), and no logging.
// answer() aborts when a line does not get exactly one well-formed response.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "apps/gtp/command.h"
#include "apps/gtp/engine.h"
#include "apps/gtp/preprocess.h"
#include "search/evaluator.h"
#include "search/mcts_player.h"

namespace traceplay::fuzz {

class FrozenClock : public gtp::Clock {
 public:
  double now_s() const override { return 1000; }
};

class GtpFuzzEngine {
 public:
  explicit GtpFuzzEngine(int board_size = 9) {
    search::MctsSettings mcts;
    mcts.threads = 1;
    mcts.seed = 1;
    gtp::EngineOptions options;
    options.board_size = board_size;
    options.default_limits.max_visits = 16;
    options.dead_stone_playouts = 8;
    options.version = "fuzz";
    options.log = [](const std::string&) {};
    engine_ = std::make_unique<gtp::Engine>(
        std::make_unique<search::MctsPlayer>(mcts, std::make_shared<search::UniformEvaluator>()), options,
        clock_);
  }

  // Executes one raw line; false once `quit` was answered.
  bool answer(const std::string& line) {
    std::string out;
    const gtp::Channel channel{[&out](const std::string& s) { out += s; }, [] { return true; }};
    const bool alive = engine_->execute(line, channel);
    const std::string cleaned = gtp::preprocess_line(line);
    const std::string why = cleaned.empty() ? (out.empty() ? "" : "a response to an empty line")
                                            : malformed(out, gtp::parse_command(cleaned).id);
    if (!why.empty()) {
      std::fprintf(stderr, "line \"%s\": %s\n--- response ---\n%s", line.c_str(), why.c_str(), out.c_str());
      std::abort();
    }
    return alive;
  }

 private:
  // Why `out` is not exactly one response to a command with `id` ("" when it is): "=id"
  // or "?id", a space or newline, text without an empty line, then "\n\n"; an error
  // response on one line (tests/unit/gtp_fuzz_test.cpp checks the same).
  static std::string malformed(const std::string& out, const std::string& id) {
    if (out.size() < 3 || (out[0] != '=' && out[0] != '?')) return "no = or ?";
    if (out.compare(1, id.size(), id) != 0) return "id not echoed";
    if (out.size() < id.size() + 3) return "too short";
    const char after = out[1 + id.size()];
    if (after != ' ' && after != '\n') return "no separator after the id";
    if (out.compare(out.size() - 2, 2, "\n\n") != 0) return "no final empty line";
    if (out.find("\n\n") != out.size() - 2) return "an empty line inside";
    if (out[0] == '?' && out.find('\n') != out.size() - 2) return "a multi-line error";
    return "";
  }

  FrozenClock clock_;
  std::unique_ptr<gtp::Engine> engine_;
};

}  // namespace traceplay::fuzz
