// Training sequences and their batches (torch-free, so it is cheap to test).
//
// A dataset record becomes an encoder input `bos prompt eos` and a decoder sequence
// `bos trace plan eos` (search-augmented) or `bos plan eos` (solution-only), as the
// Searchformer reference trains them. Batches are cut by a token budget from
// length-sorted pools, so sequences of similar length share a batch and little compute
// goes to padding.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/dataset.h"

namespace traceplay::models {

class TraceDropper;  // models/trace_drop.h

enum class TrainMode { kSearchAugmented, kSolutionOnly };
const char* train_mode_name(TrainMode mode);  // "search-augmented", "solution-only"
// Throws UserError naming `what` for another name.
TrainMode parse_train_mode(std::string_view name, const std::string& what);

struct Sequence {
  uint64_t id = 0;
  std::vector<int32_t> encoder;  // bos prompt eos
  std::vector<int32_t> decoder;  // bos [trace] plan eos
  int32_t plan_start = 1;        // index in `decoder` of the first plan token (1 when solution-only)
};

struct SequenceSet {
  std::vector<Sequence> items;  // in dataset order
  size_t max_encoder = 0, max_decoder = 0;
};

// The sequences of `split` in dataset order; `limit` > 0 keeps only the first `limit`;
// `max_decoder` > 0 drops sequences whose decoder is longer (counted in `dropped`).
SequenceSet load_sequences(const DatasetReader& reader, Split split, TrainMode mode, size_t limit = 0,
                           size_t max_decoder = 0, size_t* dropped = nullptr);

// One micro-batch: indices into a SequenceSet and its padded sizes. With trace dropping,
// the batch also holds each row's decoder as dropped for this epoch (the encoder is the
// set's); decoder() / plan_start() read the right one either way.
struct MicroBatch {
  std::vector<uint32_t> rows;
  std::vector<std::vector<int32_t>> dropped_decoders;  // empty without trace dropping
  std::vector<int32_t> dropped_plan_starts;
  size_t encoder_len = 0, decoder_len = 0;  // the longest of its rows
  size_t padded_decoder_tokens() const { return rows.size() * decoder_len; }

  const std::vector<int32_t>& decoder(const SequenceSet& set, size_t k) const {
    return dropped_decoders.empty() ? set.items[rows[k]].decoder : dropped_decoders[k];
  }
  int32_t plan_start(const SequenceSet& set, size_t k) const {
    return dropped_plan_starts.empty() ? set.items[rows[k]].plan_start : dropped_plan_starts[k];
  }
};

// The endless, deterministic stream of micro-batches over a SequenceSet: epoch e shuffles
// the sequences with Rng::stream(seed, e), cuts the shuffled order into pools of about
// `pool_batches` batches' worth of decoder tokens, sorts each pool by decoder length,
// cuts batches whose padded decoder tokens (rows x longest) stay within `batch_tokens`
// (a sequence longer than the budget gets a batch of its own), and shuffles the batch
// order of the whole epoch. Micro-batch i is a pure function of (set, batch_tokens,
// seed, pool_batches, i): a resumed run needs only the index, and every rank of a
// data-parallel run knows every other rank's batches (so losses normalise exactly).
// Only the two most recent epochs are kept in memory; the batch count of every epoch
// built so far is remembered, so the stream can locate any index.
//
// With a TraceDropper (Dualformer's trace dropping), epoch e first drops the trace of
// every sequence j with trace_drop_rng(seed, e, j) -- a fresh level per sequence and
// epoch -- and then cuts batches by the dropped lengths, so padding stays small; micro-
// batch i is then a pure function of (set, batch_tokens, seed, pool_batches, the
// dropper's spec, i). The shuffle does not depend on the dropping. Without a dropper (or
// with all probabilities 0) the stream is exactly the one without dropping.
class BatchStream {
 public:
  static constexpr size_t kDefaultPoolBatches = 64;

  BatchStream(const SequenceSet& set, size_t batch_tokens, uint64_t seed,
              size_t pool_batches = kDefaultPoolBatches, const TraceDropper* dropper = nullptr);

  // Micro-batch i of the stream (builds the epochs it needs). The reference stays valid
  // until the next call.
  const MicroBatch& at(uint64_t i);
  // Number of micro-batches in epoch e.
  size_t epoch_size(uint64_t epoch);
  // The epoch that micro-batch i belongs to.
  uint64_t epoch_of(uint64_t i);

 private:
  std::vector<MicroBatch> make_epoch(uint64_t epoch) const;
  const std::vector<MicroBatch>& epoch_batches(uint64_t epoch);
  void extend_sizes(uint64_t epoch);  // epoch_start_ covers epochs 0..epoch

  const SequenceSet& set_;
  size_t batch_tokens_;
  uint64_t seed_;
  size_t pool_batches_;
  const TraceDropper* dropper_;        // null: no trace dropping
  std::vector<uint64_t> epoch_start_;  // first stream index of epochs 0..n (n + 1 entries)
  struct Cached {
    uint64_t epoch = UINT64_MAX;
    std::vector<MicroBatch> batches;
  };
  Cached cache_[2];  // the two most recently used epochs
  int next_slot_ = 0;
};

// Optimizer step s of a run with `world_size` ranks and `accumulate` micro-batches per
// rank and step uses the stream's micro-batches [s W A, (s + 1) W A); rank r takes those
// whose offset within the step is congruent to r mod W. One process with A = 2 therefore
// sees exactly what two processes with A = 1 see together.
std::vector<uint64_t> step_micro_batches(uint64_t step, int world_size, int rank, int accumulate);
// All micro-batch indices of step s (every rank's), for the exact global normaliser.
std::vector<uint64_t> step_all_micro_batches(uint64_t step, int world_size, int accumulate);

}  // namespace traceplay::models
