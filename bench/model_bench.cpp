// `traceplay bench train|decode` (see model_bench.h). Cases use the paper's `s` and `m`
// presets at realistic lengths with random tokens (throughput does not depend on them):
//   train:  batch 16, prompt 126, 400 padded decoder tokens (rows 75%-100% real), one
//           AdamW step with the reference's per-sequence loss and grad clipping;
//           value = padded decoder tokens/s of the best of >= 3 steps. Also the model
//           of experiments/default.toml at its arms' batch shapes (default-so, default-sa;
//           run them with --threads 1, as the experiment does).
//   decode: batch 8, prompt 126, 1,000 greedy tokens per row with the KV cache (encoder
//           and cache set-up included); value = generated tokens/s, best of two runs
//           (one with --quick). Beside it our own
//           uncached decoding (the whole prefix through the decoder for every token).
// The PyTorch peer runs after ours, never at the same time, with the same thread count.
// peak_rss_mib is the process's peak resident memory so far (getrusage).
#include "bench/model_bench.h"

#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <torch/csrc/autograd/profiler_legacy.h>
#include <torch/torch.h>

#include "models/allocator.h"
#include "models/torch_runtime.h"
#include "models/transformer.h"

namespace traceplay::bench {

namespace {

using Clock = std::chrono::steady_clock;
using models::EncoderDecoder;
using models::TransformerConfig;

constexpr int64_t kVocab = 128;  // about a 10x10 maze's vocabulary

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// CPU seconds (user + system, all threads) of this process: on a shared machine, work per
// CPU second is steadier than work per wall second.
double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux reports KiB
}

void print(const nlohmann::ordered_json& line) {
  std::printf("%s\n", line.dump().c_str());
  std::fflush(stdout);
}

struct Shape {
  std::string preset;  // "s", "m", or a custom_size name
  int64_t batch, prompt, decoder;
};

// TRACEPLAY_BENCH_PRESETS="s" (a comma-separated list) runs only those cases.
void keep_selected(std::vector<Shape>& shapes) {
  const char* env = std::getenv("TRACEPLAY_BENCH_PRESETS");
  if (!env) return;
  const std::string list = std::string(",") + env + ",";
  std::vector<Shape> kept;
  for (const auto& s : shapes)
    if (list.find("," + s.preset + ",") != std::string::npos) kept.push_back(s);
  shapes = kept;
}

// Sizes of the cases that are not presets: "tiny" (--quick), and "default-so" /
// "default-sa", the model of experiments/default.toml at the shapes of its two arms'
// 2,048-token batches on 5x5 mazes. nullopt for a preset.
struct CustomSize {
  int64_t dim, layers, heads;
};

std::optional<CustomSize> custom_size(const std::string& preset) {
  if (preset == "tiny") return CustomSize{64, 2, 2};
  if (preset.rfind("default-", 0) == 0) return CustomSize{128, 3, 2};
  return std::nullopt;
}

TransformerConfig config_of(const std::string& preset) {
  const auto size = custom_size(preset);
  if (!size) return TransformerConfig::preset_named(preset, kVocab);
  TransformerConfig c;
  c.vocab_size = kVocab;
  c.dim = size->dim;
  c.encoder_layers = c.decoder_layers = size->layers;
  c.heads = size->heads;
  return c;
}

// The peer's flags for the same model.
std::string peer_model_flags(const std::string& preset) {
  const auto size = custom_size(preset);
  if (!size) return "--preset " + preset + " --vocab " + std::to_string(kVocab);
  return "--preset custom --dim " + std::to_string(size->dim) + " --layers " + std::to_string(size->layers) +
         " --heads " + std::to_string(size->heads) + " --vocab " + std::to_string(kVocab);
}

struct Batch {
  torch::Tensor prompt, prompt_mask, decoder, decoder_mask;
};

// Prompts of full length, decoder rows of 75%-100% of decoder_len, right-padded (the
// rule of bench/torch_peer.py).
Batch random_batch(int64_t rows, int64_t prompt_len, int64_t decoder_len) {
  Batch b;
  b.prompt = torch::randint(2, kVocab, {rows, prompt_len}, torch::kLong);
  b.prompt_mask = torch::ones({rows, prompt_len}, torch::kBool);
  b.decoder = torch::randint(2, kVocab, {rows, decoder_len}, torch::kLong);
  b.decoder.select(1, 0).fill_(0);
  auto lengths = torch::randint(decoder_len * 3 / 4, decoder_len + 1, {rows}, torch::kLong);
  b.decoder_mask = torch::arange(decoder_len, torch::kLong).unsqueeze(0) < lengths.unsqueeze(1);
  return b;
}

std::string source_dir() {
  if (const char* env = std::getenv("TRACEPLAY_SOURCE_DIR")) return env;
  return TRACEPLAY_SOURCE_DIR;
}

// Runs bench/torch_peer.py; nullopt when Python, torch or the script is missing.
std::optional<nlohmann::json> run_peer(const std::string& args) {
  if (std::getenv("TRACEPLAY_BENCH_NO_PEER")) return std::nullopt;
  const std::string python = "/usr/bin/python3", script = source_dir() + "/bench/torch_peer.py";
  if (!std::filesystem::exists(python) || !std::filesystem::exists(script)) return std::nullopt;
  const std::string command =
      "OPENBLAS_NUM_THREADS=1 " + python + " '" + script + "' " + args + " 2>/dev/null";
  std::FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return std::nullopt;
  std::string output;
  char buffer[4096];
  while (size_t n = std::fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  if (::pclose(pipe) != 0) return std::nullopt;
  const auto end = output.find_last_not_of('\n');
  if (end == std::string::npos) return std::nullopt;
  const auto start = output.rfind('\n', end);
  try {
    auto j = nlohmann::json::parse(output.substr(start == std::string::npos ? 0 : start + 1, end + 1));
    if (j.contains("value") && j["value"].is_number() && j["value"].get<double>() > 0) return j;
  } catch (const nlohmann::json::exception&) {
  }
  return std::nullopt;
}

void add_peer(nlohmann::ordered_json& line, const std::string& name, double value, double peer_value) {
  line["peer"] = name;
  line["peer_value"] = peer_value;
  line["ratio"] = value / peer_value;
}

// One optimizer step as `traceplay train` takes it: per-sequence loss, clipping, AdamW.
void train_step(EncoderDecoder& model, torch::optim::Optimizer& optimizer, const Batch& b) {
  auto logits = model->forward(b.prompt, b.prompt_mask, b.decoder.slice(1, 0, -1));
  auto targets = b.decoder.slice(1, 1);
  auto mask = b.decoder_mask.slice(1, 1).to(torch::kFloat);
  auto nll = torch::nn::functional::cross_entropy(
                 logits.reshape({-1, logits.size(-1)}), targets.reshape({-1}),
                 torch::nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone))
                 .view(targets.sizes());
  auto loss = ((nll * mask).sum(1) / mask.sum(1).clamp_min(1)).mean();
  optimizer.zero_grad();
  loss.backward();
  torch::nn::utils::clip_grad_norm_(model->parameters(), 1.0);
  optimizer.step();
}

std::string case_name(const Shape& s, const char* decoder_key) {
  return s.preset + "-b" + std::to_string(s.batch) + "-p" + std::to_string(s.prompt) + "-" + decoder_key +
         std::to_string(s.decoder);
}

// Greedy tokens [B] -> the next ones, with the cache; returns seconds for `tokens` steps.
double cached_decode_seconds(EncoderDecoder& model, const Batch& b, int64_t tokens) {
  c10::InferenceMode guard;
  const auto start = Clock::now();
  auto features = model->encode(b.prompt, b.prompt_mask);
  auto cache = model->new_cache(features, b.prompt_mask, tokens + 1);
  auto next = torch::zeros({b.prompt.size(0)}, torch::kLong);
  for (int64_t i = 0; i < tokens; ++i) next = model->decode_step(cache, next).argmax(-1);
  return seconds_since(start);
}

// Seconds for one uncached greedy step at prefix length t (the decoder over [B, t]).
double uncached_step_seconds(EncoderDecoder& model, const torch::Tensor& features, const Batch& b,
                             int64_t t) {
  c10::InferenceMode guard;
  auto prefix = torch::randint(2, kVocab, {b.prompt.size(0), t}, torch::kLong);
  const auto start = Clock::now();
  auto next = model->decode(prefix, features, b.prompt_mask).select(1, t - 1).argmax(-1);
  (void)next;
  return seconds_since(start);
}

}  // namespace

