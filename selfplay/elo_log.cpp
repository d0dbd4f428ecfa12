#include "selfplay/elo_log.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <utility>

#include <nlohmann/json.hpp>

#include "core/atomic_file.h"

namespace traceplay::selfplay {

namespace {

nlohmann::json optional_number(const std::optional<double>& x) {
  return x && std::isfinite(*x) ? nlohmann::json(std::round(*x * 10) / 10) : nlohmann::json(nullptr);
}

std::optional<double> read_optional(const nlohmann::json& j) {
  if (j.is_null()) return std::nullopt;
  return j.get<double>();
}

double rounded(double x) { return std::round(x * 10) / 10; }

}  // namespace

std::string to_json_line(const GateRecord& r) {
  nlohmann::ordered_json j;
  j["version"] = r.version;
  j["opponent"] = r.opponent;
  j["kind"] = r.kind;
  j["games"] = r.games;
  j["wins"] = r.wins;
  j["draws"] = r.draws;
  j["losses"] = r.losses;
  j["score"] = std::round(r.score() * 10000) / 10000;
  j["elo_diff"] = optional_number(r.elo_diff);
  j["elo_diff_ci95"] = {optional_number(r.elo_diff_lo), optional_number(r.elo_diff_hi)};
  j["promoted"] = r.promoted;
  j["best"] = r.best;
  j["elo"] = rounded(r.elo);
  j["elo_ci95"] = {rounded(r.elo_lo), rounded(r.elo_hi)};
  return j.dump();
}

GateRecord parse_gate_record(const std::string& line, const std::string& where) {
  try {
    const nlohmann::json j = nlohmann::json::parse(line);
    GateRecord r;
    r.version = j.at("version").get<int>();
    r.opponent = j.at("opponent").get<int>();
    r.kind = j.at("kind").get<std::string>();
    r.games = j.at("games").get<int>();
    r.wins = j.at("wins").get<int>();
    r.draws = j.at("draws").get<int>();
    r.losses = j.at("losses").get<int>();
    r.elo_diff = read_optional(j.at("elo_diff"));
    r.elo_diff_lo = read_optional(j.at("elo_diff_ci95").at(0));
    r.elo_diff_hi = read_optional(j.at("elo_diff_ci95").at(1));
    r.promoted = j.at("promoted").get<bool>();
    r.best = j.at("best").get<int>();
    r.elo = j.at("elo").get<double>();
    r.elo_lo = j.at("elo_ci95").at(0).get<double>();
    r.elo_hi = j.at("elo_ci95").at(1).get<double>();
    if (r.kind != "best" && r.kind != "first")
      throw std::invalid_argument("kind must be \"best\" or \"first\"");
    if (r.version < 1 || r.opponent < 0 || r.opponent >= r.version || r.best < 0 || r.best > r.version)
      throw std::invalid_argument("versions out of order");
    if (r.games < 1 || r.wins < 0 || r.draws < 0 || r.losses < 0 || r.wins + r.draws + r.losses != r.games)
      throw std::invalid_argument("wins + draws + losses must be games >= 1");
    return r;
  } catch (const std::exception& e) {
    throw std::invalid_argument(where + ": not an elo.jsonl record (" + e.what() + ")");
  }
}

EloLog::EloLog(std::string path) : path_(std::move(path)) {
  if (!std::filesystem::exists(path_)) return;
  const std::string text = read_file(path_);
  size_t start = 0;
  int number = 0;
  while (start < text.size()) {
    const size_t end = text.find('\n', start);
    if (end == std::string::npos) {  // torn: the writer was killed mid-line
      cut_torn_tail_ = true;
      break;
    }
    ++number;
    try {
      records_.push_back(
          parse_gate_record(text.substr(start, end - start), path_ + " line " + std::to_string(number)));
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(e.what());
    }
    start = end + 1;
    good_bytes_ = start;
  }
}

bool EloLog::gated(int version) const {
  return std::any_of(records_.begin(), records_.end(),
                     [&](const GateRecord& r) { return r.version == version && r.kind == "best"; });
}

std::vector<play::RatedPlayer> EloLog::table() const {
  std::set<int> ids{0};
  std::vector<play::PairResult> pairs;
  for (const GateRecord& r : records_) {
    ids.insert(r.version);
    ids.insert(r.opponent);
    pairs.push_back({r.version, r.opponent, r.wins + 0.5 * r.draws, r.games});
  }
  return play::fit_elo_table(std::vector<int>(ids.begin(), ids.end()), pairs, 0);
}

GateRecord EloLog::add(int version, int opponent, const std::string& kind, const play::MatchResult& match,
                       bool promoted) {
  GateRecord r;
  r.version = version;
  r.opponent = opponent;
  r.kind = kind;
  r.games = static_cast<int>(match.games.size());
  r.wins = match.a_wins;
  r.draws = match.draws;
  r.losses = match.b_wins;
  if (match.elo) {
    r.elo_diff = match.elo->elo;
    r.elo_diff_lo = match.elo->lo;
    r.elo_diff_hi = match.elo->hi;
  }
  r.promoted = kind == "best" && promoted;
  r.best = r.promoted ? version : best();
  if (r.games < 1) throw std::invalid_argument("elo log: a match without games");
  records_.push_back(r);
  try {
    for (const play::RatedPlayer& p : table())
      if (p.id == version) {
        r.elo = p.elo;
        r.elo_lo = p.lo;
        r.elo_hi = p.hi;
      }
  } catch (...) {
    records_.pop_back();
    throw;
  }
  records_.back() = r;
  if (cut_torn_tail_) {
    std::filesystem::resize_file(path_, good_bytes_);
    cut_torn_tail_ = false;
  }
  const std::string line = to_json_line(r) + "\n";
  std::ofstream out(path_, std::ios::app | std::ios::binary);
  out << line;
  out.flush();
  if (!out) throw std::runtime_error(path_ + ": cannot append");
  good_bytes_ += line.size();
  return r;
}

std::string EloLog::table_text() const {
  std::ostringstream out;
  char line[160];
  std::snprintf(line, sizeof line, "%-8s %8s  %-20s %6s\n", "version", "Elo", "95% interval", "games");
  out << line;
  const int current_best = best();
  for (const play::RatedPlayer& p : table()) {
    char interval[48];
    std::snprintf(interval, sizeof interval, "[%+.0f, %+.0f]", p.lo, p.hi);
    std::snprintf(line, sizeof line, "v%04d    %+8.0f  %-20s %6d%s\n", p.id, p.elo, interval, p.games,
                  p.id == current_best ? "  best" : "");
    out << line;
  }
  return out.str();
}

}  // namespace traceplay::selfplay
