#include "models/sequence_data.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

#include "core/error.h"
#include "core/rng.h"
#include "core/vocabulary.h"
#include "models/trace_drop.h"

namespace traceplay::models {

const char* train_mode_name(TrainMode mode) {
  return mode == TrainMode::kSolutionOnly ? "solution-only" : "search-augmented";
}

TrainMode parse_train_mode(std::string_view name, const std::string& what) {
  if (name == "search-augmented") return TrainMode::kSearchAugmented;
  if (name == "solution-only") return TrainMode::kSolutionOnly;
  throw UserError(what + ": \"" + std::string(name) +
                  "\" is not a training mode (expected search-augmented or solution-only)");
}

SequenceSet load_sequences(const DatasetReader& reader, Split split, TrainMode mode, size_t limit,
                           size_t max_decoder, size_t* dropped) {
  SequenceSet set;
  size_t skipped = 0;
  const bool with_trace = mode == TrainMode::kSearchAugmented;
  reader.for_each(split, [&](const DatasetRecord& record) {
    const size_t decoder_len = 2 + (with_trace ? record.trace.size() : 0) + record.plan.size();
    if (max_decoder > 0 && decoder_len > max_decoder) {
      ++skipped;
      return true;
    }
    Sequence s;
    s.id = record.id;
    s.encoder.reserve(record.prompt.size() + 2);
    s.encoder.push_back(Vocabulary::kBos);
    s.encoder.insert(s.encoder.end(), record.prompt.begin(), record.prompt.end());
    s.encoder.push_back(Vocabulary::kEos);
    s.decoder.reserve(decoder_len);
    s.decoder.push_back(Vocabulary::kBos);
    if (with_trace) s.decoder.insert(s.decoder.end(), record.trace.begin(), record.trace.end());
    s.plan_start = static_cast<int32_t>(s.decoder.size());
    s.decoder.insert(s.decoder.end(), record.plan.begin(), record.plan.end());
    s.decoder.push_back(Vocabulary::kEos);
    set.max_encoder = std::max(set.max_encoder, s.encoder.size());
    set.max_decoder = std::max(set.max_decoder, s.decoder.size());
    set.items.push_back(std::move(s));
    return limit == 0 || set.items.size() < limit;
  });
  if (dropped) *dropped = skipped;
  return set;
}

BatchStream::BatchStream(const SequenceSet& set, size_t batch_tokens, uint64_t seed, size_t pool_batches,
                         const TraceDropper* dropper)
    : set_(set),
      batch_tokens_(batch_tokens),
      seed_(seed),
      pool_batches_(std::max<size_t>(1, pool_batches)),
      dropper_(dropper && dropper->spec().any() ? dropper : nullptr) {
  // An empty set would make an endless stream of empty epochs.
  if (set.items.empty()) throw std::invalid_argument("BatchStream: no sequences");
  if (batch_tokens == 0) throw std::invalid_argument("BatchStream: batch_tokens must be positive");
  epoch_start_.push_back(0);
}

std::vector<MicroBatch> BatchStream::make_epoch(uint64_t epoch) const {
  const auto& items = set_.items;
  std::vector<uint32_t> order(items.size());
  std::iota(order.begin(), order.end(), 0u);
  Rng rng = Rng::stream(seed_, epoch);
  rng.shuffle(order);

  // This epoch's dropped decoders, by sequence index (moved into the batches below).
  std::vector<std::vector<int32_t>> dropped;
  std::vector<int32_t> dropped_plan_start;
  if (dropper_) {
    dropped.resize(items.size());
    dropped_plan_start.resize(items.size());
    for (size_t j = 0; j < items.size(); ++j) {
      Rng drop_rng = trace_drop_rng(seed_, epoch, j);
      dropped_plan_start[j] =
          dropper_->drop_decoder(items[j].decoder, items[j].plan_start, drop_rng, dropped[j]);
    }
  }
  auto length = [&](uint32_t i) { return dropper_ ? dropped[i].size() : items[i].decoder.size(); };
  std::vector<MicroBatch> batches;
  const size_t pool_tokens = pool_batches_ * batch_tokens_;
  size_t begin = 0;
  while (begin < order.size()) {
    // A pool: consecutive shuffled sequences worth about pool_batches full batches.
    size_t end = begin, tokens = 0;
    while (end < order.size() && (end == begin || tokens + length(order[end]) <= pool_tokens))
      tokens += length(order[end++]);
    // Sorting by length (ties by index, so the order is total) groups similar lengths.
    std::sort(order.begin() + begin, order.begin() + end,
              [&](uint32_t a, uint32_t b) { return length(a) != length(b) ? length(a) < length(b) : a < b; });
    MicroBatch batch;
    for (size_t k = begin; k < end; ++k) {
      const uint32_t i = order[k];
      const size_t len = length(i);  // before a dropped decoder moves into the batch
      const size_t longest = std::max(batch.decoder_len, len);
      if (!batch.rows.empty() && (batch.rows.size() + 1) * longest > batch_tokens_) {
        batches.push_back(std::move(batch));
        batch = MicroBatch();
      }
      batch.rows.push_back(i);
      if (dropper_) {
        batch.dropped_decoders.push_back(std::move(dropped[i]));
        batch.dropped_plan_starts.push_back(dropped_plan_start[i]);
      }
      batch.decoder_len = std::max(batch.decoder_len, len);
      batch.encoder_len = std::max(batch.encoder_len, items[i].encoder.size());
    }
    if (!batch.rows.empty()) batches.push_back(std::move(batch));
    begin = end;
  }
  // The batch order is shuffled so that an epoch does not run from short to long in
  // waves; the same stream keeps going, so this too is fixed by (seed, epoch).
  rng.shuffle(batches);
  return batches;
}

const std::vector<MicroBatch>& BatchStream::epoch_batches(uint64_t epoch) {
  for (auto& c : cache_)
    if (c.epoch == epoch) return c.batches;
  Cached& slot = cache_[next_slot_];
  next_slot_ ^= 1;
  slot.batches = make_epoch(epoch);
  slot.epoch = epoch;
  return slot.batches;
}

void BatchStream::extend_sizes(uint64_t epoch) {
  while (epoch_start_.size() < epoch + 2) {
    const uint64_t e = epoch_start_.size() - 1;
    epoch_start_.push_back(epoch_start_.back() + epoch_batches(e).size());
  }
}

size_t BatchStream::epoch_size(uint64_t epoch) {
  extend_sizes(epoch);
  return static_cast<size_t>(epoch_start_[epoch + 1] - epoch_start_[epoch]);
}

uint64_t BatchStream::epoch_of(uint64_t i) {
  while (epoch_start_.back() <= i) extend_sizes(epoch_start_.size() - 1);
  // epoch_start_ is increasing: the epoch is the last start <= i.
  const auto it = std::upper_bound(epoch_start_.begin(), epoch_start_.end(), i);
  return static_cast<uint64_t>(it - epoch_start_.begin()) - 1;
}

const MicroBatch& BatchStream::at(uint64_t i) {
  const uint64_t epoch = epoch_of(i);
  return epoch_batches(epoch)[i - epoch_start_[epoch]];
}

std::vector<uint64_t> step_micro_batches(uint64_t step, int world_size, int rank, int accumulate) {
  const uint64_t per_step = static_cast<uint64_t>(world_size) * static_cast<uint64_t>(accumulate);
  std::vector<uint64_t> out;
  out.reserve(static_cast<size_t>(accumulate));
  for (uint64_t k = static_cast<uint64_t>(rank); k < per_step; k += static_cast<uint64_t>(world_size))
    out.push_back(step * per_step + k);
  return out;
}

std::vector<uint64_t> step_all_micro_batches(uint64_t step, int world_size, int accumulate) {
  const uint64_t per_step = static_cast<uint64_t>(world_size) * static_cast<uint64_t>(accumulate);
  std::vector<uint64_t> out(per_step);
  std::iota(out.begin(), out.end(), step * per_step);
  return out;
}

}  // namespace traceplay::models
