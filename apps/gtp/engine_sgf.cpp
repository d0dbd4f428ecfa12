// SGF: loadsgf FILE [MOVE_NUMBER] sets up a game from a file, printsgf [FILE] writes the
// game (setup, handicap, moves, komi) as FF[4].
#include <stdexcept>
#include <string>

#include "apps/gtp/engine.h"
#include "apps/gtp/vertex.h"
#include "games/go/sgf_reader.h"
#include "games/go/sgf_writer.h"

namespace traceplay::gtp {

Engine::Reply Engine::cmd_loadsgf(const Command& c, const Channel&) {
  if (c.args.empty() || c.args.size() > 2) return fail("syntax error");
  // MOVE_NUMBER n: the position before the n-th move (1 = before the first); none: all.
  int stop_before = -1;
  if (c.args.size() == 2) {
    const auto n = parse_int(c.args[1]);
    if (!n || *n < 1) return fail("syntax error");
    stop_before = *n;
  }
  go::GameRecord loaded;
  try {
    loaded = go::load_sgf_game(c.args[0]);
  } catch (const std::exception& e) {
    log("loadsgf " + c.args[0] + ": " + e.what());
    return fail("cannot load file");
  }
  if (loaded.size < options_.min_board_size || loaded.size > options_.max_board_size) {
    log("loadsgf " + c.args[0] + ": board size " + std::to_string(loaded.size) + " is outside this bot's " +
        std::to_string(options_.min_board_size) + ".." + std::to_string(options_.max_board_size));
    return fail("unacceptable size");
  }
  // Replay into a fresh game; the current one stays if the file's moves are illegal.
  go::Rules rules = board_.rules();
  if (loaded.komi) rules.komi = *loaded.komi;
  go::Board board(loaded.size, rules);
  go::GameRecord kept = loaded;
  kept.nodes.clear();
  int moves = 0;
  for (const go::RecordNode& node : loaded.nodes) {
    if (node.move && stop_before > 0 && moves + 1 >= stop_before) {
      // The setup of this node still applies; its move does not.
      go::RecordNode setup_only = node;
      setup_only.move.reset();
      if (setup_only.has_setup()) {
        std::vector<go::SetupStone> stones;
        for (go::Move m : node.add_black) stones.push_back({m, go::Color::kBlack});
        for (go::Move m : node.add_white) stones.push_back({m, go::Color::kWhite});
        for (go::Move m : node.add_empty) stones.push_back({m, go::Color::kEmpty});
        if (!board.setup(stones)) return fail("cannot load file");
        kept.nodes.push_back(setup_only);
      }
      break;
    }
    std::vector<go::SetupStone> stones;
    for (go::Move m : node.add_black) stones.push_back({m, go::Color::kBlack});
    for (go::Move m : node.add_white) stones.push_back({m, go::Color::kWhite});
    for (go::Move m : node.add_empty) stones.push_back({m, go::Color::kEmpty});
    if (!stones.empty() && !board.setup(stones)) return fail("cannot load file");
    if (node.move) {
      if (board.play(node.move->color, node.move->move) != go::MoveLegality::kLegal) {
        log("loadsgf " + c.args[0] + ": illegal move " + std::to_string(moves + 1));
        return fail("cannot load file");
      }
      ++moves;
    }
    kept.nodes.push_back(node);
  }
  if (kept.nodes.empty()) kept.nodes.emplace_back();
  // Setup only (a problem or handicap): the root's PL says who moves; without it, White
  // moves first after a handicap.
  if (moves == 0) {
    if (loaded.handicap >= 2) board.set_to_move(go::Color::kWhite);
    for (const go::SgfProperty& p : loaded.nodes.front().other) {
      if (p.id != "PL" || p.values.size() != 1) continue;
      if (const auto color = parse_color(p.values[0])) board.set_to_move(*color);
    }
  }
  board_ = std::move(board);
  record_ = std::move(kept);
  time_.reset();
  player_->new_game();
  return ok();
}

Engine::Reply Engine::cmd_printsgf(const Command& c, const Channel&) {
  if (c.args.size() > 1) return fail("syntax error");
  go::GameRecord record = record_;
  record.size = board_.size();
  record.komi = board_.rules().komi;
  if (record.rules.empty()) record.rules = "Chinese";
  std::string text;
  try {
    text = go::write_sgf(record);
    if (c.args.size() == 1) go::save_sgf_game(c.args[0], record);
  } catch (const std::exception& e) {
    log(std::string("printsgf: ") + e.what());
    return fail(c.args.size() == 1 ? "cannot save file" : "cannot print sgf");
  }
  return ok(c.args.size() == 1 ? "" : text);
}

}  // namespace traceplay::gtp
