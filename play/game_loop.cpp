#include "play/game_loop.h"

#include <chrono>
#include <stdexcept>

#include "core/rng.h"
#include "games/go/scoring.h"
#include "play/final_score.h"

namespace traceplay::play {
namespace {

using go::Color;
using go::Move;

std::string color_name(Color c) { return c == Color::kBlack ? "Black" : "White"; }
std::string sgf_color(Color c) { return c == Color::kBlack ? "B" : "W"; }

std::string move_text(Move m) {
  return m.is_pass() ? "pass" : "(" + std::to_string(m.x) + ", " + std::to_string(m.y) + ")";
}

bool has_limits(const ColorSettings& s) { return s.limits.max_visits > 0 || s.limits.max_seconds > 0; }

void validate(const PlaySettings& s) {
  if (s.size < go::kMinBoardSize || s.size > go::kMaxBoardSize)
    throw std::invalid_argument("play_game: board size must be in 2..25");
  if (!go::is_valid_komi(s.rules.komi)) throw std::invalid_argument("play_game: komi out of range");
  if (s.max_moves < 0) throw std::invalid_argument("play_game: max_moves must be >= 0");
  if (s.random_opening_moves < 0) throw std::invalid_argument("play_game: random_opening_moves must be >= 0");
  for (const ColorSettings* c : {&s.black, &s.white}) {
    if (c->limits.max_visits < 0 || c->limits.max_seconds < 0)
      throw std::invalid_argument("play_game: think limits must be >= 0");
    if (s.should_stop && !has_limits(*c))
      throw std::invalid_argument("play_game: with a should_stop, both colours need visit or time limits");
  }
}

MoveInfo info_of(const search::ThinkResult& r, double seconds) {
  MoveInfo info;
  info.move = r.move;
  info.root_visits = r.analysis.root_visits;
  info.root_winrate = r.analysis.root_winrate;
  info.root_score_lead = r.analysis.root_score_lead;
  info.ownership = r.analysis.ownership;
  info.seconds = seconds;
  for (const search::MoveStats& m : r.analysis.moves) {
    info.visits.push_back({m.move, m.visits});
    if (m.move == r.move && !info.prior) info.prior = m.prior;
  }
  return info;
}

class Game {
 public:
  Game(search::GoPlayer& black, search::GoPlayer& white, const PlaySettings& settings)
      : players_{&black, &white},
        settings_(settings),
        max_moves_(settings.max_moves > 0 ? settings.max_moves : 3 * settings.size * settings.size),
        board_(settings.size, settings.rules) {
    out_.record.size = settings.size;
    out_.record.komi = settings.rules.komi;
    out_.record.rules = "Chinese";
    out_.record.black_player = settings.black_name;
    out_.record.white_player = settings.white_name;
  }

  PlayedGame play() {
    players_[0]->new_game();
    if (players_[1] != players_[0]) players_[1]->new_game();
    play_random_opening();
    while (!finished() && !player_move()) {
    }
    std::string& comment = out_.record.nodes.back().comment;
    comment += (comment.empty() ? "" : "\n") + out_.reason;
    return std::move(out_);
  }

 private:
  int moves() const { return static_cast<int>(board_.moves().size()); }
  bool stop_requested() const { return settings_.should_stop && settings_.should_stop(); }

  void record_move(MoveInfo info) {
    info.number = moves() + 1;
    info.color = board_.to_move();
    board_.play(info.color, info.move);
    out_.record.add_move(info.color, info.move);
    out_.moves.push_back(std::move(info));
    if (settings_.on_move) settings_.on_move(board_, out_.moves.back());
  }

  void play_random_opening() {
    Rng rng(settings_.opening_seed);
    for (int i = 0; i < settings_.random_opening_moves && moves() < max_moves_ && !stop_requested(); ++i) {
      const std::vector<Move> legal = board_.legal_moves(board_.to_move());
      if (legal.empty()) break;
      MoveInfo info;
      info.move = legal[rng.below(legal.size())];
      info.random_opening = true;
      record_move(std::move(info));
    }
    out_.opening_moves = moves();
    if (moves() > 0) out_.record.nodes[0].comment = "moves 1-" + std::to_string(moves()) + ": random opening";
  }

