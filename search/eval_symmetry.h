// Evaluating a query under a board symmetry (games/go/symmetry.h): the query's leaf and
// history positions are transformed by symmetry s, the network evaluates that, and its
// prior and ownership are mapped back to the original orientation. BatchingEvaluator
// uses these to average a network over the 8 symmetries or to sample one per query
// (SymmetryMode); they are plain functions so that they can be tested alone.
#pragma once

#include <cstdint>
#include <deque>
#include <vector>

#include "games/go/position.h"
#include "search/evaluator.h"

namespace traceplay::search {

enum class SymmetryMode {
  kNone,     // the position as it is
  kSample,   // one symmetry per query, chosen by the query's seed
  kAverage,  // the mean over all 8 symmetries (8 network queries per query)
};

// "none", "sample", "average" and back; parse throws std::invalid_argument otherwise.
const char* symmetry_mode_name(SymmetryMode mode);
SymmetryMode parse_symmetry_mode(const char* name);

// The symmetry (0..7) a kSample query with this seed is evaluated under. Salted, so it is
// not correlated with the seed's other uses (rollouts).
int sampled_symmetry(uint64_t seed);

// The position under symmetry s: stones moved, the simple-ko point moved with them.
go::Position transform_position(const go::Position& position, int s);

// The query under symmetry s: its leaf and history positions transformed into `storage`
// (a deque, so earlier elements keep their addresses as more are added; the returned
// query points into it). Everything else is copied.
EvalQuery transform_query(const EvalQuery& query, int s, std::deque<go::Position>& storage);

// Maps a result computed on the position under symmetry s back to the original
// orientation: prior[p] = prior'[s(p)] (pass stays last), the same for ownership; value
// and score do not change. Throws std::runtime_error if the prior does not have
// size*size+1 entries or a non-empty ownership size*size.
void map_result_back(int s, int size, EvalResult& result);

// The mean of results of one position (value, prior, and score and ownership where every
// result has them). results must not be empty.
EvalResult average_results(const std::vector<EvalResult>& results);

}  // namespace traceplay::search
