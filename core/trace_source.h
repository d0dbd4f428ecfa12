// Where dataset records come from: one TraceSource per domain and parameter set
// (maze W x H, Sokoban generator, an .xsb collection). The dataset builder
// (core/dataset_builder.h) asks for the records of layout k = 0, 1, 2, ... in order;
// layout k must depend only on (seed, k) -- it draws from Rng::stream(seed, k) -- so
// that workers can make layouts in any order and the dataset stays byte-identical for
// any thread count.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/vocabulary.h"

namespace traceplay {

// One task with its trace, as token ids of the source's vocabulary. `id` and `layout`
// are the pinned XXH64 values (DESIGN.md): of the prompt token strings joined by single
// spaces, and of the layout tokens taken from the prompt in order.
struct DatasetRecord {
  uint64_t id = 0;
  uint64_t layout = 0;
  std::vector<int32_t> prompt, trace, plan;
  nlohmann::json meta = nlohmann::json::object();
};

// Per-thread generator state (search buffers); made by TraceSource::make_worker().
class LayoutWorker {
 public:
  virtual ~LayoutWorker() = default;
  // The records of layout k (possibly none: an unsolvable draw), in a fixed order.
  virtual std::vector<DatasetRecord> generate(uint64_t seed, uint64_t k) = 0;

  // A flag that abandons searches in progress (Ctrl-C on a slow Sokoban level). Once it
  // is set, generate() may return a partial layout: the caller must discard whatever
  // it returns after the flag was set (the dataset builder drops the unfinished chunk).
  void set_stop(const std::atomic<bool>* stop) { stop_ = stop; }

 protected:
  const std::atomic<bool>* stop_ = nullptr;
};

class TraceSource {
 public:
  virtual ~TraceSource() = default;
  virtual std::string domain() const = 0;     // "maze", "sokoban"
  virtual nlohmann::json params() const = 0;  // manifest "params"
  virtual const Vocabulary& vocabulary() const = 0;
  // Number of layouts there are (a level collection), or UINT64_MAX for generators.
  virtual uint64_t num_layouts() const { return UINT64_MAX; }
  virtual std::unique_ptr<LayoutWorker> make_worker() const = 0;
};

}  // namespace traceplay
