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
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n' || line.back() == ' ')) line.remove_suffix(1);
  return line;
}

void add_level(std::vector<CollectionLevel>& out, const std::vector<std::string>& rows, int first_line,
               int level_number, const std::string& name) {
  try {
    out.push_back({Level::from_rows(rows), first_line});
  } catch (const LevelError& e) {
    const int line = e.row() >= 0 ? first_line + e.row() : first_line;
    throw UserError(name + ": level " + std::to_string(level_number) + " (line " + std::to_string(line) +
                    "): " + e.what());
  }
}
}  // namespace

std::vector<CollectionLevel> parse_collection(std::string_view text, const std::string& name) {
  std::vector<CollectionLevel> out;
  std::vector<std::string> rows;
  int first_line = 0, line_number = 0, level_number = 0;
  auto flush = [&] {
    if (rows.empty()) return;
    add_level(out, rows, first_line, ++level_number, name);
    rows.clear();
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
