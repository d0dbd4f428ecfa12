// traceplay match: two GTP engines play a series of games, refereed by our go::Board
// (apps/match/match_game.h says how a game runs and ends).
//
//   traceplay match --engine-a "CMD ..." --engine-b "CMD ..." --games N [--size 9]
//       [--komi 7] [--random-opening K] [--max-moves M] [--sgf-dir DIR] [--json]
//       [--seed S] [--timeout SEC]
//
// Each engine command runs through /bin/sh -c (quoted and split as a shell would), one
// process per engine for the whole match; an engine that crashed or hung is restarted
// before the next game. A is Black in the odd games (1, 3, ...). Game g's random opening
// draws from Rng::stream(seed, g). With --sgf-dir: game-NNNN.sgf per game, games.jsonl
// (one line per game, apps/match/game_json.h; rewritten whole after each game) and the
// engines' stderr in engine-a.log / engine-b.log; without it stderr is discarded.
// Output: one line per game, then wins, draws, forfeits and A's Elo with its 95% interval
// (play/elo.h); with --json the last line is
//   {"games": N, "wins_a": a, "wins_b": b, "draws": d, "forfeits_a": x, "forfeits_b": y,
//    "elo": e, "elo_ci95": [lo, hi]}
// where wins_a + wins_b + draws = games, a forfeit counts as a win of the other side
// (forfeits_a: games A lost by forfeit), and e, lo, hi are null where unbounded.
// Bad flags, an --sgf-dir that already holds a match, or an engine that does not
// answer its first command (`name`): one message, exit 2.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "apps/cli_validators.h"
#include "apps/commands.h"
#include "apps/match/game_json.h"
#include "apps/match/gtp_client.h"
#include "apps/match/match_game.h"
#include "core/atomic_file.h"
#include "core/error.h"
#include "core/rng.h"
#include "games/go/sgf_writer.h"
#include "games/go/rules.h"
#include "games/go/types.h"
#include "play/elo.h"

namespace traceplay::apps {
namespace {

namespace fs = std::filesystem;
using match::GtpClient;

struct MatchArgs {
  std::string engine_a, engine_b, sgf_dir;
  int games = 0, size = 9, random_opening = 0, max_moves = 0;
  double komi = 7, timeout_s = 60;
  uint64_t seed = 1;
  bool json = false;
  CLI::Option* max_moves_option = nullptr;
};

// One side of the match: its command, its process (restarted after a failure), its name.
struct Side {
  std::string label, command, log_path, name;
  std::unique_ptr<GtpClient> client;

  void start() { client = std::make_unique<GtpClient>(label, command, log_path); }
};

void validate(const MatchArgs& a) {
  if (a.engine_a.find_first_not_of(" \t") == std::string::npos) throw UserError("--engine-a is empty");
  if (a.engine_b.find_first_not_of(" \t") == std::string::npos) throw UserError("--engine-b is empty");
  if (a.games < 1) throw UserError("--games must be at least 1, got " + std::to_string(a.games));
  if (a.size < go::kMinBoardSize || a.size > go::kMaxBoardSize)
    throw UserError("--size must be in " + std::to_string(go::kMinBoardSize) + ".." +
                    std::to_string(go::kMaxBoardSize) + ", got " + std::to_string(a.size));
  if (!go::is_valid_komi(a.komi)) throw UserError("--komi must be a number in -1000..1000");
  if (a.random_opening < 0) throw UserError("--random-opening must be >= 0");
  if (a.max_moves_option->count() && a.max_moves < 1)
    throw UserError("--max-moves must be at least 1, got " + std::to_string(a.max_moves));
  if (!(a.timeout_s > 0)) throw UserError("--timeout must be > 0 seconds");
}

void prepare_sgf_dir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) throw UserError("--sgf-dir " + dir + ": cannot create the directory");
  if (fs::exists(fs::path(dir) / "games.jsonl"))
    throw UserError("--sgf-dir " + dir + " already holds a match (games.jsonl); choose another directory");
}

