#include "apps/gtp/analysis_format.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "apps/gtp/vertex.h"

namespace traceplay::gtp {

namespace {

// avoid/allow COLOR V1,V2,... UNTILDEPTH: a vertex list separated by commas.
bool valid_vertex_list(const std::string& list, int size) {
  size_t start = 0;
  while (start <= list.size()) {
    const size_t comma = std::min(list.find(',', start), list.size());
    if (!parse_vertex(list.substr(start, comma - start), size)) return false;
    start = comma + 1;
  }
  return true;
}

int permille_x10(double v) { return static_cast<int>(std::lround(std::clamp(v, 0.0, 1.0) * 10000)); }

}  // namespace

bool parse_analyze_args(const std::vector<std::string>& args, AnalysisDialect dialect, go::Color to_move,
                        int board_size, AnalyzeArgs& out) {
  out = AnalyzeArgs{};
  out.color = to_move;
  size_t i = 0;
  if (i < args.size()) {
    if (auto c = parse_color(args[i])) {
      out.color = *c;
      ++i;
    }
  }
  if (i < args.size()) {
    if (auto n = parse_int(args[i])) {
      out.interval_cs = *n;
      ++i;
    }
  }
  while (i < args.size()) {
    const std::string& key = args[i];
    if (i + 1 >= args.size()) return false;
    const std::string& value = args[i + 1];
    if (key == "interval" || key == "minmoves" || key == "maxmoves") {
      auto n = parse_int(value);
      if (!n) return false;
      if (key == "interval") out.interval_cs = *n;
      if (key == "maxmoves") out.max_moves = *n;
      i += 2;
    } else if (key == "ownership" && dialect == AnalysisDialect::kKataGo) {
      if (value != "true" && value != "false") return false;
      out.ownership = value == "true";
      i += 2;
    } else if (key == "avoid" || key == "allow") {
      if (i + 3 >= args.size() || !parse_color(value) || !valid_vertex_list(args[i + 2], board_size) ||
          !parse_int(args[i + 3]))
        return false;
      i += 4;
    } else {
      return false;
    }
  }
  return true;
}

std::string format_decimal(double value, int decimals) {
  if (!std::isfinite(value)) value = 0;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  std::string s = buf;
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

std::string format_analysis_line(const search::Analysis& analysis, AnalysisDialect dialect, int board_size,
                                 const AnalyzeArgs& args) {
  std::string line;
  const size_t count =
      args.max_moves > 0 ? std::min<size_t>(args.max_moves, analysis.moves.size()) : analysis.moves.size();
  for (size_t order = 0; order < count; ++order) {
    const search::MoveStats& m = analysis.moves[order];
    if (!line.empty()) line += ' ';
    line += "info move " + format_vertex(m.move, board_size) + " visits " + std::to_string(m.visits);
    if (dialect == AnalysisDialect::kLeelaZero) {
      line += " winrate " + std::to_string(permille_x10(m.winrate)) + " prior " +
              std::to_string(permille_x10(m.prior)) + " lcb " + std::to_string(permille_x10(m.lcb));
    } else {
      line += " winrate " + format_decimal(std::clamp(m.winrate, 0.0, 1.0)) + " scoreMean " +
              format_decimal(m.score_lead, 3) + " scoreLead " + format_decimal(m.score_lead, 3) + " prior " +
              format_decimal(std::clamp(m.prior, 0.0, 1.0)) + " lcb " +
              format_decimal(std::clamp(m.lcb, 0.0, 1.0));
    }
    line += " order " + std::to_string(order) + " pv";
    if (m.pv.empty()) {
      line += " " + format_vertex(m.move, board_size);
    } else {
      for (go::Move pv : m.pv) line += " " + format_vertex(pv, board_size);
    }
  }
  if (line.empty()) return line;
  if (dialect == AnalysisDialect::kKataGo && args.ownership &&
      analysis.ownership.size() == static_cast<size_t>(board_size * board_size)) {
    line += " ownership";
    for (float v : analysis.ownership) line += " " + format_decimal(std::clamp<double>(v, -1.0, 1.0), 4);
  }
  return line;
}

}  // namespace traceplay::gtp