int run_train_bench(const BenchOptions& options) {
  if (!std::getenv("TRACEPLAY_BENCH_DEFAULT_MALLOC")) models::keep_freed_memory();
  models::configure_threads(options.threads);
  const int threads = torch::get_num_threads();
  const double seconds = options.quick ? 0.2 : options.seconds;
  std::vector<Shape> shapes;
  if (options.quick) shapes = {{"tiny", 4, 16, 32}};
  else
    shapes = {
        {"s", 16, 126, 400}, {"m", 16, 126, 400}, {"default-so", 80, 35, 25}, {"default-sa", 16, 35, 128}};
  keep_selected(shapes);
  for (const auto& shape : shapes) {
    torch::manual_seed(0);
    EncoderDecoder model(config_of(shape.preset));
    model->train();
    const Batch b = random_batch(shape.batch, shape.prompt, shape.decoder + 1);
    torch::optim::AdamW optimizer(model->parameters(),
                                  torch::optim::AdamWOptions(1e-4).betas({0.9, 0.99}).weight_decay(0.01));
    train_step(model, optimizer, b);  // warm-up
    if (const char* trace = std::getenv("TRACEPLAY_BENCH_PROFILE")) {
      // One more step under LibTorch's profiler: a chrome://tracing file, for development.
      torch::autograd::profiler::RecordProfile profile(std::string(trace) + "-" + shape.preset +
                                                       "-train.json");
      train_step(model, optimizer, b);
    }
    // The best step of at least three (others share this machine: the best is the
    // least disturbed; the peer does the same).
    int64_t steps = 0;
    double best = 1e300, best_cpu = 1e300;
    const auto start = Clock::now();
    while (steps < 3 || seconds_since(start) < seconds) {
      const auto step_start = Clock::now();
      const double cpu_start = cpu_seconds();
      train_step(model, optimizer, b);
      best = std::min(best, seconds_since(step_start));
      best_cpu = std::min(best_cpu, cpu_seconds() - cpu_start);
      ++steps;
    }
    const double tokens = static_cast<double>(shape.batch * shape.decoder);
    const double value = tokens / best, cpu_value = tokens / best_cpu;
    nlohmann::ordered_json line{{"bench", "train"},
                                {"case", case_name(shape, "t")},
                                {"threads", threads},
                                {"value", value},
                                {"unit", "tokens/s"}};
    const auto peer =
        run_peer("train " + peer_model_flags(shape.preset) + " --batch " + std::to_string(shape.batch) +
                 " --prompt " + std::to_string(shape.prompt) + " --decoder " + std::to_string(shape.decoder) +
                 " --threads " + std::to_string(threads) + " --seconds " + std::to_string(seconds));
    if (peer) add_peer(line, "pytorch-eager", value, (*peer)["value"].get<double>());
    line["cpu_value"] = cpu_value;
    if (peer && peer->contains("cpu_value"))
      line["cpu_ratio"] = cpu_value / (*peer)["cpu_value"].get<double>();
    line["steps"] = steps;
    line["parameters"] = model->config().num_parameters();
    line["peak_rss_mib"] = peak_rss_mib();
    if (peer) line["peer_peak_rss_mib"] = (*peer)["peak_rss_mib"];
    print(line);
  }
  return 0;
}

