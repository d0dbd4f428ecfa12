#include "search/dataset_domains.h"

#include <algorithm>

#include "core/dataset.h"
#include "core/error.h"
#include "search/go_tactics_prompt.h"
#include "search/maze_trace.h"
#include "search/sokoban_trace.h"

namespace traceplay::search {

namespace {

// params.KEY, an integer in lo..hi.
int param(const Manifest& m, const char* key, int lo, int hi, const std::string& where) {
  const auto it = m.params.find(key);
  if (it == m.params.end() || !it->is_number_integer() || it->get<int64_t>() < lo || it->get<int64_t>() > hi)
    throw UserError(where + ": \"params\".\"" + key + "\" must be an integer in " + std::to_string(lo) +
                    ".." + std::to_string(hi) + " for a " + m.domain + " dataset");
  return static_cast<int>(it->get<int64_t>());
}

bool is_number_token(const std::string& token) {
  return !token.empty() &&
         std::all_of(token.begin(), token.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

DomainVocabulary maze_manifest_vocabulary(const Manifest& m, const std::string& where) {
  const int width = param(m, "width", 2, 100, where);
  const int height = param(m, "height", 2, 100, where);
  return {"the maze " + std::to_string(width) + "x" + std::to_string(height) + " vocabulary",
          maze_vocabulary(width, height).tokens()};
}

DomainVocabulary sokoban_manifest_vocabulary(const Manifest& m, const std::string& where) {
  const int cost_tokens = param(m, "cost_tokens", 1, 1'000'000, where);
  int max_side = 0;
  if (m.params.contains("levels_file")) {
    // Level sides are at most 255 (games/sokoban/level.cpp).
    max_side = static_cast<int>(
        std::min<ptrdiff_t>(255, std::count_if(m.vocabulary.begin(), m.vocabulary.end(), is_number_token)));
  } else {
    max_side = std::max(param(m, "width", 5, 64, where), param(m, "height", 5, 64, where));
  }
  return {"the sokoban vocabulary of side " + std::to_string(max_side) + " and " +
              std::to_string(cost_tokens) + " cost tokens",
          sokoban_vocabulary(max_side, cost_tokens).tokens()};
}

DomainVocabulary go_tactics_manifest_vocabulary(const Manifest& m, const std::string& where) {
  const int size = param(m, "size", kMinTacticsBoardSize, kMaxTacticsBoardSize, where);
  return {"the go-tactics " + std::to_string(size) + "x" + std::to_string(size) + " vocabulary",
          go_tactics_vocabulary(size).tokens()};
}

void register_dataset_domains() {
  register_domain_vocabulary("maze", maze_manifest_vocabulary);
  register_domain_vocabulary("sokoban", sokoban_manifest_vocabulary);
  register_domain_vocabulary("go-tactics", go_tactics_manifest_vocabulary);
}

}  // namespace traceplay::search
