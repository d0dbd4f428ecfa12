#include "search/prompt_reader.h"

namespace traceplay::search {

UserError PromptReader::error(size_t i, const std::string& why) const {
  return UserError(what_ + " token " + std::to_string(i) + ": " + why);
}

const std::string& PromptReader::token(size_t i) const {
  if (i >= prompt_.size()) throw error(i, "expected a token, got the end of the prompt");
  return prompt_[i];
}

void PromptReader::expect(size_t i, const char* expected) const {
  if (i >= prompt_.size())
    throw error(i, std::string("expected \"") + expected + "\", got the end of the prompt");
  if (prompt_[i] != expected)
    throw error(i, std::string("expected \"") + expected + "\", got \"" + prompt_[i] + "\"");
}

int PromptReader::coordinate(size_t i, int bound) const {
  if (i >= prompt_.size()) throw error(i, "expected a coordinate, got the end of the prompt");
  const std::string& t = prompt_[i];
  // At most 4 digits: no grid here is wider than 9999, and std::stoi cannot overflow.
  if (t.empty() || t.size() > 4 || t.find_first_not_of("0123456789") != std::string::npos)
    throw error(i, "expected a coordinate, got \"" + t + "\"");
  const int v = std::stoi(t);
  if (v >= bound)
    throw error(i, "coordinate " + t + " is outside the " + std::to_string(width_) + "x" +
                       std::to_string(height_) + " grid");
  return v;
}

Pos PromptReader::position(size_t i) const { return Pos{coordinate(i, width_), coordinate(i + 1, height_)}; }

}  // namespace traceplay::search