  // Ends the game when it is over (two passes, the cap, a stop); true then.
  bool finished() {
    if (board_.game_over()) {
      score_two_passes();
      return true;
    }
    if (moves() >= max_moves_) {
      end(GameEnd::kMoveCap, Color::kEmpty, "0",
          "move cap of " + std::to_string(max_moves_) + " moves reached: a draw");
      return true;
    }
    if (stop_requested()) {
      stopped();
      return true;
    }
    return false;
  }

  // The side to move's player thinks and its move is played; true when the game ended
  // instead (resignation, forfeit, stop).
  bool player_move() {
    const Color c = board_.to_move();
    const ColorSettings& allowed = c == Color::kBlack ? settings_.black : settings_.white;
    search::ThinkRequest request;
    request.limits = allowed.limits;
    request.should_stop = settings_.should_stop;
    request.want_ownership = settings_.want_ownership;
    request.allow_resign = allowed.allow_resign;
    const auto start = std::chrono::steady_clock::now();
    const search::ThinkResult r = players_[c == Color::kBlack ? 0 : 1]->think(board_, request);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::string who = color_name(c) + " at move " + std::to_string(moves() + 1);
    if (stop_requested()) {
      stopped();
      return true;
    }
    if (r.resign) {
      if (!allowed.allow_resign) {
        forfeit(c, who + " resigned where resigning was not allowed");
      } else {
        end(GameEnd::kResignation, go::opponent(c), sgf_color(go::opponent(c)) + "+R",
            color_name(c) + " resigned after " + std::to_string(moves()) + " moves");
      }
      return true;
    }
    const go::MoveLegality legality = board_.check(c, r.move);
    if (legality != go::MoveLegality::kLegal) {
      forfeit(c, who + " played " + move_text(r.move) + ": illegal (" + go::to_string(legality) + ")");
      return true;
    }
    record_move(info_of(r, seconds));
    return false;
  }

  void end(GameEnd how, Color winner, const std::string& result, const std::string& reason) {
    out_.end = how;
    out_.winner = winner;
    out_.record.result = result;
    out_.reason = reason;
  }

  void forfeit(Color c, const std::string& why) {
    out_.forfeited = c;
    end(GameEnd::kForfeit, go::opponent(c), sgf_color(go::opponent(c)) + "+F", "forfeit: " + why);
  }

  void stopped() {
    end(GameEnd::kStopped, Color::kEmpty, "Void", "stopped after " + std::to_string(moves()) + " moves");
  }

  void score_two_passes() {
    FinalScore s = score_finished_game(board_, settings_.scoring_seed);
    const Color winner = s.score > 0 ? Color::kBlack : s.score < 0 ? Color::kWhite : Color::kEmpty;
    const std::string result = go::format_result(s.score);
    end(GameEnd::kTwoPasses, winner, result,
        "two passes; estimated dead stones removed: " + std::to_string(s.dead.size()) + "; area score " +
            result);
    out_.score = s.score;
    out_.dead = std::move(s.dead);
    out_.final_ownership = std::move(s.ownership);
  }

  search::GoPlayer* players_[2];
  const PlaySettings& settings_;
  const int max_moves_;
  go::Board board_;
  PlayedGame out_;
};

}  // namespace

const char* to_string(GameEnd end) {
  switch (end) {
    case GameEnd::kTwoPasses:
      return "two_passes";
    case GameEnd::kResignation:
      return "resignation";
    case GameEnd::kForfeit:
      return "forfeit";
    case GameEnd::kMoveCap:
      return "move_cap";
    case GameEnd::kStopped:
      return "stopped";
  }
  return "?";
}

PlayedGame play_game(search::GoPlayer& black, search::GoPlayer& white, const PlaySettings& settings) {
  validate(settings);
  return Game(black, white, settings).play();
}

}  // namespace traceplay::play
