#include "games/sokoban/collection.h"

#include "core/input_file.h"
#include "core/error.h"

namespace traceplay::sokoban {

bool is_level_row(std::string_view line) {
  if (line.empty() || line[0] == ';') return false;
  for (char c : line) {
    if (c == ' ' || c == '-' || c == '_') continue;
    return c == '#';
  }
  return false;  // only floor: a blank separator
}

namespace {
std::string_view strip_line_end(std::string_view line) {
  // Trailing spaces would only widen the grid with floor outside the walls.
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n' || line.back() == ' '))
    line.remove_suffix(1);
  return line;
}

UserError level_error(const std::string& name, int level_number, int line, const std::string& what) {
  return UserError(name + ": level " + std::to_string(level_number) + " (line " + std::to_string(line) +
                   "): " + what);
}

void add_level(std::vector<CollectionLevel>& out, const std::vector<std::string>& rows, int first_line,
               int level_number, const std::string& name) {
  try {
    out.push_back({Level::from_rows(rows), first_line});
  } catch (const LevelError& e) {
    throw level_error(name, level_number, e.row() >= 0 ? first_line + e.row() : first_line, e.what());
  }
}
}  // namespace

std::vector<CollectionLevel> parse_collection(std::string_view text, const std::string& name) {
  std::vector<CollectionLevel> out;
  std::vector<std::string> rows;
  int first_line = 0, line_number = 0, level_number = 0;
  uint64_t cells = 0;
  auto flush = [&] {
    if (rows.empty()) return;
    add_level(out, rows, first_line, ++level_number, name);
    rows.clear();
    cells += static_cast<uint64_t>(out.back().level.num_cells());
    if (cells > kMaxCollectionCells)
      throw level_error(name, level_number, first_line,
                        "the levels so far hold more than the limit of " +
                            std::to_string(kMaxCollectionCells) + " cells in one file");
  };
  size_t begin = 0;
  while (begin < text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = strip_line_end(text.substr(begin, end - begin));
    begin = end + 1;
    ++line_number;
    if (is_level_row(line)) {
      if (rows.empty()) first_line = line_number;
      // Checked row by row, so a hostile "level" of a million rows is not kept first.
      if (line.size() > static_cast<size_t>(kMaxLevelColumns))
        throw level_error(name, level_number + 1, line_number,
                          "a row of " + std::to_string(line.size()) + " columns (the limit is " +
                              std::to_string(kMaxLevelColumns) + ")");
      if (rows.size() >= static_cast<size_t>(kMaxLevelRows))
        throw level_error(name, level_number + 1, line_number,
                          "more than the limit of " + std::to_string(kMaxLevelRows) + " rows");
      rows.emplace_back(line);
    } else {
      flush();
    }
  }
  flush();
  if (out.empty()) throw UserError(name + ": no Sokoban level in the file");
  return out;
}

std::vector<CollectionLevel> load_collection(const std::string& path) {
  return parse_collection(read_input_file(path), path);
}

}  // namespace traceplay::sokoban
