// A layout's records ready for the dataset writer, and where the writer gets them from.
// The writer (core/dataset_builder.h) consumes layouts strictly in order of k; a
// LayoutProducer makes them: worker threads in this process (the default) or actor
// processes over the network (distributed/gen_learner.h). Layout k depends only on
// (seed, k), so every producer gives the writer the same bytes.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/trace_source.h"

namespace traceplay {

// One record, serialized by whoever made it (so the writing thread only dedups, splits
// and compresses).
struct PreparedRecord {
  uint64_t id = 0, layout = 0;
  std::string line;  // append_record_json output, no newline
  uint64_t prompt_length = 0, trace_length = 0, plan_length = 0;

  bool operator==(const PreparedRecord& o) const {
    return id == o.id && layout == o.layout && line == o.line && prompt_length == o.prompt_length &&
           trace_length == o.trace_length && plan_length == o.plan_length;
  }
};
using PreparedLayout = std::vector<PreparedRecord>;

// The records of layout k, serialized.
PreparedLayout prepare_layout(LayoutWorker& worker, uint64_t seed, uint64_t k);

// A layout as bytes, to send or to store: per record id, layout, the three lengths (u64
// little-endian each), the line's size (u32) and the line. decode_layout throws
// UserError on bytes that are not one (short, a size past the end, trailing bytes).
std::string encode_layout(const PreparedLayout& layout);
PreparedLayout decode_layout(std::string_view bytes);

class LayoutProducer {
 public:
  virtual ~LayoutProducer() = default;
  // The records of layout k; k is the next layout not taken yet. After a stop request
  // (core/signals.h) it may return early with anything: the caller discards it.
  virtual PreparedLayout take(uint64_t k) = 0;
  // The dataset is durable up to layout `next_layout` (its state file says so): what
  // the producer kept for earlier layouts may go.
  virtual void committed(uint64_t /*next_layout*/) {}
  // The build needs no more layouts (it is complete, or gave up): not called when it was
  // interrupted, so remote workers may wait for the build's resumption instead.
  virtual void finished() {}
};

// Where a build's layouts come from: layouts first..limit-1 of `source`.
struct LayoutRange {
  uint64_t seed = 0, first = 0, limit = 0;
  int threads = 1;
};
using LayoutProducerFactory =
    std::function<std::unique_ptr<LayoutProducer>(const TraceSource&, const LayoutRange&)>;

// The default: `threads` worker threads in this process, at most 2 * threads + 2
// layouts ahead of the writer.
std::unique_ptr<LayoutProducer> make_thread_producer(const TraceSource& source, const LayoutRange& range);

}  // namespace traceplay
