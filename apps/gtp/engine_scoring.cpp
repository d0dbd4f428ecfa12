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
  options.playouts = options_.dead_stone_playouts;
  const auto estimate = go::estimate_dead_stones(board_, options);
  return ok(go::format_result(go::area_score(board_, estimate.dead).score()));
}

Engine::Reply Engine::cmd_final_status_list(const Command& c, const Channel&) {
  if (c.args.size() != 1) return fail("syntax error");
  const std::string& status = c.args[0];
  if (status != "alive" && status != "dead" && status != "seki") return fail("syntax error");
  go::DeadStoneOptions options;
  options.seed = options_.seed;
  options.playouts = options_.dead_stone_playouts;
  const auto estimate = go::estimate_dead_stones(board_, options);
  // Each stone is dead, in seki (alive only because neither side can fill a shared
  // liberty), or alive: the three lists partition the stones.
  enum Status : char { kAlive, kDead, kSeki };
  const int size = board_.size();
  std::vector<char> of(static_cast<size_t>(size * size), kAlive);
  for (go::Move m : estimate.dead) of[static_cast<size_t>(m.x + size * m.y)] = kDead;
  for (go::Move m : estimate.seki) of[static_cast<size_t>(m.x + size * m.y)] = kSeki;
  const char want = status == "dead" ? kDead : status == "seki" ? kSeki : kAlive;
  // One chain per line (as GNU Go), chains in the order of their first stone.
  const go::Position& position = board_.position();
  std::map<int, std::string> lines;
  std::vector<int> order;
  for (int y = 0; y < size; ++y) {
    for (int x = 0; x < size; ++x) {
      if (board_.at(x, y) == go::Color::kEmpty) continue;
      if (of[static_cast<size_t>(x + size * y)] != want) continue;
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