int run_decode_bench(const BenchOptions& options) {
  if (!std::getenv("TRACEPLAY_BENCH_DEFAULT_MALLOC")) models::keep_freed_memory();
  models::configure_threads(options.threads);
  const int threads = torch::get_num_threads();
  std::vector<Shape> shapes;
  if (options.quick) shapes = {{"tiny", 2, 16, 24}};
  else shapes = {{"s", 8, 126, 1000}, {"m", 8, 126, 1000}};
  keep_selected(shapes);
  for (const auto& shape : shapes) {
    torch::manual_seed(0);
    EncoderDecoder model(config_of(shape.preset));
    model->eval();
    const Batch b = random_batch(shape.batch, shape.prompt, 2);
    const int64_t tokens = shape.decoder;
    cached_decode_seconds(model, b, 8);  // warm-up
    if (const char* trace = std::getenv("TRACEPLAY_BENCH_PROFILE")) {
      torch::autograd::profiler::RecordProfile profile(std::string(trace) + "-" + shape.preset +
                                                       "-decode.json");
      cached_decode_seconds(model, b, std::min<int64_t>(tokens, 300));
    }
    double best = 1e300, best_cpu = 1e300;
    for (int rep = 0; rep < (options.quick ? 1 : 2); ++rep) {
      const double cpu_start = cpu_seconds();
      best = std::min(best, cached_decode_seconds(model, b, tokens));
      best_cpu = std::min(best_cpu, cpu_seconds() - cpu_start);
    }
    const double value = static_cast<double>(shape.batch * tokens) / best;
    const double cpu_value = static_cast<double>(shape.batch * tokens) / best_cpu;

    nlohmann::ordered_json line{{"bench", "decode"},
                                {"case", case_name(shape, "n")},
                                {"threads", threads},
                                {"value", value},
                                {"unit", "tokens/s"}};
    const auto peer =
        run_peer("decode " + peer_model_flags(shape.preset) + " --batch " + std::to_string(shape.batch) +
                 " --prompt " + std::to_string(shape.prompt) + " --tokens " + std::to_string(tokens) +
                 " --threads " + std::to_string(threads) + " --repeats " + (options.quick ? "1" : "2"));
    if (peer) add_peer(line, "pytorch-eager", value, (*peer)["value"].get<double>());
    line["cpu_value"] = cpu_value;
    if (peer && peer->contains("cpu_value"))
      line["cpu_ratio"] = cpu_value / (*peer)["cpu_value"].get<double>();
    line["peak_rss_mib"] = peak_rss_mib();
    if (peer) line["peer_peak_rss_mib"] = (*peer)["peak_rss_mib"];
    print(line);

    // Our own decoding without the cache: every token runs the decoder over the whole
    // prefix. The full loop takes minutes at 1,000 tokens, so (outside --quick) 10
    // evenly spaced steps are timed and the total is their mean x 1,000 (the midpoint
    // rule over a cost that grows smoothly with the prefix).
    torch::Tensor features;
    {
      c10::InferenceMode guard;
      features = model->encode(b.prompt, b.prompt_mask);
    }
    double uncached_total = 0;
    std::string method;
    if (options.quick) {
      for (int64_t t = 1; t <= tokens; ++t) uncached_total += uncached_step_seconds(model, features, b, t);
      method = "every step timed";
    } else {
      const int samples = 10;
      for (int k = 0; k < samples; ++k) {
        const int64_t t = static_cast<int64_t>((k + 0.5) * static_cast<double>(tokens) / samples) + 1;
        uncached_total +=
            uncached_step_seconds(model, features, b, t) * static_cast<double>(tokens) / samples;
      }
      method = "10 evenly spaced steps of " + std::to_string(tokens) + " timed, midpoint rule";
    }
    nlohmann::ordered_json vs{{"bench", "decode"},
                              {"case", case_name(shape, "n") + "-vs-uncached"},
                              {"threads", threads},
                              {"value", value},
                              {"unit", "tokens/s"}};
    add_peer(vs, "traceplay-uncached", value, static_cast<double>(shape.batch * tokens) / uncached_total);
    vs["peer_method"] = method;
    vs["peak_rss_mib"] = peak_rss_mib();
    print(vs);
  }
  return 0;
}

}  // namespace traceplay::bench
