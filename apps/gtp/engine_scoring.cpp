// Scoring a finished game: dead stones estimated (games/go/dead_stones.h), then area
// scoring with komi (games/go/scoring.h).
#include <map>

#include "apps/gtp/engine.h"
#include "apps/gtp/vertex.h"
#include "games/go/dead_stones.h"
#include "games/go/scoring.h"

namespace traceplay::gtp {

Engine::Reply Engine::cmd_final_score(const Command& c, const Channel&) {
  if (!c.args.empty()) return fail("syntax error");
  go::DeadStoneOptions options;
  options.seed = options_.seed;
  const auto estimate = go::estimate_dead_stones(board_, options);
  return ok(go::format_result(go::area_score(board_, estimate.dead).score()));
}

Engine::Reply Engine::cmd_final_status_list(const Command& c, const Channel&) {
  if (c.args.size() != 1) return fail("syntax error");
  const std::string& status = c.args[0];
  if (status != "alive" && status != "dead" && status != "seki") return fail("syntax error");
  go::DeadStoneOptions options;
  options.seed = options_.seed;
  const auto estimate = go::estimate_dead_stones(board_, options);
  // The estimator tells dead from not dead; it does not report seki separately, so
  // chains in seki are listed as alive and `seki` lists none.
  if (status == "seki") return ok();
  const int size = board_.size();
  std::vector<char> dead(static_cast<size_t>(size * size), 0);
  for (go::Move m : estimate.dead) dead[static_cast<size_t>(m.x + size * m.y)] = 1;
  const bool want_dead = status == "dead";
  // One chain per line (as GNU Go), chains in the order of their first stone.
  const go::Position& position = board_.position();
  std::map<int, std::string> lines;
  std::vector<int> order;
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      if (board_.at(x, y) == go::Color::kEmpty) continue;
      if ((dead[static_cast<size_t>(x + size * y)] != 0) != want_dead) continue;
      const int chain = position.chain_of(position.point(x, y));
      auto [it, inserted] = lines.emplace(chain, std::string());
      if (inserted) order.push_back(chain);
      it->second += (it->second.empty() ? "" : " ") + format_vertex(go::Move::at(x, y), size);
    }
  }
  std::string text;
  for (int chain : order) text += (text.empty() ? "" : "\n") + lines[chain];
  return ok(text);
}

}  // namespace traceplay::gtp
