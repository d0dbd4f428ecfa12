#include "apps/match/match_game.h"

#include <algorithm>
#include <cctype>
#include <sstream>

#include "apps/match/gtp_vertex.h"
#include "core/rng.h"
#include "games/go/board.h"
#include "games/go/scoring.h"

namespace traceplay::match {
namespace {

using go::Color;
using go::Move;

// Thrown inside play_game when the engine playing `color` loses by forfeit.
struct Forfeit {
  Color color;
  std::string reason;
};

std::string color_name(Color c) { return c == Color::kBlack ? "Black" : "White"; }

std::string komi_text(double komi) {
  std::ostringstream out;
  out << komi;
  return out.str();
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

class Game {
 public:
  Game(GtpClient& black, GtpClient& white, const GameSettings& settings)
      : engines_{&black, &white}, settings_(settings), board_(settings.size, rules_for(settings)) {
    out_.record.size = settings.size;
    out_.record.komi = settings.komi;
    out_.record.rules = "Tromp-Taylor";
  }

  GameOutcome play() {
    try {
      for (Color c : {Color::kBlack, Color::kWhite}) {
        ask(c, "boardsize " + std::to_string(settings_.size));
        ask(c, "clear_board");
        ask(c, "komi " + komi_text(settings_.komi));
      }
      play_random_opening();
      while (!finished() && !engine_move()) {
      }
    } catch (const Forfeit& f) {
      out_.end = GameEnd::kForfeit;
      out_.forfeited = f.color;
      out_.winner = go::opponent(f.color);
      out_.reason = "forfeit: " + f.reason;
      out_.record.result = gtp_color(out_.winner) + "+F";
    }
    add_comment(out_.reason);
    return std::move(out_);
  }

 private:
  static go::Rules rules_for(const GameSettings& s) {
    go::Rules rules;  // positional superko, suicide illegal
    rules.komi = s.komi;
    return rules;
  }

  GtpClient& engine(Color c) { return *engines_[c == Color::kWhite ? 1 : 0]; }
  std::string who(Color c) { return color_name(c) + " (" + engine(c).label() + ")"; }

  // A command that must succeed; any failure forfeits the game for that engine.
  std::string ask(Color c, const std::string& command) {
    try {
      return engine(c).ask(command, settings_.timeout_s);
    } catch (const EngineFailure& e) {
      throw Forfeit{c, color_name(c) + ": " + e.what()};
    }
  }

  void record_move(Color c, Move m) {
    board_.play(c, m);
    out_.record.add_move(c, m);
    const std::string play = "play " + gtp_color(c) + " " + gtp_vertex(m, settings_.size);
    for (Color to : {Color::kBlack, Color::kWhite})
      if (to != c || opening_) ask(to, play);
  }

  void play_random_opening() {
    Rng rng(settings_.opening_seed);
    opening_ = true;
    for (int i = 0; i < settings_.random_opening && moves() < settings_.max_moves; ++i) {
      const Color c = board_.to_move();
      const std::vector<Move> legal = board_.legal_moves(c);
      if (legal.empty()) break;
      record_move(c, legal[rng.below(legal.size())]);
    }
    opening_ = false;
    out_.opening_moves = moves();
    if (moves() > 0) out_.record.nodes[0].comment = "moves 1-" + std::to_string(moves()) + ": random opening";
  }

  int moves() const { return static_cast<int>(board_.moves().size()); }

  bool finished() {
    if (board_.game_over()) {
      score_two_passes();
      return true;
    }
    if (moves() >= settings_.max_moves) {
      out_.end = GameEnd::kMoveCap;
      out_.winner = Color::kEmpty;
      out_.record.result = "0";
      out_.reason = "move cap of " + std::to_string(settings_.max_moves) + " moves reached: a draw";
      return true;
    }
    return false;
  }

  // Asks the side to move for a move and plays it; true when it resigned instead.
  bool engine_move() {
    const Color c = board_.to_move();
    GtpResponse r;
    try {
      r = engine(c).send("genmove " + lower(gtp_color(c)), settings_.timeout_s);
    } catch (const EngineFailure& e) {
      throw Forfeit{c, color_name(c) + ": " + e.what()};
    }
    if (!r.success) throw Forfeit{c, who(c) + " answered genmove with '? " + r.text + "'"};
    if (lower(r.text) == "resign") {
      out_.end = GameEnd::kResignation;
      out_.winner = go::opponent(c);
      out_.record.result = gtp_color(out_.winner) + "+R";
      out_.reason = who(c) + " resigned after " + std::to_string(moves()) + " moves";
      return true;
    }
    const std::optional<Move> m = parse_gtp_vertex(r.text, settings_.size);
    if (!m) throw Forfeit{c, who(c) + " answered genmove with '" + r.text + "', not a move"};
    const go::MoveLegality legality = board_.check(c, *m);
    if (legality != go::MoveLegality::kLegal)
      throw Forfeit{c, who(c) + " played " + gtp_vertex(*m, settings_.size) + " at move " +
                           std::to_string(moves() + 1) + ": illegal (" + go::to_string(legality) + ")"};
    record_move(c, *m);
    return false;
  }

  void score_two_passes() {
    for (Color c : {Color::kBlack, Color::kWhite}) {
      const int i = c == Color::kWhite ? 1 : 0;
      // The game is over: an engine failing these loses nothing, its answer is absent.
      try {
        const GtpResponse r = engine(c).send("final_score", settings_.timeout_s);
        if (r.success) out_.final_score[i] = r.text;
      } catch (const EngineFailure&) {
      }
      try {
        const GtpResponse r = engine(c).send("final_status_list dead", settings_.timeout_s);
        if (r.success) out_.dead[i] = parse_gtp_vertex_list(r.text, settings_.size);
      } catch (const EngineFailure&) {
      }
    }
    if (out_.dead[0] && out_.dead[1]) {
      for (Move m : *out_.dead[0]) {
        const bool both = std::find(out_.dead[1]->begin(), out_.dead[1]->end(), m) != out_.dead[1]->end();
        const bool listed = std::find(out_.removed.begin(), out_.removed.end(), m) != out_.removed.end();
        if (both && !listed && board_.at(m) != Color::kEmpty) out_.removed.push_back(m);
      }
    }
    const double score = go::area_score(board_, out_.removed).score();
    out_.end = GameEnd::kTwoPasses;
    out_.score = score;
    out_.winner = score > 0 ? Color::kBlack : score < 0 ? Color::kWhite : Color::kEmpty;
    out_.record.result = go::format_result(score);
    out_.reason = "two passes; dead stones both engines agreed on: " + std::to_string(out_.removed.size()) +
                  "; Tromp-Taylor area score " + out_.record.result;
  }

  void add_comment(const std::string& text) {
    std::string& comment = out_.record.nodes.back().comment;
    comment += (comment.empty() ? "" : "\n") + text;
  }

  GtpClient* engines_[2];
  const GameSettings& settings_;
  go::Board board_;
  GameOutcome out_;
  bool opening_ = false;
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
  }
  return "?";
}

GameOutcome play_game(GtpClient& black, GtpClient& white, const GameSettings& settings) {
  return Game(black, white, settings).play();
}

}  // namespace traceplay::match
