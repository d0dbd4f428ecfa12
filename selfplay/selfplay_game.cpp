#include "selfplay/selfplay_game.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "core/hash.h"
#include "games/go/board.h"
#include "games/go/scoring.h"

namespace traceplay::selfplay {

namespace {

const char* color_code(go::Color c) {
  return c == go::Color::kBlack ? "B" : c == go::Color::kWhite ? "W" : "0";
}

[[noreturn]] void bad(const std::string& where, const std::string& what) {
  throw UserError(where + ": bad self-play record: " + what);
}

// The field `key` of `j`, which must exist; the error names it.
const nlohmann::json& field(const nlohmann::json& j, const char* key, const std::string& where) {
  auto it = j.find(key);
  if (it == j.end()) bad(where, std::string("missing \"") + key + "\"");
  return *it;
}

int64_t integer(const nlohmann::json& j, const std::string& what, const std::string& where, int64_t lo,
                int64_t hi) {
  if (!j.is_number_integer()) bad(where, what + " must be an integer");
  const int64_t v = j.get<int64_t>();
  if (v < lo || v > hi)
    bad(where, what + " = " + std::to_string(v) + " is outside [" + std::to_string(lo) + ", " +
                   std::to_string(hi) + "]");
  return v;
}

double number(const nlohmann::json& j, const std::string& what, const std::string& where, double lo,
              double hi) {
  if (!j.is_number()) bad(where, what + " must be a number");
  const double v = j.get<double>();
  if (!(v >= lo && v <= hi))
    bad(where, what + " is outside [" + std::to_string(lo) + ", " + std::to_string(hi) + "]");
  return v;
}

const nlohmann::json& array_of(const nlohmann::json& j, const char* key, size_t n, const std::string& where) {
  const nlohmann::json& a = field(j, key, where);
  if (!a.is_array()) bad(where, std::string("\"") + key + "\" must be an array");
  if (a.size() != n)
    bad(where, std::string("\"") + key + "\" has " + std::to_string(a.size()) + " entries, expected " +
                   std::to_string(n) + " (one per move)");
  return a;
}

}  // namespace

const char* to_string(GameEnd end) {
  switch (end) {
    case GameEnd::kTwoPasses:
      return "two_passes";
    case GameEnd::kResignation:
      return "resignation";
    case GameEnd::kMoveCap:
      return "move_cap";
  }
  return "?";
}

go::Move SelfPlayGame::move_at(size_t i) const {
  const int m = moves[i].move;
  return m == pass_index() ? go::Move::pass() : go::Move::at(m % size, m / size);
}

std::string to_json_line(const SelfPlayGame& g) {
  // Per-move arrays side by side (columns) rather than one object per move: a 9x9 game
  // of 80 moves stays a few kilobytes, and a reader takes the column it needs.
  nlohmann::ordered_json j;
  j["id"] = hex16(g.id);
  j["model_version"] = g.model_version;
  j["size"] = g.size;
  j["komi"] = g.komi;
  // Columns built apart and moved in, in the pinned order: a reference into an
  // ordered_json object does not survive the next key's insertion.
  using Json = nlohmann::ordered_json;
  Json moves = Json::array(), searched = Json::array(), full = Json::array(), visits = Json::array(),
       value = Json::array(), score = Json::array(), policy = Json::array();
  for (const SelfPlayMove& m : g.moves) {
    moves.push_back(m.move);
    searched.push_back(m.searched ? 1 : 0);
    full.push_back(m.full_search ? 1 : 0);
    visits.push_back(m.root_visits);
    value.push_back(m.root_value);
    score.push_back(m.root_score);
    Json p = Json::array();
    for (const auto& [move, n] : m.policy) p.push_back(Json::array({move, n}));
    policy.push_back(std::move(p));
  }
  j["moves"] = std::move(moves);
  j["searched"] = std::move(searched);
  j["full_search"] = std::move(full);
  j["root_visits"] = std::move(visits);
  j["root_value"] = std::move(value);
  j["root_score"] = std::move(score);
  j["policy"] = std::move(policy);
  j["end"] = to_string(g.end);
  j["winner"] = color_code(g.winner);
  j["score"] = g.score ? nlohmann::json(*g.score) : nlohmann::json(nullptr);
  j["resign_allowed"] = g.resign_allowed;
  j["ownership"] = g.ownership;
  return j.dump();
}

SelfPlayGame parse_selfplay_game(std::string_view line, const std::string& where) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(line);
  } catch (const nlohmann::json::exception&) {
    bad(where, "not a JSON object");
  }
  if (!j.is_object()) bad(where, "not a JSON object");
  SelfPlayGame g;
  const nlohmann::json& id = field(j, "id", where);
  if (!id.is_string()) bad(where, "\"id\" must be 16 hex digits");
  try {
    g.id = parse_hex16(id.get<std::string>());
  } catch (const UserError&) {
    bad(where, "\"id\" must be 16 hex digits");
  }
  g.model_version =
      static_cast<int>(integer(field(j, "model_version", where), "\"model_version\"", where, 0, 9999));
  g.size = static_cast<int>(
      integer(field(j, "size", where), "\"size\"", where, go::kMinBoardSize, go::kMaxBoardSize));
  g.komi = number(field(j, "komi", where), "\"komi\"", where, -go::kMaxKomi, go::kMaxKomi);

  const nlohmann::json& moves = field(j, "moves", where);
  if (!moves.is_array()) bad(where, "\"moves\" must be an array");
  const size_t n = moves.size();
  const nlohmann::json& searched = array_of(j, "searched", n, where);
  const nlohmann::json& full = array_of(j, "full_search", n, where);
  const nlohmann::json& visits = array_of(j, "root_visits", n, where);
  const nlohmann::json& value = array_of(j, "root_value", n, where);
  const nlohmann::json& score = array_of(j, "root_score", n, where);
  const nlohmann::json& policy = array_of(j, "policy", n, where);
  const int pass = g.size * g.size;
  g.moves.resize(n);
  for (size_t i = 0; i < n; ++i) {
    const std::string at = " of move " + std::to_string(i);
    SelfPlayMove& m = g.moves[i];
    m.move = static_cast<int>(integer(moves[i], "\"moves\"" + at, where, 0, pass));
    m.searched = integer(searched[i], "\"searched\"" + at, where, 0, 1) == 1;
    m.full_search = integer(full[i], "\"full_search\"" + at, where, 0, 1) == 1;
    if (m.full_search && !m.searched)
      bad(where, "move " + std::to_string(i) + " is a full search but not searched");
    m.root_visits = integer(visits[i], "\"root_visits\"" + at, where, 0, int64_t{1} << 40);
    m.root_value = static_cast<float>(number(value[i], "\"root_value\"" + at, where, -1, 1));
    m.root_score = static_cast<float>(number(score[i], "\"root_score\"" + at, where,
                                             -2.0 * go::kMaxKomi - pass, 2.0 * go::kMaxKomi + pass));
    if (!policy[i].is_array()) bad(where, "\"policy\"" + at + " must be an array");
    int last = -1;
    for (const nlohmann::json& entry : policy[i]) {
      if (!entry.is_array() || entry.size() != 2)
        bad(where, "\"policy\"" + at + " entries must be [move, visits]");
      const int move = static_cast<int>(integer(entry[0], "a \"policy\" move" + at, where, 0, pass));
      if (move <= last) bad(where, "\"policy\"" + at + " must be sorted by move, each move once");
      last = move;
      m.policy.emplace_back(move, integer(entry[1], "a \"policy\" count" + at, where, 1, int64_t{1} << 40));
    }
    if (!m.searched && !m.policy.empty())
      bad(where, "move " + std::to_string(i) + " has a policy but no search");
  }

  const nlohmann::json& end = field(j, "end", where);
  const std::string end_name = end.is_string() ? end.get<std::string>() : "";
  if (end_name == "two_passes") g.end = GameEnd::kTwoPasses;
  else if (end_name == "resignation") g.end = GameEnd::kResignation;
  else if (end_name == "move_cap") g.end = GameEnd::kMoveCap;
  else bad(where, "\"end\" must be \"two_passes\", \"resignation\" or \"move_cap\"");
  const nlohmann::json& winner = field(j, "winner", where);
  const std::string w = winner.is_string() ? winner.get<std::string>() : "";
  if (w == "B") g.winner = go::Color::kBlack;
  else if (w == "W") g.winner = go::Color::kWhite;
  else if (w == "0") g.winner = go::Color::kEmpty;
  else bad(where, "\"winner\" must be \"B\", \"W\" or \"0\"");
  const nlohmann::json& s = field(j, "score", where);
  if (!s.is_null())
    g.score = number(s, "\"score\"", where, -2.0 * go::kMaxKomi - pass, 2.0 * go::kMaxKomi + pass);
  if (g.end == GameEnd::kTwoPasses && !g.score) bad(where, "a game ended by two passes needs a \"score\"");
  const nlohmann::json& resign = field(j, "resign_allowed", where);
  if (!resign.is_boolean()) bad(where, "\"resign_allowed\" must be true or false");
  g.resign_allowed = resign.get<bool>();
  const nlohmann::json& own = field(j, "ownership", where);
  if (!own.is_array()) bad(where, "\"ownership\" must be an array");
  if (!own.empty() && own.size() != static_cast<size_t>(pass))
    bad(where, "\"ownership\" has " + std::to_string(own.size()) + " entries, expected 0 or " +
                   std::to_string(pass));
  for (const nlohmann::json& o : own)
    g.ownership.push_back(static_cast<int8_t>(integer(o, "an \"ownership\" entry", where, -1, 1)));
  return g;
}

std::vector<int8_t> replay_selfplay_game(const SelfPlayGame& game, const std::string& where) {
  go::Rules rules;
  rules.komi = game.komi;
  go::Board board(game.size, rules);
  for (size_t i = 0; i < game.moves.size(); ++i) {
    const go::Color color = game.color_at(i);
    for (const auto& [index, visits] : game.moves[i].policy) {
      const go::Move m =
          index == game.pass_index() ? go::Move::pass() : go::Move::at(index % game.size, index / game.size);
      if (!board.is_legal(color, m))
        bad(where, "the policy of move " + std::to_string(i) + " names an illegal move");
    }
    const go::MoveLegality legality = board.play(color, game.move_at(i));
    if (legality != go::MoveLegality::kLegal)
      bad(where, "move " + std::to_string(i) + " is illegal (" + go::to_string(legality) + ")");
  }
  std::vector<int8_t> owners;
  for (go::Color c : go::area_owners(board.position()))
    owners.push_back(c == go::Color::kBlack ? 1 : c == go::Color::kWhite ? -1 : 0);
  return owners;
}

}  // namespace traceplay::selfplay
