#include "search/eval_symmetry.h"

#include <cstring>
#include <stdexcept>
#include <string>

#include "core/rng.h"
#include "games/go/symmetry.h"

namespace traceplay::search {

const char* symmetry_mode_name(SymmetryMode mode) {
  switch (mode) {
    case SymmetryMode::kNone:
      return "none";
    case SymmetryMode::kSample:
      return "sample";
    case SymmetryMode::kAverage:
      return "average";
  }
  return "none";
}

SymmetryMode parse_symmetry_mode(const char* name) {
  if (std::strcmp(name, "none") == 0) return SymmetryMode::kNone;
  if (std::strcmp(name, "sample") == 0) return SymmetryMode::kSample;
  if (std::strcmp(name, "average") == 0) return SymmetryMode::kAverage;
  throw std::invalid_argument(std::string("unknown symmetry mode '") + name + "' (none | sample | average)");
}

int sampled_symmetry(uint64_t seed) {
  Rng rng(seed ^ 0x73796d6d65747279ULL);  // "symmetry"
  return static_cast<int>(rng.below(go::kNumSymmetries));
}

go::Position transform_position(const go::Position& position, int s) {
  const int n = position.size();
  const std::vector<go::Color> stones = position.stones();
  const std::vector<int> map = go::symmetry_map(s, n);
  std::vector<go::Color> moved(stones.size(), go::Color::kEmpty);
  for (size_t p = 0; p < stones.size(); ++p) moved[static_cast<size_t>(map[p])] = stones[p];
  go::Position out(n);
  // A symmetry keeps every chain's liberties, so this cannot fail for a real position.
  if (!out.set_stones(moved)) throw std::logic_error("transform_position: a chain lost its liberties");
  if (position.ko_point() != go::Position::kNoPoint) {
    const go::Move ko = go::apply_symmetry(s, position.move_of(position.ko_point()), n);
    out.set_ko(out.point(ko), position.ko_color());
  }
  return out;
}

EvalQuery transform_query(const EvalQuery& query, int s, std::deque<go::Position>& storage) {
  EvalQuery out = query;
  storage.push_back(transform_position(*query.position, s));
  out.position = &storage.back();
  for (size_t k = 0; k < query.history.size(); ++k) {
    storage.push_back(transform_position(*query.history[k], s));
    out.history[k] = &storage.back();
  }
  return out;
}

void map_result_back(int s, int size, EvalResult& result) {
  const size_t area = static_cast<size_t>(size * size);
  if (result.prior.size() != area + 1)
    throw std::runtime_error("a network result has a prior of " + std::to_string(result.prior.size()) +
                             " entries for a " + std::to_string(size) + "x" + std::to_string(size) +
                             " board (want " + std::to_string(area + 1) + ")");
  if (!result.ownership.empty() && result.ownership.size() != area)
    throw std::runtime_error("a network result has an ownership of " +
                             std::to_string(result.ownership.size()) + " entries for a " +
                             std::to_string(size) + "x" + std::to_string(size) + " board");
  if (s == 0) return;
  const std::vector<int> map = go::symmetry_map(s, size);
  auto pull_back = [&](std::vector<float>& v) {
    std::vector<float> original(v.size());
    for (size_t p = 0; p < area; ++p) original[p] = v[static_cast<size_t>(map[p])];
    if (v.size() > area) original[area] = v[area];  // pass
    v.swap(original);
  };
  pull_back(result.prior);
  if (!result.ownership.empty()) pull_back(result.ownership);
}

EvalResult average_results(const std::vector<EvalResult>& results) {
  if (results.empty()) throw std::invalid_argument("average_results: no results");
  EvalResult mean = results[0];
  bool has_score = mean.has_score, has_ownership = !mean.ownership.empty();
  double value = mean.value, score = mean.score;
  std::vector<double> prior(mean.prior.begin(), mean.prior.end());
  std::vector<double> ownership(mean.ownership.begin(), mean.ownership.end());
  for (size_t k = 1; k < results.size(); ++k) {
    const EvalResult& r = results[k];
    if (r.prior.size() != prior.size())
      throw std::runtime_error("average_results: priors of different sizes");
    value += r.value;
    has_score = has_score && r.has_score;
    score += r.score;
    for (size_t i = 0; i < prior.size(); ++i) prior[i] += r.prior[i];
    if (r.ownership.size() != ownership.size()) has_ownership = false;
    if (has_ownership)
      for (size_t i = 0; i < ownership.size(); ++i) ownership[i] += r.ownership[i];
  }
  const double n = static_cast<double>(results.size());
  mean.value = static_cast<float>(value / n);
  mean.has_score = has_score;
  mean.score = has_score ? static_cast<float>(score / n) : 0.0f;
  for (size_t i = 0; i < prior.size(); ++i) mean.prior[i] = static_cast<float>(prior[i] / n);
  if (has_ownership) {
    for (size_t i = 0; i < ownership.size(); ++i) mean.ownership[i] = static_cast<float>(ownership[i] / n);
  } else {
    mean.ownership.clear();
  }
  return mean;
}

}  // namespace traceplay::search
