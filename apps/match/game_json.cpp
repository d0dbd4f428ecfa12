#include "apps/match/game_json.h"

#include "apps/match/gtp_vertex.h"

namespace traceplay::match {
namespace {

using Json = nlohmann::ordered_json;

Json vertices(const std::vector<go::Move>& moves, int size) {
  Json out = Json::array();
  for (go::Move m : moves) out.push_back(gtp_vertex(m, size));
  return out;
}

template <class T, class F>
Json optional_json(const std::optional<T>& value, F&& convert) {
  return value ? Json(convert(*value)) : Json(nullptr);
}

}  // namespace

Json game_json(const GameOutcome& outcome, int game, bool a_is_black, const std::string& sgf_file) {
  const int size = outcome.record.size;
  // Engine name of a colour, and the colour index of an engine.
  auto engine_of = [&](go::Color c) -> Json {
    if (c == go::Color::kEmpty) return nullptr;
    return (c == go::Color::kBlack) == a_is_black ? "A" : "B";
  };
  const int a = a_is_black ? 0 : 1, b = 1 - a;
  std::vector<go::Move> moves;
  for (const go::ColoredMove& m : outcome.record.moves()) moves.push_back(m.move);
  auto text = [](const std::string& s) { return s; };
  auto points = [size](const std::vector<go::Move>& list) { return vertices(list, size); };
  Json j;
  j["game"] = game;
  j["sgf"] = sgf_file.empty() ? Json(nullptr) : Json(sgf_file);
  j["black"] = a_is_black ? "A" : "B";
  j["white"] = a_is_black ? "B" : "A";
  j["end"] = to_string(outcome.end);
  j["result"] = outcome.record.result;
  j["winner"] = engine_of(outcome.winner);
  j["forfeit"] = engine_of(outcome.forfeited);
  j["reason"] = outcome.reason;
  j["moves"] = vertices(moves, size);
  j["opening"] = outcome.opening_moves;
  j["score"] = outcome.score ? Json(*outcome.score) : Json(nullptr);
  j["final_score"] = {{"A", optional_json(outcome.final_score[a], text)},
                      {"B", optional_json(outcome.final_score[b], text)}};
  j["dead"] = {{"A", optional_json(outcome.dead[a], points)}, {"B", optional_json(outcome.dead[b], points)}};
  j["removed"] = vertices(outcome.removed, size);
  return j;
}

}  // namespace traceplay::match
