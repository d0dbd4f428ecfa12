// The GUI analysis commands' arguments and output lines.
//
// Leela Zero (lz-analyze, lz-genmove_analyze): one line per update holding every
// candidate, `info move D4 visits 120 winrate 5312 prior 821 lcb 5100 order 0 pv D4 Q16`
// with winrate, prior and lcb as integers x 10000.
// KataGo (kata-analyze, kata-genmove_analyze): the same shape with floats in [0, 1] and
// `scoreMean`, `scoreLead`; with `ownership true`, ` ownership v1 .. vN` once after the
// entries (row by row from the top, +1 = the side to move's).
// Values are from the side to move's point of view (search/go_player.h).
#pragma once

#include <string>
#include <vector>

#include "games/go/types.h"
#include "search/go_player.h"

namespace traceplay::gtp {

enum class AnalysisDialect { kLeelaZero, kKataGo };

struct AnalyzeArgs {
  go::Color color = go::Color::kBlack;  // the side whose move is analysed
  int interval_cs = 100;                // between updates, centiseconds; 0: no updates
  int max_moves = 0;                    // candidates per update; 0: all
  bool ownership = false;               // KataGo only
};

// Parses `[color] [interval] [keyword value...]`: keywords interval N, minmoves N,
// maxmoves N, ownership true|false (KataGo), and avoid/allow COLOR VERTICES UNTILDEPTH
// (parsed and checked; the bots here do not restrict their search by them). `to_move`
// is the default colour. Returns false for anything malformed.
bool parse_analyze_args(const std::vector<std::string>& args, AnalysisDialect dialect, go::Color to_move,
                        int board_size, AnalyzeArgs& out);

// One update's line (no newline); empty when the analysis has no candidate yet.
std::string format_analysis_line(const search::Analysis& analysis, AnalysisDialect dialect, int board_size,
                                 const AnalyzeArgs& args);

// A float for KataGo's lines: fixed point, at most 6 decimals, trailing zeros dropped.
std::string format_decimal(double value, int decimals = 6);

}  // namespace traceplay::gtp
