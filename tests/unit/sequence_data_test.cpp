// Training sequences and batches: the decoder layouts of both modes, every sequence once
// per epoch, batches within the token budget, determinism, and the partition of a step's
// micro-batches over ranks.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

#include "core/dataset_builder.h"
#include "core/vocabulary.h"
#include "dataset_test_util.h"
#include "models/sequence_data.h"
#include "models/trace_drop.h"
#include "search/maze_source.h"

namespace traceplay::models {
namespace {

using testing::ScratchDir;

// A small maze dataset, built once for the whole file.
const std::string& maze_dir() {
  static ScratchDir dir;
  static bool built = [] {
    search::MazeSourceParams params;
    params.width = params.height = 5;
    const auto source = search::make_maze_source(params);
    BuildOptions o;
    o.count = 300;
    o.seed = 3;
    o.threads = 1;
    o.progress = false;
    build_dataset(*source, o, dir.path());
    return true;
  }();
  (void)built;
  return dir.path();
}

// A set of sequences with the given decoder lengths (encoder length 3).
SequenceSet synthetic(const std::vector<size_t>& lengths) {
  SequenceSet set;
  for (size_t i = 0; i < lengths.size(); ++i) {
    Sequence s;
    s.id = i;
    s.encoder = {0, 5, 1};
    s.decoder.assign(lengths[i], 7);
    set.max_decoder = std::max(set.max_decoder, lengths[i]);
    set.max_encoder = 3;
    set.items.push_back(std::move(s));
  }
  return set;
}

std::vector<size_t> varied_lengths(size_t n) {
  std::vector<size_t> lengths;
  for (size_t i = 0; i < n; ++i) lengths.push_back(3 + (i * 37) % 61);
  return lengths;
}

TEST(SequenceData, DecoderLayoutsOfBothModes) {
  const DatasetReader reader(maze_dir());
  const auto records = reader.read_all(Split::kTrain);
  const SequenceSet with_trace = load_sequences(reader, Split::kTrain, TrainMode::kSearchAugmented);
  const SequenceSet plan_only = load_sequences(reader, Split::kTrain, TrainMode::kSolutionOnly);
  ASSERT_EQ(with_trace.items.size(), records.size());
  ASSERT_EQ(plan_only.items.size(), records.size());
  const int32_t plan = reader.vocabulary().id("plan");
  size_t longest = 0;
  for (size_t i = 0; i < records.size(); ++i) {
    const auto& r = records[i];
    const Sequence& a = with_trace.items[i];
    const Sequence& b = plan_only.items[i];
    EXPECT_EQ(a.id, r.id);
    std::vector<int32_t> encoder = {Vocabulary::kBos};
    encoder.insert(encoder.end(), r.prompt.begin(), r.prompt.end());
    encoder.push_back(Vocabulary::kEos);
    EXPECT_EQ(a.encoder, encoder);
    EXPECT_EQ(b.encoder, encoder);
    std::vector<int32_t> decoder = {Vocabulary::kBos};
    decoder.insert(decoder.end(), r.trace.begin(), r.trace.end());
    decoder.insert(decoder.end(), r.plan.begin(), r.plan.end());
    decoder.push_back(Vocabulary::kEos);
    EXPECT_EQ(a.decoder, decoder);
    EXPECT_EQ(a.plan_start, static_cast<int32_t>(1 + r.trace.size()));
    EXPECT_EQ(a.decoder[a.plan_start], plan);
    EXPECT_EQ(b.plan_start, 1);
    EXPECT_EQ(b.decoder.size(), r.plan.size() + 2);
    EXPECT_EQ(b.decoder[1], plan);
    longest = std::max(longest, a.decoder.size());
  }
  EXPECT_EQ(with_trace.max_decoder, longest);
}

TEST(SequenceData, LimitAndMaxDecoderDrop) {
  const DatasetReader reader(maze_dir());
  const SequenceSet all = load_sequences(reader, Split::kTrain, TrainMode::kSearchAugmented);
  const SequenceSet first = load_sequences(reader, Split::kTrain, TrainMode::kSearchAugmented, 10);
  ASSERT_EQ(first.items.size(), 10u);
  for (size_t i = 0; i < 10; ++i) EXPECT_EQ(first.items[i].id, all.items[i].id);

  std::vector<size_t> lengths;
  for (const auto& s : all.items) lengths.push_back(s.decoder.size());
  std::sort(lengths.begin(), lengths.end());
  const size_t cap = lengths[lengths.size() / 2];
  size_t dropped = 0;
  const SequenceSet short_ones =
      load_sequences(reader, Split::kTrain, TrainMode::kSearchAugmented, 0, cap, &dropped);
  EXPECT_EQ(short_ones.items.size() + dropped, all.items.size());
  EXPECT_GT(dropped, 0u);
  for (const auto& s : short_ones.items) EXPECT_LE(s.decoder.size(), cap);
}

TEST(SequenceData, EveryEpochHoldsEverySequenceOnceWithinTheBudget) {
  const SequenceSet set = synthetic(varied_lengths(500));
  const size_t budget = 256;
  BatchStream stream(set, budget, 9, 4);
  uint64_t index = 0;
  for (uint64_t epoch = 0; epoch < 3; ++epoch) {
    std::multiset<uint32_t> seen;
    const size_t n = stream.epoch_size(epoch);
    for (size_t k = 0; k < n; ++k, ++index) {
      EXPECT_EQ(stream.epoch_of(index), epoch);
      const MicroBatch& b = stream.at(index);
      ASSERT_FALSE(b.rows.empty());
      size_t longest = 0, longest_encoder = 0;
      for (uint32_t r : b.rows) {
        seen.insert(r);
        longest = std::max(longest, set.items[r].decoder.size());
        longest_encoder = std::max(longest_encoder, set.items[r].encoder.size());
      }
      EXPECT_EQ(b.decoder_len, longest);
      EXPECT_EQ(b.encoder_len, longest_encoder);
      EXPECT_LE(b.padded_decoder_tokens(), budget);
    }
    ASSERT_EQ(seen.size(), set.items.size());
    for (uint32_t i = 0; i < set.items.size(); ++i) EXPECT_EQ(seen.count(i), 1u) << "epoch " << epoch;
  }
}

TEST(SequenceData, BatchesGroupSimilarLengths) {
  // Sorting within pools keeps padding low: far below what random batches would waste.
  const SequenceSet set = synthetic(varied_lengths(2000));
  BatchStream stream(set, 512, 1);
  size_t padded = 0, real = 0;
  for (uint64_t i = 0; i < stream.epoch_size(0); ++i) {
    const MicroBatch& b = stream.at(i);
    padded += b.padded_decoder_tokens();
    for (uint32_t r : b.rows) real += set.items[r].decoder.size();
  }
  EXPECT_LT(static_cast<double>(padded) / static_cast<double>(real), 1.15);
}

TEST(SequenceData, ASequenceOverTheBudgetGetsABatchOfItsOwn) {
  const SequenceSet set = synthetic({10, 500, 12, 11, 9});
  BatchStream stream(set, 64, 2);
  bool found = false;
  for (uint64_t i = 0; i < stream.epoch_size(0); ++i) {
    const MicroBatch& b = stream.at(i);
    if (b.decoder_len == 500) {
      EXPECT_EQ(b.rows.size(), 1u);
      found = true;
    } else {
      EXPECT_LE(b.padded_decoder_tokens(), 64u);
    }
  }
  EXPECT_TRUE(found);
}

TEST(SequenceData, TheStreamIsAPureFunctionOfSeedAndIndex) {
  const SequenceSet set = synthetic(varied_lengths(300));
  BatchStream a(set, 200, 5), b(set, 200, 5), c(set, 200, 6);
  // b is read out of order (late epochs first, then early ones again), as a resumed run
  // and the evicting cache would.
  std::vector<uint64_t> order;
  for (uint64_t i = 0; i < 120; ++i) order.push_back((i * 53) % 120);
  std::map<uint64_t, std::vector<uint32_t>> from_b;
  for (uint64_t i : order) from_b[i] = b.at(i).rows;
  bool differs = false;
  for (uint64_t i = 0; i < 120; ++i) {
    EXPECT_EQ(a.at(i).rows, from_b[i]) << i;
    differs |= a.at(i).rows != c.at(i).rows;
  }
  EXPECT_TRUE(differs) << "another seed gives another order";
  // Epochs are reshuffled: epoch 1 is not epoch 0 again.
  const size_t n0 = a.epoch_size(0);
  EXPECT_NE(a.at(0).rows, a.at(n0).rows);
}

TEST(SequenceData, RanksPartitionEachStep) {
  for (int world : {1, 2, 3}) {
    for (int accumulate : {1, 2, 4}) {
      for (uint64_t step : {0ull, 1ull, 7ull}) {
        const auto all = step_all_micro_batches(step, world, accumulate);
        ASSERT_EQ(all.size(), static_cast<size_t>(world * accumulate));
        EXPECT_EQ(all.front(), step * world * accumulate);
        std::vector<uint64_t> joined;
        for (int rank = 0; rank < world; ++rank) {
          const auto mine = step_micro_batches(step, world, rank, accumulate);
          EXPECT_EQ(mine.size(), static_cast<size_t>(accumulate));
          joined.insert(joined.end(), mine.begin(), mine.end());
        }
        std::sort(joined.begin(), joined.end());
        EXPECT_EQ(joined, all);
      }
    }
  }
  // Two ranks accumulating 1 see, between them, what one process accumulating 2 sees.
  for (uint64_t step = 0; step < 5; ++step) {
    std::vector<uint64_t> two = step_micro_batches(step, 2, 0, 1);
    const auto r1 = step_micro_batches(step, 2, 1, 1);
    two.insert(two.end(), r1.begin(), r1.end());
    EXPECT_EQ(two, step_micro_batches(step, 1, 0, 2));
  }
}

// Trace dropping over real A* traces (the maze dataset above).
struct DroppingData {
  DatasetReader reader{maze_dir()};
  SequenceSet set = load_sequences(reader, Split::kTrain, TrainMode::kSearchAugmented);
  TraceDropper dropper(const DropSpec& spec) const { return TraceDropper(reader.vocabulary(), "maze", spec); }
};

DropSpec drop_spec(double p1, double p2, double p3, double p4) {
  DropSpec s;
  s.p = {p1, p2, p3, p4};
  return s;
}

// Everything a micro-batch gives the trainer: rows, sizes, and each row's decoder.
struct BatchView {
  std::vector<uint32_t> rows;
  size_t encoder_len, decoder_len;
  std::vector<std::vector<int32_t>> decoders;
  std::vector<int32_t> plan_starts;
  bool operator==(const BatchView& o) const {
    return rows == o.rows && encoder_len == o.encoder_len && decoder_len == o.decoder_len &&
           decoders == o.decoders && plan_starts == o.plan_starts;
  }
};
BatchView view(const SequenceSet& set, const MicroBatch& b) {
  BatchView v{b.rows, b.encoder_len, b.decoder_len, {}, {}};
  for (size_t k = 0; k < b.rows.size(); ++k) {
    v.decoders.push_back(b.decoder(set, k));
    v.plan_starts.push_back(b.plan_start(set, k));
  }
  return v;
}

TEST(SequenceData, ZeroDropProbabilitiesGiveTodaysStreamExactly) {
  const DroppingData d;
  const TraceDropper off = d.dropper(DropSpec());
  BatchStream plain(d.set, 700, 4), zero(d.set, 700, 4, BatchStream::kDefaultPoolBatches, &off);
  uint64_t index = 0;
  for (uint64_t epoch = 0; epoch < 3; ++epoch) {
    ASSERT_EQ(zero.epoch_size(epoch), plain.epoch_size(epoch));
    for (size_t k = 0; k < plain.epoch_size(epoch); ++k, ++index) {
      const MicroBatch& z = zero.at(index);
      EXPECT_TRUE(z.dropped_decoders.empty() && z.dropped_plan_starts.empty()) << "nothing copied";
      const BatchView zv = view(d.set, z);
      EXPECT_TRUE(zv == view(d.set, plain.at(index))) << index;
      for (size_t r = 0; r < zv.rows.size(); ++r) {
        EXPECT_EQ(zv.decoders[r], d.set.items[zv.rows[r]].decoder);
        EXPECT_EQ(zv.plan_starts[r], d.set.items[zv.rows[r]].plan_start);
      }
    }
  }
}

TEST(SequenceData, DroppedEpochsHoldEverySequenceOnceAsItsDropIsDefined) {
  const DroppingData d;
  const DropSpec spec = drop_spec(0.2, 0.2, 0.2, 0.2);
  const TraceDropper dropper = d.dropper(spec);
  const size_t budget = 700;
  const uint64_t seed = 8;
  BatchStream stream(d.set, budget, seed, BatchStream::kDefaultPoolBatches, &dropper);
  size_t original_tokens = 0;
  for (const auto& s : d.set.items) original_tokens += s.decoder.size();
  uint64_t index = 0;
  std::set<std::vector<int32_t>> first_epoch_decoders_of_row0;
  for (uint64_t epoch = 0; epoch < 3; ++epoch) {
    std::multiset<uint32_t> seen;
    size_t tokens = 0, whole_trace_dropped = 0;
    for (size_t k = 0; k < stream.epoch_size(epoch); ++k, ++index) {
      const MicroBatch& b = stream.at(index);
      ASSERT_EQ(b.dropped_decoders.size(), b.rows.size());
      ASSERT_EQ(b.dropped_plan_starts.size(), b.rows.size());
      size_t longest = 0;
      for (size_t r = 0; r < b.rows.size(); ++r) {
        const uint32_t row = b.rows[r];
        const Sequence& s = d.set.items[row];
        seen.insert(row);
        // The row's decoder is its sequence dropped with the stream of (seed, epoch, row).
        Rng rng = trace_drop_rng(seed, epoch, row);
        std::vector<int32_t> expected;
        const int32_t plan_start = dropper.drop_decoder(s.decoder, s.plan_start, rng, expected);
        ASSERT_EQ(b.decoder(d.set, r), expected);
        ASSERT_EQ(b.plan_start(d.set, r), plan_start);
        // bos, a trace no longer than before, then the plan and eos untouched.
        const auto& dec = b.decoder(d.set, r);
        EXPECT_EQ(dec.front(), Vocabulary::kBos);
        EXPECT_LE(plan_start, s.plan_start);
        EXPECT_EQ(std::vector<int32_t>(dec.begin() + plan_start, dec.end()),
                  std::vector<int32_t>(s.decoder.begin() + s.plan_start, s.decoder.end()));
        whole_trace_dropped += plan_start == 1;
        longest = std::max(longest, dec.size());
        tokens += dec.size();
      }
      // Batches are cut by the dropped lengths.
      EXPECT_EQ(b.decoder_len, longest);
      if (b.rows.size() > 1) {
        EXPECT_LE(b.padded_decoder_tokens(), budget);
      }
    }
    ASSERT_EQ(seen.size(), d.set.items.size());
    for (uint32_t i = 0; i < d.set.items.size(); ++i) EXPECT_EQ(seen.count(i), 1u) << "epoch " << epoch;
    // p4 = 0.2 of ~270 sequences drop their whole trace; every level shortens.
    EXPECT_GT(whole_trace_dropped, d.set.items.size() / 10);
    EXPECT_LT(whole_trace_dropped, d.set.items.size() * 3 / 10);
    EXPECT_LT(tokens, original_tokens * 3 / 4);
  }
}

TEST(SequenceData, TheDroppedStreamIsAPureFunctionOfItsInputs) {
  const DroppingData d;
  const TraceDropper dropper = d.dropper(drop_spec(0.3, 0.1, 0.3, 0.1));
  const TraceDropper other = d.dropper(drop_spec(0.1, 0.3, 0.1, 0.3));
  const auto pool = BatchStream::kDefaultPoolBatches;
  BatchStream a(d.set, 600, 5, pool, &dropper), c(d.set, 600, 6, pool, &dropper),
      e(d.set, 600, 5, pool, &other);
  const uint64_t n = a.epoch_size(0) + a.epoch_size(1) + a.epoch_size(2);
  std::vector<BatchView> in_order;
  for (uint64_t i = 0; i < n; ++i) in_order.push_back(view(d.set, a.at(i)));
  // Fresh streams read out of order (a resumed run starts anywhere; the cache evicts).
  BatchStream b(d.set, 600, 5, pool, &dropper);
  for (uint64_t k = 0; k < n; ++k) {
    const uint64_t i = (k * 53 + 17) % n;
    EXPECT_TRUE(view(d.set, b.at(i)) == in_order[i]) << i;
    BatchStream fresh(d.set, 600, 5, pool, &dropper);
    if (k % 16 == 0) {
      EXPECT_TRUE(view(d.set, fresh.at(i)) == in_order[i]) << i;
    }
  }
  // Another seed or other probabilities give other batches; the next epoch drops afresh.
  bool seed_differs = false, spec_differs = false;
  for (uint64_t i = 0; i < std::min<uint64_t>(n, 20); ++i) {
    seed_differs |= !(view(d.set, c.at(i)) == in_order[i]);
    spec_differs |= !(view(d.set, e.at(i)) == in_order[i]);
  }
  EXPECT_TRUE(seed_differs);
  EXPECT_TRUE(spec_differs);
  std::map<uint32_t, std::vector<int32_t>> epoch0;
  for (uint64_t i = 0; i < a.epoch_size(0); ++i) {
    const MicroBatch& b0 = a.at(i);
    for (size_t r = 0; r < b0.rows.size(); ++r) epoch0[b0.rows[r]] = b0.decoder(d.set, r);
  }
  size_t changed = 0;
  for (uint64_t i = a.epoch_size(0); i < a.epoch_size(0) + a.epoch_size(1); ++i) {
    const MicroBatch& b1 = a.at(i);
    for (size_t r = 0; r < b1.rows.size(); ++r) changed += b1.decoder(d.set, r) != epoch0[b1.rows[r]];
  }
  EXPECT_GT(changed, d.set.items.size() / 2);
}

TEST(SequenceData, TrainModeNames) {
  EXPECT_EQ(parse_train_mode("solution-only", "--mode"), TrainMode::kSolutionOnly);
  EXPECT_STREQ(train_mode_name(parse_train_mode("search-augmented", "--mode")), "search-augmented");
  EXPECT_EQ(testing::error_of([] { parse_train_mode("plan", "--mode"); }),
            "--mode: \"plan\" is not a training mode (expected search-augmented or solution-only)");
}

}  // namespace
}  // namespace traceplay::models
