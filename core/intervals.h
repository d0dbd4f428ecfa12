// 95% confidence intervals for the evaluation summaries (DESIGN.md, "Summaries"):
// a figure measured on 100 tasks with one seed moves by +-5-10 points between machines
// and seeds, so every rate is printed with an interval and arms are compared by the
// interval of their difference. Torch-free.
//
// - Rates (k successes of n): the Wilson score interval, which, unlike the normal
//   approximation p +- z sqrt(p(1-p)/n), stays inside [0, 1] and keeps its coverage at
//   0/n and n/n (0 of 10 gives [0, 0.2775], not [0, 0]). It assumes the n trials are
//   independent: true for tasks, optimistic for samples of the same task.
// - Means of per-task values (SWC, ILR): the percentile bootstrap: B resamples of the
//   tasks with replacement, each resample's mean, and the 2.5% / 97.5% quantiles of
//   those B means (linear interpolation between order statistics, as numpy's default).
//   Seeded (core/rng.h), so the same values give the same interval on every machine.
// - Paired differences (two arms on the same tasks): the bootstrap of the per-task
//   differences a_i - b_i, i.e. tasks resampled jointly for both arms, which removes the
//   variation between tasks that both arms share.
#pragma once

#include <cstdint>
#include <vector>

namespace traceplay {

// z of a two-sided 95% normal interval (the 97.5% quantile of N(0, 1)).
constexpr double kZ95 = 1.959964;

struct Interval {
  double lo = 0, hi = 0;
};

// Wilson score interval of k successes in n trials at z, clamped to [0, 1] (exactly 0
// for k = 0 and 1 for k = n). n = 0 gives [0, 1]: nothing is known. Throws
// std::invalid_argument unless 0 <= k <= n.
Interval wilson_interval(int64_t successes, int64_t trials, double z = kZ95);

// Options of the bootstrap over tasks (not to be confused with search-dynamics
// bootstrapping, models/bootstrap.h).
struct ResampleOptions {
  int resamples = 2000;  // B
  uint64_t seed = 1;     // the resamples draw from Rng(seed): a fixed seed, fixed intervals
};

// Percentile bootstrap 95% interval of the mean of `values` (one per task). Constant
// values give a zero-width interval at their mean. Throws std::invalid_argument for no
// values, a non-finite value, or resamples < 1.
Interval bootstrap_mean_interval(const std::vector<double>& values, const ResampleOptions& options = {});

// The same for mean(a) - mean(b) of two arms' values aligned by task (a[i] and b[i]
// belong to the same task): the bootstrap of the differences a[i] - b[i]. Throws
// std::invalid_argument when the sizes differ (and as above).
Interval paired_bootstrap_interval(const std::vector<double>& a, const std::vector<double>& b,
                                   const ResampleOptions& options = {});

}  // namespace traceplay
