#include "models/sampler.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <string>

#include "core/error.h"
#include "core/rng.h"
#include "models/samples_file.h"

namespace traceplay::models {

int32_t TokenChooser::operator()(const float* logits, int64_t vocab, double uniform) {
  if (temperature_ <= 0) {
    int64_t best = 0;
    for (int64_t i = 1; i < vocab; ++i)
      if (logits[i] > logits[best]) best = i;
    return static_cast<int32_t>(best);
  }
  ids_.resize(static_cast<size_t>(vocab));
  for (int64_t i = 0; i < vocab; ++i) ids_[static_cast<size_t>(i)] = static_cast<int32_t>(i);
  if (top_k_ > 0 && top_k_ < vocab) {
    const auto before = [logits](int32_t a, int32_t b) {
      return logits[a] > logits[b] || (logits[a] == logits[b] && a < b);
    };
    std::nth_element(ids_.begin(), ids_.begin() + (top_k_ - 1), ids_.end(), before);
    ids_.resize(static_cast<size_t>(top_k_));
    std::sort(ids_.begin(), ids_.end());  // the CDF is walked in id order either way
  }
  float top = logits[ids_[0]];
  for (int32_t id : ids_) top = std::max(top, logits[id]);
  weights_.resize(ids_.size());
  double sum = 0;
  for (size_t i = 0; i < ids_.size(); ++i) {
    weights_[i] = std::exp((static_cast<double>(logits[ids_[i]]) - top) / temperature_);
    sum += weights_[i];
  }
  const double target = uniform * sum;
  double cumulative = 0;
  for (size_t i = 0; i < ids_.size(); ++i) {
    cumulative += weights_[i];
    if (target < cumulative) return ids_[i];
  }
  // Rounding can leave target == sum: the last token with any weight.
  for (size_t i = ids_.size(); i-- > 0;)
    if (weights_[i] > 0) return ids_[i];
  return ids_.back();
}

Sampler::Sampler(EncoderDecoderImpl& model, torch::Device device, SamplerOptions options)
    : model_(model), device_(device), options_(options) {
  if (options_.batch < 1) throw std::invalid_argument("sampler: batch must be at least 1");
  if (options_.max_len < 2)
    throw std::invalid_argument("sampler: max_len must be at least 2 (bos and one token)");
  // Each row reserves max_len tokens: a damaged manifest's lengths (or a wild --max-len)
  // must not ask for gigabytes (samples_file.h).
  if (options_.max_len > kMaxResponseTokens)
    throw UserError("responses of up to " + std::to_string(options_.max_len) +
                    " tokens (--max-len, or the dataset's "
                    "longest trace + plan + 2) are over the limit of " +
                    std::to_string(kMaxResponseTokens));
  if (options_.samples_per_prompt < 1)
    throw std::invalid_argument("sampler: samples per prompt must be at least 1");
  if (!(options_.temperature >= 0)) throw std::invalid_argument("sampler: temperature must be >= 0");
  if (options_.top_k < 0) throw std::invalid_argument("sampler: top_k must be >= 0");
  if (static_cast<int64_t>(options_.forced_prefix.size()) > options_.max_len - 1)
    throw std::invalid_argument("sampler: the forced prefix is longer than max_len - 1");
  for (int32_t id : options_.forced_prefix)
    if (id < 0 || id >= model_.config().vocab_size)
      throw std::invalid_argument("sampler: forced token id " + std::to_string(id) +
                                  " is outside the vocabulary");
}

std::pair<torch::Tensor, torch::Tensor> Sampler::encode(
    const std::vector<const std::vector<int32_t>*>& prompts, int64_t width) {
  const auto R = static_cast<int64_t>(prompts.size());
  auto ids = torch::zeros({R, width}, torch::kLong);
  auto mask = torch::zeros({R, width}, torch::kBool);
  auto* id = ids.data_ptr<int64_t>();
  auto* valid = mask.data_ptr<bool>();
  for (int64_t r = 0; r < R; ++r) {
    const auto& p = *prompts[static_cast<size_t>(r)];
    for (size_t j = 0; j < p.size(); ++j) {
      id[r * width + static_cast<int64_t>(j)] = p[j];
      valid[r * width + static_cast<int64_t>(j)] = true;
    }
  }
  ids = ids.to(device_);
  mask = mask.to(device_);
  return {model_.encode(ids, mask), mask};
}

SamplerStats Sampler::run(const std::vector<std::vector<int32_t>>& prompts, uint64_t first, uint64_t end,
                          const std::function<void(SampledSequence&&)>& on_done,
                          const std::atomic<bool>* stop) {
  const auto K = static_cast<uint64_t>(options_.samples_per_prompt);
  if (end > prompts.size() * K) throw std::invalid_argument("sampler: sequence range beyond the prompts");
  SamplerStats stats;
  if (first >= end) return stats;
  const auto started = std::chrono::steady_clock::now();
  c10::InferenceMode guard;

  int64_t width = 1;
  for (uint64_t p = first / K; p <= (end - 1) / K; ++p) {
    if (prompts[p].empty()) throw std::invalid_argument("sampler: prompt " + std::to_string(p) + " is empty");
    width = std::max<int64_t>(width, static_cast<int64_t>(prompts[p].size()));
  }
  const int64_t B = std::min<int64_t>(options_.batch, static_cast<int64_t>(end - first));
  const int64_t vocab = model_.config().vocab_size;

  struct Row {
    bool active = false;
    uint64_t index = 0;
    std::vector<int32_t> tokens;
    Rng rng;
  };
  std::vector<Row> rows(static_cast<size_t>(B));
  std::vector<int64_t> feed(static_cast<size_t>(B), options_.bos);
  uint64_t next = first;
  auto start_row = [&](int64_t r) {
    Row& row = rows[static_cast<size_t>(r)];
    row.active = true;
    row.index = next++;
    row.tokens.assign(1, options_.bos);
    row.tokens.reserve(static_cast<size_t>(options_.max_len));
    row.rng = Rng::stream(options_.seed, row.index);
    feed[static_cast<size_t>(r)] = options_.bos;
  };

  std::vector<const std::vector<int32_t>*> batch_prompts;
  for (int64_t r = 0; r < B; ++r) {
    batch_prompts.push_back(&prompts[next / K]);
    start_row(r);
  }
  auto [features, mask] = encode(batch_prompts, width);
  DecoderCache cache = model_.new_cache(features, mask, options_.max_len);
  // With one row, new_cache's per-head prompt bias is a stride-0 view (expand + reshape)
  // that reset_rows cannot write into ("more than one element ... refers to a single
  // memory location"); a dense copy makes it writable. A no-op for B > 1.
  cache.cross_bias = cache.cross_bias.contiguous();
  // A row with no work left is restarted on this prompt (and its output ignored), so
  // that its length stays within the cache until the last rows finish.
  const std::vector<int32_t>* idle_prompt = batch_prompts[0];

  TokenChooser choose(options_.temperature, options_.top_k);
  const std::vector<int32_t>& forced = options_.forced_prefix;
  std::vector<int64_t> restart_rows;
  batch_prompts.clear();
  int64_t active = B;
  auto feed_tensor = torch::empty({B}, torch::kLong);
  while (active > 0) {
    if (stop && stop->load()) break;
    std::copy(feed.begin(), feed.end(), feed_tensor.data_ptr<int64_t>());
    const torch::Tensor logits =
        model_.decode_step(cache, device_.is_cpu() ? feed_tensor : feed_tensor.to(device_))
            .to(torch::kCPU)
            .contiguous();
    ++stats.steps;
    const float* data = logits.data_ptr<float>();
    for (int64_t r = 0; r < B; ++r) {
      Row& row = rows[static_cast<size_t>(r)];
      if (!row.active) continue;
      const double u = options_.temperature > 0 ? row.rng.uniform01() : 0.0;
      const size_t position = row.tokens.size() - 1;  // response tokens so far (bos excluded)
      const int32_t token = position < forced.size() ? forced[position] : choose(data + r * vocab, vocab, u);
      row.tokens.push_back(token);
      ++stats.tokens;
      feed[static_cast<size_t>(r)] = token;
      if (token != options_.eos && static_cast<int64_t>(row.tokens.size()) < options_.max_len) continue;
      on_done(SampledSequence{row.index, std::move(row.tokens)});
      ++stats.sequences;
      row.tokens.clear();
      restart_rows.push_back(r);
      if (next < end) {
        batch_prompts.push_back(&prompts[next / K]);
        start_row(r);
      } else {
        row.active = false;
        --active;
        batch_prompts.push_back(idle_prompt);
        feed[static_cast<size_t>(r)] = options_.bos;
      }
    }
    if (!restart_rows.empty() && active > 0) {
      auto [f, m] = encode(batch_prompts, width);
      model_.reset_rows(cache, torch::tensor(restart_rows, torch::kLong).to(device_), f, m);
    }
    restart_rows.clear();
    batch_prompts.clear();
  }
  stats.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return stats;
}

}  // namespace traceplay::models
