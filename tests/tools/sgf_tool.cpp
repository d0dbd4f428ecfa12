// sgf_tool: the C++ side of the @sabaki/sgf integration test (tests/integration/
// test_sgf_sabaki.py). It writes SGF with our writer and shows what our reader read,
// as JSON, so that a JavaScript SGF parser can be compared with both.
//
//   sgf_tool random SEED OUT.sgf     write a random game record; print it as JSON
//   sgf_tool json IN.sgf [GAME]      read game GAME (0-based) of IN; print it as JSON
//   sgf_tool rewrite IN.sgf OUT.sgf  read IN's first game, write it with our writer
//
// The JSON: {"size", "komi" (null when absent), "handicap", "rules", "black_player",
// "white_player", "result", "date", "nodes": [{"move": null | ["B"|"W", "aa"|""],
// "AB", "AW", "AE": ["aa", ...], "comment", "other": [[ID, [raw values]], ...]}]}.
// Bad input: one line on stderr, exit 2.
#include <cstdio>
#include <string>

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/rng.h"
#include "games/go/sgf_reader.h"
#include "games/go/sgf_values.h"
#include "games/go/sgf_writer.h"
#include "tests/tools/random_game_record.h"

using namespace traceplay;
using namespace traceplay::go;

namespace {

nlohmann::json points(const std::vector<Move>& moves) {
  auto out = nlohmann::json::array();
  for (Move m : moves) out.push_back(encode_sgf_move(m));
  return out;
}

nlohmann::json to_json(const GameRecord& r) {
  nlohmann::json j = {{"size", r.size},
                      {"komi", r.komi ? nlohmann::json(*r.komi) : nlohmann::json()},
                      {"handicap", r.handicap},
                      {"rules", r.rules},
                      {"black_player", r.black_player},
                      {"white_player", r.white_player},
                      {"result", r.result},
                      {"date", r.date}};
  auto nodes = nlohmann::json::array();
  for (const auto& node : r.nodes) {
    nlohmann::json n = {{"AB", points(node.add_black)},
                        {"AW", points(node.add_white)},
                        {"AE", points(node.add_empty)},
                        {"comment", node.comment}};
    n["move"] = node.move ? nlohmann::json::array({node.move->color == Color::kBlack ? "B" : "W",
                                                   encode_sgf_move(node.move->move)})
                          : nlohmann::json();
    auto other = nlohmann::json::array();
    for (const auto& p : node.other) other.push_back({p.id, p.values});
    n["other"] = other;
    nodes.push_back(n);
  }
  j["nodes"] = nodes;
  return j;
}

void print(const GameRecord& r) {
  // Files from elsewhere may hold bytes that are not UTF-8: show them replaced.
  std::printf("%s\n", to_json(r).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
}

[[noreturn]] void usage() {
  std::fprintf(stderr,
               "usage: sgf_tool random SEED OUT.sgf | sgf_tool json IN.sgf [GAME] | sgf_tool rewrite IN.sgf "
               "OUT.sgf\n");
  std::exit(2);
}

int run(int argc, char** argv) {
  if (argc < 3) usage();
  const std::string command = argv[1];
  if (command == "random" && argc == 4) {
    Rng rng(std::stoull(argv[2]));
    const GameRecord record = testing::random_game_record(rng);
    save_sgf_game(argv[3], record);
    print(record);
  } else if (command == "json" && (argc == 3 || argc == 4)) {
    print(load_sgf_game(argv[2], argc == 4 ? std::stoul(argv[3]) : 0));
  } else if (command == "rewrite" && argc == 4) {
    save_sgf_game(argv[3], load_sgf_game(argv[2]));
  } else {
    usage();
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const UserError& e) {
    std::fprintf(stderr, "sgf_tool: %s\n", e.what());
    return kExitBadInput;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "sgf_tool: %s\n", e.what());
    return kExitFailure;
  }
}
