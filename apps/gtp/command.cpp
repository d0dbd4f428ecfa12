#include "apps/gtp/command.h"

namespace traceplay::gtp {

namespace {

std::vector<std::string> split_words(std::string_view line) {
  std::vector<std::string> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && line[i] == ' ') ++i;
    size_t j = i;
    while (j < line.size() && line[j] != ' ') ++j;
    if (j > i) words.emplace_back(line.substr(i, j - i));
    i = j;
  }
  return words;
}

bool all_digits(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

Command parse_command(std::string_view line) {
  std::vector<std::string> words = split_words(line);
  Command command;
  size_t next = 0;
  if (next < words.size() && all_digits(words[next])) command.id = words[next++];
  if (next < words.size()) command.name = words[next++];
  command.args.assign(words.begin() + static_cast<std::ptrdiff_t>(next), words.end());
  return command;
}

}  // namespace traceplay::gtp
