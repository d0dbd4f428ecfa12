// Dualformer's trace dropping (Su et al. 2024, "Dualformer: Controllable Fast and Slow
// Thinking by Learning with Randomized Reasoning Traces"), torch-free: each training
// sequence gets one of five levels, drawn with probabilities (1 - p1 - ... - p4, p1, p2,
// p3, p4), and its A* trace is thinned accordingly:
//
//   level 0  the full trace
//   level 1  every `close` step dropped
//   level 2  level 1, and the cost tokens (c<g> c<h>) of the remaining steps dropped
//   level 3  level 2, and a random 30% of the remaining (`create`) steps dropped: maze,
//            exactly round(0.3 n) of the n create steps (0.3 n rounded half up), a
//            uniformly random subset; Sokoban, each step independently with p = 0.3
//   level 4  the whole trace dropped: the decoder is `bos plan eos`
//
// A step is a `create` or `close` token and every token up to the next one (DESIGN.md,
// "Trace format": maze `create|close x y c<g> c<h>`, Sokoban `create|close worker x y
// box x y ... c<g> c<h>`); cost tokens are the vocabulary's `c<digits>` tokens, which
// no other field uses. Everything works on token ids of the dataset's vocabulary.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/rng.h"
#include "core/vocabulary.h"

namespace traceplay::models {

// The probabilities p1..p4 of drop levels 1..4; the full trace keeps 1 - their sum.
struct DropSpec {
  std::array<double, 4> p{0.0, 0.0, 0.0, 0.0};

  bool any() const { return p[0] > 0 || p[1] > 0 || p[2] > 0 || p[3] > 0; }
  // Throws UserError naming `what` (a flag or a config key) unless every p is a number in
  // [0, 1] and their sum is at most 1.
  void validate(const std::string& what) const;
  // The level (0..4) of a uniform draw u in [0, 1): the first k with u < p1 + ... + pk, 0
  // when there is none.
  int level_for(double u) const;
  // "[p1, p2, p3, p4]", for log lines and messages.
  std::string to_string() const;
};

// A flag's value "p1,p2,p3,p4", or a config's list of numbers: exactly four values, then
// validate(); UserError naming `what` otherwise.
DropSpec parse_drop_spec(std::string_view text, const std::string& what);
DropSpec drop_spec_of(const std::vector<double>& values, const std::string& what);

// One step of a trace: tokens [begin, end), a create or a close step.
struct TraceStep {
  size_t begin = 0, end = 0;
  bool close = false;
};

// The per-sequence random stream of trace dropping: sequence `sequence` of epoch `epoch`
// of a run seeded `seed` (independent of the stream that shuffles the epoch).
Rng trace_drop_rng(uint64_t seed, uint64_t epoch, uint64_t sequence);

class TraceDropper {
 public:
  // Looks up create, close and the cost tokens in a dataset's vocabulary. `domain` picks
  // level 3's rule ("maze" or "sokoban"); UserError for another domain or a vocabulary
  // without create/close. The spec must be valid.
  TraceDropper(const Vocabulary& vocabulary, std::string_view domain, DropSpec spec);

  const DropSpec& spec() const { return spec_; }

  // The steps of a trace (the tokens between bos and plan). Tokens before the first step
  // (an A* trace has none) form a leading step that counts as neither create nor close:
  // levels 1 and 3 keep it, level 2 drops its cost tokens.
  std::vector<TraceStep> steps(const int32_t* trace, size_t n) const;
  // The trace after `level` (0..4); level 3 draws from `rng`, the others do not.
  std::vector<int32_t> apply(const int32_t* trace, size_t n, int level, Rng& rng) const;
  std::vector<int32_t> apply(const std::vector<int32_t>& trace, int level, Rng& rng) const {
    return apply(trace.data(), trace.size(), level, rng);
  }

  // A training decoder `bos trace plan eos` (its plan at `plan_start`) with a level drawn
  // from `rng` (one uniform draw) and applied: writes the new decoder to `out` and returns
  // its plan_start. With spec().any() false it is the decoder unchanged.
  int32_t drop_decoder(const std::vector<int32_t>& decoder, int32_t plan_start, Rng& rng,
                       std::vector<int32_t>& out) const;

 private:
  bool is_cost(int32_t id) const { return id >= 0 && static_cast<size_t>(id) < cost_.size() && cost_[id]; }

  DropSpec spec_;
  int32_t create_ = -1, close_ = -1;
  std::vector<bool> cost_;   // by token id
  bool exact_share_ = true;  // level 3: maze (exact count) or Sokoban (each step, p = 0.3)
};

}  // namespace traceplay::models