// The engine's `name`, asked first: an engine that cannot answer it did not start.
std::string start_engine(Side& side, double timeout_s) {
  side.start();
  try {
    const match::GtpResponse r = side.client->send("name", std::min(timeout_s, 30.0));
    return r.success && !r.text.empty() ? r.text : side.label;
  } catch (const match::EngineFailure& e) {
    throw UserError(side.label + " (" + side.command + ") did not start: " + e.what());
  }
}

std::string today() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char text[16];
  std::strftime(text, sizeof text, "%Y-%m-%d", &tm);
  return text;
}

nlohmann::json optional_elo(const std::optional<double>& e) {
  return e ? nlohmann::json(std::round(*e * 10) / 10) : nlohmann::json(nullptr);
}

std::string elo_text(const std::optional<double>& e, const char* unbounded) {
  if (!e) return unbounded;
  char text[32];
  std::snprintf(text, sizeof text, "%+.1f", *e);
  return text;
}

struct Tally {
  int wins_a = 0, wins_b = 0, draws = 0, forfeits_a = 0, forfeits_b = 0;
  std::vector<double> scores_a;  // A's score per game: 1, 0.5, 0
};

void count(Tally& t, const match::GameOutcome& o, bool a_is_black) {
  const go::Color a = a_is_black ? go::Color::kBlack : go::Color::kWhite;
  if (o.winner == go::Color::kEmpty) {
    ++t.draws;
    t.scores_a.push_back(0.5);
  } else if (o.winner == a) {
    ++t.wins_a;
    t.scores_a.push_back(1);
  } else {
    ++t.wins_b;
    t.scores_a.push_back(0);
  }
  if (o.forfeited != go::Color::kEmpty) ++(o.forfeited == a ? t.forfeits_a : t.forfeits_b);
}

