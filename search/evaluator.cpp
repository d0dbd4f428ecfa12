#include "search/evaluator.h"

#include <stdexcept>

#include "core/rng.h"
#include "games/go/playout.h"
#include "games/go/scoring.h"

namespace traceplay::search {

namespace {

void fill_uniform_prior(int size, std::vector<float>& prior) {
  const size_t n = static_cast<size_t>(size * size + 1);
  prior.assign(n, 1.0f / static_cast<float>(n));
}

}  // namespace

void UniformEvaluator::evaluate(const std::vector<EvalQuery>& queries,
                                std::vector<EvalResult>& results) const {
  results.resize(queries.size());
  for (size_t i = 0; i < queries.size(); ++i) {
    EvalResult& r = results[i];
    r.value = 0;
    r.has_score = false;
    r.score = 0;
    r.ownership.clear();
    fill_uniform_prior(queries[i].position->size(), r.prior);
  }
}

RolloutEvaluator::RolloutEvaluator(int playouts) : playouts_(playouts) {
  if (playouts < 1) throw std::invalid_argument("RolloutEvaluator: playouts must be >= 1");
}

void RolloutEvaluator::evaluate(const std::vector<EvalQuery>& queries,
                                std::vector<EvalResult>& results) const {
  results.resize(queries.size());
  for (size_t i = 0; i < queries.size(); ++i) {
    const EvalQuery& q = queries[i];
    EvalResult& r = results[i];
    const int size = q.position->size();
    const double sign = q.to_move == go::Color::kBlack ? 1.0 : -1.0;  // Black's lead -> the mover's
    Rng rng(q.seed);
    double value = 0, score = 0;
    std::vector<float> own;
    if (q.want_ownership) own.assign(static_cast<size_t>(size * size), 0.0f);
    go::Position pos(size);
    for (int k = 0; k < playouts_; ++k) {
      pos = *q.position;
      const double s = sign * go::run_playout(pos, q.to_move, rng).score(q.komi);
      value += s > 0 ? 1.0 : s < 0 ? -1.0 : 0.0;
      score += s;
      if (q.want_ownership) {
        const std::vector<go::Color> owners = go::area_owners(pos);
        for (size_t j = 0; j < owners.size(); ++j)
          own[j] += owners[j] == q.to_move ? 1.0f : owners[j] == go::Color::kEmpty ? 0.0f : -1.0f;
      }
    }
    r.value = static_cast<float>(value / playouts_);
    r.has_score = true;
    r.score = static_cast<float>(score / playouts_);
    for (float& o : own) o /= static_cast<float>(playouts_);
    r.ownership = std::move(own);
    fill_uniform_prior(size, r.prior);
  }
}

}  // namespace traceplay::search
