// The KV-cache sampler on a small random model: greedy tokens equal greedy decoding with
// the uncached decoder wherever the choice is clear, samples do not depend on the batch
// or on where a run starts, every sample equals the slow uncached reference of its own
// random stream (with and without a forced prefix), rows stop at eos or the length limit,
// and a stop request returns early.
#include <gtest/gtest.h>

#include <map>
#include <set>

#include <torch/torch.h>

#include "core/rng.h"
#include "models/sampler.h"

namespace traceplay::models {
namespace {

constexpr int64_t kVocab = 20;

EncoderDecoder small_model(uint64_t seed = 3) {
  torch::manual_seed(seed);
  torch::set_num_threads(1);
  TransformerConfig c;
  c.vocab_size = kVocab;
  c.dim = 32;
  c.encoder_layers = 2;
  c.decoder_layers = 2;
  c.heads = 2;
  EncoderDecoder model(c);
  model->eval();
  return model;
}

// A random model's greedy choice is often eos at once; with the eos row of the output
// map zeroed its logit is 0, below the largest of the 19 others almost surely, so greedy
// sequences run to the length limit.
void make_eos_unlikely(EncoderDecoderImpl& model) {
  torch::NoGradGuard no_grad;
  model.named_parameters()["decoder.output.1.weight"][1].zero_();
}

// `bos x... eos` prompts of different lengths with ids in [2, vocab).
std::vector<std::vector<int32_t>> prompts_of(std::vector<int> lengths, uint64_t seed = 5) {
  Rng rng(seed);
  std::vector<std::vector<int32_t>> out;
  for (int n : lengths) {
    std::vector<int32_t> p{0};
    for (int i = 0; i < n; ++i) p.push_back(static_cast<int32_t>(rng.uniform_int(2, kVocab - 1)));
    p.push_back(1);
    out.push_back(p);
  }
  return out;
}

std::map<uint64_t, std::vector<int32_t>> sample_all(EncoderDecoderImpl& model, const SamplerOptions& options,
                                                    const std::vector<std::vector<int32_t>>& prompts,
                                                    uint64_t first = 0, SamplerStats* stats = nullptr) {
  std::map<uint64_t, std::vector<int32_t>> out;
  Sampler sampler(model, torch::kCPU, options);
  const uint64_t end = prompts.size() * static_cast<uint64_t>(options.samples_per_prompt);
  const SamplerStats s = sampler.run(prompts, first, end, [&](SampledSequence&& seq) {
    EXPECT_TRUE(out.emplace(seq.index, std::move(seq.tokens)).second) << "sequence " << seq.index << " twice";
  });
  if (stats) *stats = s;
  EXPECT_EQ(out.size(), end - first);
  return out;
}

TEST(TokenChooser, GreedyTopKAndTheCdf) {
  const float logits[5] = {0.5f, 2.0f, -1.0f, 2.0f, 1.0f};
  TokenChooser greedy(0, 0);
  EXPECT_EQ(greedy(logits, 5, 0.99), 1);  // ties: the lower id
  TokenChooser top1(1.0, 1);
  for (double u : {0.0, 0.3, 0.999}) EXPECT_EQ(top1(logits, 5, u), 1);

  // Inverting the CDF at evenly spread u reproduces softmax(logits / T) to 1/N.
  for (const auto& [temperature, top_k] :
       std::vector<std::pair<double, int64_t>>{{1.0, 0}, {0.5, 0}, {2.0, 3}}) {
    TokenChooser choose(temperature, top_k);
    const int n = 20000;
    std::vector<int> counts(5);
    for (int i = 0; i < n; ++i) ++counts[static_cast<size_t>(choose(logits, 5, (i + 0.5) / n))];
    std::vector<int> kept = top_k == 3 ? std::vector<int>{1, 3, 4} : std::vector<int>{0, 1, 2, 3, 4};
    double sum = 0;
    for (int id : kept) sum += std::exp(logits[id] / temperature);
    for (int id = 0; id < 5; ++id) {
      const bool in = std::find(kept.begin(), kept.end(), id) != kept.end();
      const double p = in ? std::exp(logits[id] / temperature) / sum : 0.0;
      EXPECT_NEAR(counts[static_cast<size_t>(id)] / static_cast<double>(n), p, 1.5 / n)
          << "T " << temperature << " k " << top_k << " id " << id;
    }
  }
}

TEST(Sampler, GreedyCachedTokensEqualUncachedDecoding) {
  auto model = small_model();
  make_eos_unlikely(*model);
  const auto prompts = prompts_of({4, 11, 7, 15, 9});
  SamplerOptions options;
  options.batch = 3;  // refills happen
  options.max_len = 40;
  options.temperature = 0;
  const auto sampled = sample_all(*model, options, prompts);

  torch::NoGradGuard no_grad;
  int compared = 0;
  for (const auto& [index, tokens] : sampled) {
    const auto& p = prompts[index];
    auto prompt = torch::tensor(std::vector<int64_t>(p.begin(), p.end())).unsqueeze(0);
    auto mask = torch::ones_like(prompt, torch::kBool);
    auto features = model->encode(prompt, mask);
    std::vector<int64_t> prefix{0};
    for (size_t t = 1; t < tokens.size(); ++t) {
      auto logits = model->decode(torch::tensor(prefix).unsqueeze(0), features, mask)[0][-1];
      auto top2 = std::get<0>(logits.topk(2));
      if ((top2[0] - top2[1]).item<float>() <= 1e-3f) break;  // a near tie: either choice is greedy
      ASSERT_EQ(tokens[t], logits.argmax().item<int64_t>()) << "sequence " << index << " position " << t;
      ++compared;
      prefix.push_back(tokens[t]);
    }
  }
  EXPECT_GT(compared, 150);  // of 5 x 39
}

TEST(Sampler, SamplesDoNotDependOnBatchOrStart) {
  auto model = small_model();
  const auto prompts = prompts_of({6, 3, 12, 8});
  for (const auto& [temperature, top_k] : std::vector<std::pair<double, int64_t>>{{1.0, 0}, {0.7, 4}}) {
    SamplerOptions options;
    options.samples_per_prompt = 3;
    options.max_len = 24;
    options.temperature = temperature;
    options.top_k = top_k;
    options.seed = 11;
    options.batch = 1;
    const auto one = sample_all(*model, options, prompts);
    options.batch = 5;  // 12 sequences through 5 rows: refills mid-run
    EXPECT_EQ(sample_all(*model, options, prompts), one);
    options.batch = 64;
    EXPECT_EQ(sample_all(*model, options, prompts), one);
    options.batch = 4;
    const auto tail = sample_all(*model, options, prompts, 7);  // a resumed run
    EXPECT_EQ(tail, decltype(one)(one.find(7), one.end()));
    // The samples of one prompt differ from each other (they have their own streams).
    EXPECT_NE(one.at(0), one.at(1));
    options.seed = 12;
    EXPECT_NE(sample_all(*model, options, prompts), one);
  }
}

TEST(Sampler, RowsStopAtEosOrTheLengthLimit) {
  auto model = small_model();
  const auto prompts = prompts_of({5, 9, 3, 7, 10, 4, 6, 8});
  SamplerOptions options;
  options.samples_per_prompt = 4;
  options.batch = 8;
  options.max_len = 16;
  SamplerStats stats;
  const auto sampled = sample_all(*model, options, prompts, 0, &stats);
  int early = 0, cut = 0;
  int64_t generated = 0;
  std::set<size_t> lengths;
  for (const auto& [index, tokens] : sampled) {
    ASSERT_GE(tokens.size(), 2u);
    ASSERT_LE(tokens.size(), 16u);
    EXPECT_EQ(tokens.front(), 0);
    for (size_t i = 1; i + 1 < tokens.size(); ++i) EXPECT_NE(tokens[i], 1) << "eos inside sequence " << index;
    if (tokens.back() == 1 && tokens.size() < 16) ++early;
    if (tokens.back() != 1) {
      EXPECT_EQ(tokens.size(), 16u);
      ++cut;
    }
    lengths.insert(tokens.size());
    generated += static_cast<int64_t>(tokens.size()) - 1;
  }
  EXPECT_GT(early, 0);
  EXPECT_GT(cut, 0);
  EXPECT_GT(lengths.size(), 3u);  // rows of different lengths shared the batch
  EXPECT_EQ(stats.tokens, generated);
  EXPECT_EQ(stats.sequences, 32);
  EXPECT_LT(stats.steps, generated);  // rows were decoded together
}

// Sequence s drawn the slow way, as the sampler's contract says: the uncached decoder
// over the whole prefix at every position, the k-th draw of Rng::stream(seed, s) for
// response position k (drawn at forced positions too), the forced ids fed first.
std::vector<int32_t> reference_sequence(EncoderDecoderImpl& model, const SamplerOptions& o,
                                        const std::vector<int32_t>& prompt, uint64_t s) {
  torch::NoGradGuard no_grad;
  auto p = torch::tensor(std::vector<int64_t>(prompt.begin(), prompt.end())).unsqueeze(0);
  auto mask = torch::ones_like(p, torch::kBool);
  auto features = model.encode(p, mask);
  Rng rng = Rng::stream(o.seed, s);
  TokenChooser choose(o.temperature, o.top_k);
  std::vector<int32_t> tokens{o.bos};
  while (static_cast<int64_t>(tokens.size()) < o.max_len) {
    const double u = o.temperature > 0 ? rng.uniform01() : 0.0;
    const size_t position = tokens.size() - 1;
    int32_t token;
    if (position < o.forced_prefix.size()) {
      token = o.forced_prefix[position];
    } else {
      const auto logits =
          model
              .decode(torch::tensor(std::vector<int64_t>(tokens.begin(), tokens.end())).unsqueeze(0),
                      features, mask)[0][-1]
              .contiguous();
      token = choose(logits.data_ptr<float>(), kVocab, u);
    }
    tokens.push_back(token);
    if (token == o.eos) break;
  }
  return tokens;
}

TEST(Sampler, SamplesEqualTheSlowReferenceWithAndWithoutAForcedPrefix) {
  auto model = small_model();
  const auto prompts = prompts_of({6, 3, 12, 8});
  SamplerOptions options;
  options.samples_per_prompt = 3;
  options.max_len = 20;
  options.temperature = 0.8;
  options.seed = 7;
  options.batch = 5;  // 12 sequences through 5 rows: refills mid-run
  for (const std::vector<int32_t>& forced : {std::vector<int32_t>{}, {9}, {13, 4}}) {
    options.forced_prefix = forced;
    const auto sampled = sample_all(*model, options, prompts);
    for (const auto& [index, tokens] : sampled) {
      ASSERT_GE(tokens.size(), forced.size() + 1);
      EXPECT_EQ(
          std::vector<int32_t>(tokens.begin() + 1, tokens.begin() + 1 + static_cast<int64_t>(forced.size())),
          forced)
          << "sequence " << index;
      EXPECT_EQ(tokens, reference_sequence(*model, options, prompts[index / 3], index))
          << "sequence " << index << ", " << forced.size() << " forced";
    }
  }
}

TEST(Sampler, ForcedPrefixKeepsEachSequencesDrawsAndBatchIndependence) {
  auto model = small_model();
  make_eos_unlikely(*model);  // sequences long enough to compare past the prefix
  const auto prompts = prompts_of({5, 9, 3});
  SamplerOptions options;
  options.samples_per_prompt = 4;
  options.max_len = 16;
  options.temperature = 1.0;
  options.seed = 21;
  options.batch = 64;
  const auto free = sample_all(*model, options, prompts);
  // Forcing exactly what a sequence drew anyway changes nothing, since a forced position
  // still consumes its draw: forcing sequence 0's own first token leaves it as it was.
  options.forced_prefix = {free.at(0)[1]};
  const auto forced = sample_all(*model, options, prompts);
  EXPECT_EQ(forced.at(0), free.at(0));
  int changed = 0;
  for (const auto& [index, tokens] : forced) {
    EXPECT_EQ(tokens[1], free.at(0)[1]) << "sequence " << index;
    changed += tokens != free.at(index);
  }
  EXPECT_GT(changed, 0);  // the others were steered
  options.batch = 3;
  EXPECT_EQ(sample_all(*model, options, prompts), forced);
  options.batch = 2;
  const auto tail = sample_all(*model, options, prompts, 5);  // a resumed run
  EXPECT_EQ(tail, decltype(forced)(forced.find(5), forced.end()));

  // Greedy after a forced token: the uncached greedy continuation of bos + that token.
  options.temperature = 0;
  options.forced_prefix = {6};
  for (const auto& [index, tokens] : sample_all(*model, options, prompts))
    EXPECT_EQ(tokens, reference_sequence(*model, options, prompts[index / 4], index)) << "sequence " << index;
}

TEST(Sampler, ForcedPrefixLimitsAndEos) {
  auto model = small_model();
  make_eos_unlikely(*model);
  const auto prompts = prompts_of({5, 9});
  SamplerOptions options;
  options.max_len = 4;
  options.forced_prefix = {7, 8, 9};  // bos + 3 forced = the whole length
  for (const auto& [index, tokens] : sample_all(*model, options, prompts))
    EXPECT_EQ(tokens, (std::vector<int32_t>{0, 7, 8, 9})) << "sequence " << index;
  options.forced_prefix = {7, 1, 9};  // a forced eos ends the sequence there
  for (const auto& [index, tokens] : sample_all(*model, options, prompts))
    EXPECT_EQ(tokens, (std::vector<int32_t>{0, 7, 1})) << "sequence " << index;
  options.forced_prefix = {7, 8, 9, 10};
  EXPECT_THROW(Sampler(*model, torch::kCPU, options), std::invalid_argument);
  options.forced_prefix = {static_cast<int32_t>(kVocab)};
  EXPECT_THROW(Sampler(*model, torch::kCPU, options), std::invalid_argument);
  options.forced_prefix = {-1};
  EXPECT_THROW(Sampler(*model, torch::kCPU, options), std::invalid_argument);
}

TEST(Sampler, StopRequestReturnsEarly) {
  auto model = small_model();
  const auto prompts = prompts_of({5, 9, 3, 7});
  SamplerOptions options;
  options.samples_per_prompt = 8;
  options.batch = 4;
  options.max_len = 30;
  std::atomic<bool> stop{false};
  int done = 0;
  Sampler sampler(*model, torch::kCPU, options);
  const SamplerStats stats = sampler.run(
      prompts, 0, 32,
      [&](SampledSequence&&) {
        if (++done == 3) stop = true;
      },
      &stop);
  EXPECT_GE(done, 3);
  EXPECT_LT(done, 32);
  EXPECT_EQ(stats.sequences, done);
  EXPECT_THROW(sampler.run(prompts, 0, 33, [](SampledSequence&&) {}), std::invalid_argument);
}

}  // namespace
}  // namespace traceplay::models
