// OUT/elo.jsonl of a self-play run (DESIGN.md, "Self-play", pinned): one line per match
// between two model versions, played by the learner after it publishes a version:
//   kind "best":  the gate, the new version against the current best (promoted when its
//                 score reaches the threshold; the actors then play the new one);
//   kind "first": the new version against v0000, the untrained net (an absolute curve).
// Each line also holds the version's rating in the Elo table of all versions fitted on
// every match so far (play/elo_table.h, anchored at v0000 = 0), so the file read top to
// bottom is the Elo curve as the run saw it.
//
// A line, keys in this order:
//   {"version": v, "opponent": o, "kind": "best"|"first", "games": n, "wins": w,
//    "draws": d, "losses": l, "score": (w + d/2)/n, "elo_diff": e|null,
//    "elo_diff_ci95": [lo|null, hi|null], "promoted": bool, "best": b, "elo": r,
//    "elo_ci95": [lo, hi]}
// (elo_diff: the match's own Elo of version over opponent, play/elo.h; null where
// unbounded.) Lines are appended whole and flushed; a torn last line (a killed learner)
// is dropped when the file is read again and cut from the file before the next append.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "play/elo_table.h"
#include "play/match.h"

namespace traceplay::selfplay {

struct GateRecord {
  int version = 0;
  int opponent = 0;
  std::string kind = "best";  // "best" | "first"
  int games = 0, wins = 0, draws = 0, losses = 0;
  std::optional<double> elo_diff, elo_diff_lo, elo_diff_hi;
  bool promoted = false;
  int best = 0;                            // the best version after this match
  double elo = 0, elo_lo = 0, elo_hi = 0;  // version's table rating after this match

  double score() const { return games > 0 ? (wins + 0.5 * draws) / games : 0.5; }
};

std::string to_json_line(const GateRecord& r);  // without the newline
// Throws std::invalid_argument naming `where` for a line that is not a record.
GateRecord parse_gate_record(const std::string& line, const std::string& where);

class EloLog {
 public:
  // Reads `path` if it exists (a torn last line is dropped); std::runtime_error for a
  // damaged complete line.
  explicit EloLog(std::string path);

  const std::vector<GateRecord>& records() const { return records_; }
  int best() const { return records_.empty() ? 0 : records_.back().best; }
  // Whether `version` has had its gate (kind "best").
  bool gated(int version) const;

  // Records the match of `version` (A) against `opponent` (B), kind "best" or "first":
  // fills the counts, the match's Elo, best (version when promoted, else the current
  // best) and version's rating in the refitted table; appends the line; returns it.
  GateRecord add(int version, int opponent, const std::string& kind, const play::MatchResult& match,
                 bool promoted);

  // The table of v0000 and every version in a match, ascending by version.
  std::vector<play::RatedPlayer> table() const;
  // The table as text: "version  Elo  95% interval  games", the best marked.
  std::string table_text() const;

 private:
  std::string path_;
  std::vector<GateRecord> records_;
  bool cut_torn_tail_ = false;  // a torn last line is still in the file
  size_t good_bytes_ = 0;       // the complete lines' length
};

}  // namespace traceplay::selfplay