void run_match(const MatchArgs& a) {
  validate(a);
  if (!a.sgf_dir.empty()) prepare_sgf_dir(a.sgf_dir);
  const auto log_path = [&](const char* file) {
    return a.sgf_dir.empty() ? "" : (fs::path(a.sgf_dir) / file).string();
  };
  Side sides[2] = {{"engine A", a.engine_a, log_path("engine-a.log"), "", nullptr},
                   {"engine B", a.engine_b, log_path("engine-b.log"), "", nullptr}};
  for (Side& side : sides) side.name = start_engine(side, a.timeout_s);

  match::GameSettings settings;
  settings.size = a.size;
  settings.komi = a.komi;
  settings.random_opening = a.random_opening;
  settings.max_moves = a.max_moves > 0 ? a.max_moves : 3 * a.size * a.size;
  settings.timeout_s = a.timeout_s;

  Tally tally;
  std::string jsonl;
  const std::string date = today();
  for (int g = 1; g <= a.games; ++g) {
    for (Side& side : sides)
      if (!side.client->alive()) side.start();  // crashed or hung in the last game
    const bool a_is_black = g % 2 == 1;
    Side& black = sides[a_is_black ? 0 : 1];
    Side& white = sides[a_is_black ? 1 : 0];
    settings.opening_seed = Rng::stream(a.seed, static_cast<uint64_t>(g)).next();
    match::GameOutcome outcome = match::play_game(*black.client, *white.client, settings);
    outcome.record.black_player = black.name;
    outcome.record.white_player = white.name;
    outcome.record.date = date;
    count(tally, outcome, a_is_black);

    char sgf_name[32];
    std::snprintf(sgf_name, sizeof sgf_name, "game-%04d.sgf", g);
    if (!a.sgf_dir.empty()) {
      go::save_sgf_game((fs::path(a.sgf_dir) / sgf_name).string(), outcome.record);
      jsonl += match::game_json(outcome, g, a_is_black, sgf_name).dump() + "\n";
      write_file_atomic((fs::path(a.sgf_dir) / "games.jsonl").string(), jsonl);
    }
    std::printf("game %d/%d: %s black, %s white: %s (%s)\n", g, a.games, a_is_black ? "A" : "B",
                a_is_black ? "B" : "A", outcome.record.result.c_str(), outcome.reason.c_str());
    std::fflush(stdout);
  }
  for (Side& side : sides) side.client->quit();

  const play::EloEstimate elo = play::estimate_elo(tally.scores_a);
  std::printf("engine A: %s (%s)\nengine B: %s (%s)\n", sides[0].name.c_str(), a.engine_a.c_str(),
              sides[1].name.c_str(), a.engine_b.c_str());
  std::printf("games %d: A won %d, B won %d, draws %d; forfeits: A %d, B %d\n", a.games, tally.wins_a,
              tally.wins_b, tally.draws, tally.forfeits_a, tally.forfeits_b);
  std::printf("score of A %.3f; Elo of A %s, 95%% interval [%s, %s]\n", elo.score_fraction,
              elo_text(elo.elo, elo.score_fraction >= 1 ? "+inf" : "-inf").c_str(),
              elo_text(elo.lo, "-inf").c_str(), elo_text(elo.hi, "+inf").c_str());
  if (a.json) {
    // Printed field by field: the pinned line has this key order and ", " / ": " spacing.
    const std::pair<const char*, nlohmann::json> fields[] = {
        {"games", a.games},
        {"wins_a", tally.wins_a},
        {"wins_b", tally.wins_b},
        {"draws", tally.draws},
        {"forfeits_a", tally.forfeits_a},
        {"forfeits_b", tally.forfeits_b},
        {"elo", optional_elo(elo.elo)},
        {"elo_ci95", nlohmann::json::array({optional_elo(elo.lo), optional_elo(elo.hi)})}};
    std::string line = "{";
    for (const auto& [key, value] : fields) {
      if (line.size() > 1) line += ", ";
      line += "\"" + std::string(key) + "\": " +
              (value.is_array() ? "[" + value[0].dump() + ", " + value[1].dump() + "]" : value.dump());
    }
    std::printf("%s}\n", line.c_str());
  }
  std::fflush(stdout);
}

}  // namespace

void add_match_command(CLI::App& app, int& exit_code) {
  auto* cmd = app.add_subcommand("match", "Play two GTP engines against each other; wins, forfeits and Elo");
  auto a = std::make_shared<MatchArgs>();
  cmd->add_option("--engine-a", a->engine_a, "Engine A's command line (run by /bin/sh -c)")->required();
  cmd->add_option("--engine-b", a->engine_b, "Engine B's command line (run by /bin/sh -c)")->required();
  cmd->add_option("--games", a->games, "Number of games (A is Black in games 1, 3, ...)")->required();
  cmd->add_option("--size", a->size, "Board size (2..25)")->capture_default_str();
  cmd->add_option("--komi", a->komi, "Komi")->capture_default_str();
  cmd->add_option("--random-opening", a->random_opening, "Random legal moves opening each game")
      ->capture_default_str();
  a->max_moves_option =
      cmd->add_option("--max-moves", a->max_moves, "Moves after which a game is a draw (default 3 x size^2)");
  cmd->add_option("--sgf-dir", a->sgf_dir,
                  "Write game-NNNN.sgf, games.jsonl and the engines' stderr logs here");
  cmd->add_option("--seed", a->seed, "Seed of the random openings")->check(kDigits)->capture_default_str();
  cmd->add_option("--timeout", a->timeout_s, "Seconds an engine may take for one command before it forfeits")
      ->capture_default_str();
  cmd->add_flag("--json", a->json, "Print a JSON summary as the last line");
  cmd->callback([&exit_code, a] {
    run_match(*a);
    exit_code = kExitOk;
  });
}

}  // namespace traceplay::apps
