// The rule options of a Go game, as a plain value (GTP's komi, SGF's KM/RU, a config).
#pragma once

namespace traceplay::go {

enum class Superko {
  kNone,         // simple ko only
  kPositional,   // no move may recreate an earlier board position (the default)
  kSituational,  // no move may recreate an earlier position with the same side to move
};

// Komi is accepted in [-kMaxKomi, kMaxKomi] wherever it comes from (--komi, GTP's komi,
// SGF's KM): any real game's fits with room to spare, while a value such as 1e308 would
// only make every score, and so the search's every value, meaningless.
constexpr double kMaxKomi = 1000;

inline bool is_valid_komi(double komi) { return komi >= -kMaxKomi && komi <= kMaxKomi; }

struct Rules {
  double komi = 7.5;
  bool allow_suicide = false;  // when allowed, a suicide removes the suicided chain
  Superko superko = Superko::kPositional;
};

// Why a move is (not) legal; GTP answers `? illegal move` for anything but kLegal.
enum class MoveLegality { kLegal, kOffBoard, kOccupied, kSuicide, kKo, kSuperko };

inline const char* to_string(MoveLegality m) {
  switch (m) {
    case MoveLegality::kLegal:
      return "legal";
    case MoveLegality::kOffBoard:
      return "off board";
    case MoveLegality::kOccupied:
      return "occupied";
    case MoveLegality::kSuicide:
      return "suicide";
    case MoveLegality::kKo:
      return "ko";
    case MoveLegality::kSuperko:
      return "superko";
  }
  return "?";
}

}  // namespace traceplay::go
