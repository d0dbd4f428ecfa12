// Reads a prompt's token strings back into positions, for the domains whose prompts are
// `keyword x y` triples (maze: start/goal/wall; Sokoban: worker/box/dock/wall). The
// evaluator parses every held-out prompt this way to rebuild the task it replays a
// model's plan in, so each malformed token gets an error naming its index.
#pragma once

#include <string>
#include <vector>

#include "core/error.h"
#include "games/grid.h"

namespace traceplay::search {

class PromptReader {
 public:
  // `what` names the prompt in errors ("maze prompt", "Sokoban prompt").
  PromptReader(const std::vector<std::string>& prompt, int width, int height, std::string what)
      : prompt_(prompt), width_(width), height_(height), what_(std::move(what)) {}

  size_t size() const { return prompt_.size(); }
  const std::string& token(size_t i) const;  // throws past the end

  // Token i must be exactly `expected`.
  void expect(size_t i, const char* expected) const;
  // Tokens i and i+1 as an (x, y) position inside the grid.
  Pos position(size_t i) const;

  UserError error(size_t i, const std::string& why) const;

 private:
  int coordinate(size_t i, int bound) const;

  const std::vector<std::string>& prompt_;
  int width_, height_;
  std::string what_;
};

}  // namespace traceplay::search
