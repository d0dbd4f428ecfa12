// What a batched network must provide to be served by BatchingEvaluator
// (search/batching_evaluator.h): run one batch of queries, say how large a batch may be
// and how many past positions a query must carry. The torch network (models/) implements
// it; search/ stays free of torch. Queuing, the deadline, the cache and the symmetries are
// the evaluator's business, not the backend's.
#pragma once

#include <string>
#include <vector>

#include "search/evaluator.h"

namespace traceplay::search {

class BatchBackend {
 public:
  virtual ~BatchBackend() = default;
  // Evaluates one batch: resizes results to queries.size() and fills results[i] for
  // queries[i] as Evaluator::evaluate does (prior of size*size+1 entries, ownership only
  // where asked). Called only by the evaluator's server threads: with one server thread
  // (the default) never concurrently, so a backend may keep reusable buffers (input
  // tensors, pinned memory) without locking; with several it must be thread-safe. An
  // exception fails the batch: it reaches every caller that had a query in it.
  virtual void run(const std::vector<EvalQuery>& queries, std::vector<EvalResult>& results) = 0;
  // The largest batch run() accepts (>= 1).
  virtual int max_batch() const = 0;
  // Past positions a query should carry (Evaluator::history_wanted).
  virtual int history_wanted() const { return 0; }
  virtual std::string name() const = 0;
};

}  // namespace traceplay::search
