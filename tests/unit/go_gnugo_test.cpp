// The rules engine and the dead-stone estimator against GNU Go (/usr/games/gnugo, spoken
// to over GTP through pipes). GNU Go plays both sides of 9x9 games after a few random
// opening moves; every move it makes must be legal for our Board, and at the end:
//  - with --capture-all-dead (GNU Go removes every dead stone before passing) our
//    estimator must call nothing dead and our Tromp-Taylor score must equal GNU Go's
//    final_score (in games without seki, where Tromp-Taylor and GNU Go's count agree);
//  - without it, our dead stones against GNU Go's final_status_list dead: agreement
//    |ours & theirs| / |ours | theirs| over all games must be >= 0.9.
// Skipped when GNU Go is not installed.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/rng.h"
#include "games/go/board.h"
#include "games/go/dead_stones.h"
#include "games/go/scoring.h"

namespace traceplay::go {
namespace {

constexpr const char* kGnuGo = "/usr/games/gnugo";
constexpr const char* kLetters = "ABCDEFGHJKLMNOPQRSTUVWXYZ";

// One GNU Go process in GTP mode.
class GnuGo {
 public:
  explicit GnuGo(std::vector<std::string> flags) {
    int to_child[2], from_child[2];
    if (pipe(to_child) != 0 || pipe(from_child) != 0) throw std::runtime_error("pipe failed");
    pid_ = fork();
    if (pid_ == 0) {
      dup2(to_child[0], 0);
      dup2(from_child[1], 1);
      const int devnull = open("/dev/null", O_WRONLY);
      dup2(devnull, 2);
      close(to_child[1]);
      close(from_child[0]);
      std::vector<std::string> args{kGnuGo, "--mode", "gtp"};
      args.insert(args.end(), flags.begin(), flags.end());
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(kGnuGo, argv.data());
      _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    in_ = fdopen(to_child[1], "w");
    out_ = fdopen(from_child[0], "r");
  }
  ~GnuGo() {
    std::fputs("quit\n", in_);
    std::fclose(in_);
    std::fclose(out_);
    waitpid(pid_, nullptr, 0);
  }

  // The response text after "= "; throws on "? ...".
  std::string send(const std::string& command) {
    std::fprintf(in_, "%s\n", command.c_str());
    std::fflush(in_);
    std::string response, line;
    char buf[4096];
    while (std::fgets(buf, sizeof buf, out_)) {
      line = buf;
      if (line == "\n" && !response.empty()) break;
      response += line;
    }
    if (response.empty() || response[0] != '=')
      throw std::runtime_error("gnugo: '" + command + "' -> " + response);
    response = response.substr(1);
    while (!response.empty() && (response.back() == '\n' || response.back() == ' ')) response.pop_back();
    while (!response.empty() && (response.front() == ' ' || response.front() == '\n')) response.erase(0, 1);
    return response;
  }

 private:
  pid_t pid_ = -1;
  FILE* in_ = nullptr;
  FILE* out_ = nullptr;
};

std::string vertex(Move m, int n) {
  if (m.is_pass()) return "pass";
  return std::string(1, kLetters[m.x]) + std::to_string(n - m.y);
}

Move parse_vertex(std::string v, int n) {
  std::transform(v.begin(), v.end(), v.begin(), ::toupper);
  if (v == "PASS") return Move::pass();
  const int x = static_cast<int>(std::string(kLetters).find(v[0]));
  const int row = std::stoi(v.substr(1));
  return Move::at(x, n - row);
}

std::set<std::pair<int, int>> parse_vertices(const std::string& text, int n) {
  std::set<std::pair<int, int>> out;
  std::istringstream in(text);
  std::string v;
  while (in >> v) {
    const Move m = parse_vertex(v, n);
    out.insert({m.x, m.y});
  }
  return out;
}

struct FinishedGame {
  Board board;
  std::string gnugo_score;
  std::set<std::pair<int, int>> gnugo_dead;
  std::set<std::pair<int, int>> gnugo_seki;
  bool resigned = false;
};

// GNU Go plays both colours after `opening` random moves, until two passes.
FinishedGame play_game(GnuGo& gnugo, uint64_t seed, int opening) {
  const int n = 9;
  Rules rules;
  rules.komi = 7.5;
  FinishedGame game{Board(n, rules), "", {}, {}, false};
  Board& board = game.board;
  gnugo.send("boardsize 9");
  gnugo.send("clear_board");
  gnugo.send("komi 7.5");
  Rng rng(seed);
  for (int i = 0; i < opening; ++i) {
    const auto legal = board.legal_moves(board.to_move());
    const Move m = legal[rng.below(legal.size())];
    gnugo.send(std::string("play ") + (board.to_move() == Color::kBlack ? "B " : "W ") + vertex(m, n));
    board.play(m);
  }
  for (int ply = 0; ply < 300 && !board.game_over(); ++ply) {
    const std::string reply =
        gnugo.send(std::string("genmove ") + (board.to_move() == Color::kBlack ? "B" : "W"));
    if (reply == "resign") {
      game.resigned = true;
      return game;
    }
    const Move m = parse_vertex(reply, n);
    const MoveLegality legality = board.play(m);
    EXPECT_EQ(legality, MoveLegality::kLegal) << "GNU Go's " << reply << " is " << to_string(legality);
    if (legality != MoveLegality::kLegal) return game;
  }
  game.gnugo_score = gnugo.send("final_score");
  game.gnugo_dead = parse_vertices(gnugo.send("final_status_list dead"), n);
  game.gnugo_seki = parse_vertices(gnugo.send("final_status_list seki"), n);
  return game;
}

std::string diagram(const Board& board) {
  std::string out;
  for (int y = 0; y < board.size(); ++y) {
    for (int x = 0; x < board.size(); ++x) {
      const Color c = board.at(x, y);
      out += c == Color::kBlack ? 'X' : c == Color::kWhite ? 'O' : '.';
    }
    out += '\n';
  }
  return out;
}

bool have_gnugo() { return access(kGnuGo, X_OK) == 0; }

// TRACEPLAY_GNUGO_GAMES=N plays N games per test instead of the quick default (for
// measuring the agreement on a larger sample).
uint64_t games_or(uint64_t quick) {
  const char* env = std::getenv("TRACEPLAY_GNUGO_GAMES");
  return env ? std::stoull(env) : quick;
}

TEST(GoGnuGo, CaptureAllDeadGamesScoreAsGnuGoAndHaveNoDeadStones) {
  if (!have_gnugo()) GTEST_SKIP() << "no " << kGnuGo;
  GnuGo gnugo(
      {"--chinese-rules", "--positional-superko", "--capture-all-dead", "--level", "1", "--seed", "7"});
  int scored = 0;
  for (uint64_t g = 0; g < games_or(6); ++g) {
    FinishedGame game = play_game(gnugo, 100 + g, 6);
    if (HasFailure()) return;
    if (game.resigned || !game.board.game_over()) continue;
    const DeadStoneEstimate ours = estimate_dead_stones(game.board);
    EXPECT_TRUE(ours.dead.empty()) << "game " << g << ": " << ours.dead.size() << " stones called dead";
    // GNU Go's Chinese count leaves a seki's shared liberties uncounted even where only
    // one colour surrounds them; Tromp-Taylor counts them. Without seki the two agree.
    if (!game.gnugo_seki.empty()) continue;
    EXPECT_EQ(format_result(area_score(game.board, ours.dead).score()), game.gnugo_score)
        << "game " << g << " GNU Go's dead: " << game.gnugo_dead.size() << "\n"
        << diagram(game.board);
    ++scored;
  }
  EXPECT_GT(scored, 0);
}

TEST(GoGnuGo, DeadStonesAgreeWithGnuGo) {
  if (!have_gnugo()) GTEST_SKIP() << "no " << kGnuGo;
  const char* level = std::getenv("TRACEPLAY_GNUGO_LEVEL");  // default 1: fast games
  GnuGo gnugo({"--chinese-rules", "--positional-superko", "--level", level ? level : "1", "--seed", "11"});
  size_t both = 0, either = 0, gnugo_total = 0;
  int games = 0;
  for (uint64_t g = 0; g < games_or(8); ++g) {
    FinishedGame game = play_game(gnugo, 200 + g, 6);
    if (HasFailure()) return;
    if (game.resigned || !game.board.game_over()) continue;
    std::set<std::pair<int, int>> ours;
    for (const Move& m : estimate_dead_stones(game.board).dead) ours.insert({m.x, m.y});
    std::vector<std::pair<int, int>> common, all;
    std::set_intersection(ours.begin(), ours.end(), game.gnugo_dead.begin(), game.gnugo_dead.end(),
                          std::back_inserter(common));
    std::set_union(ours.begin(), ours.end(), game.gnugo_dead.begin(), game.gnugo_dead.end(),
                   std::back_inserter(all));
    if (common.size() != all.size()) {  // show the disagreement (diagram, both lists)
      std::printf("game %d: GNU Go dead:", static_cast<int>(g));
      for (auto [x, y] : game.gnugo_dead) std::printf(" %d,%d", x, y);
      std::printf("; ours:");
      for (auto [x, y] : ours) std::printf(" %d,%d", x, y);
      std::printf("\n%s", diagram(game.board).c_str());
    }
    if (const char* dump = std::getenv("TRACEPLAY_GNUGO_DUMP")) {  // positions for offline tuning
      if (FILE* f = std::fopen(dump, "a")) {
        std::string rows = diagram(game.board);
        std::replace(rows.begin(), rows.end(), '\n', '/');
        std::fprintf(f, "%s %c", rows.c_str(), game.board.to_move() == Color::kBlack ? 'B' : 'W');
        for (auto [x, y] : game.gnugo_dead) std::fprintf(f, " %d,%d", x, y);
        std::fprintf(f, "\n");
        std::fclose(f);
      }
    }
    both += common.size();
    either += all.size();
    gnugo_total += game.gnugo_dead.size();
    ++games;
  }
  ASSERT_GT(games, 0);
  const double agreement = either == 0 ? 1.0 : static_cast<double>(both) / static_cast<double>(either);
  RecordProperty("agreement", std::to_string(agreement));
  std::printf(
      "dead-stone agreement with GNU Go over %d games: %.3f (%zu common, %zu in either, %zu GNU Go's)\n",
      games, agreement, both, either, gnugo_total);
  EXPECT_GE(agreement, 0.9);
  EXPECT_GT(gnugo_total, 0u);  // the games did leave dead stones on the board
}

}  // namespace
}  // namespace traceplay::go
