// model_tool: the C++ side of the PyTorch parity tests (tests/python/test_model_parity.py).
//
//   model_tool (--config ARCH.json --seed S | --checkpoint DIR) [--save DIR]
//              [--batch IN.safetensors --out OUT.safetensors] [--threads N]
//
// Builds a model from an architecture JSON (TransformerConfig::to_json's keys) and a
// torch seed, or loads a checkpoint; --save writes it as a checkpoint (vocabulary
// t0..tN, solution-only). With --batch (tensors prompt [B, P] I64, prompt_mask [B, P]
// BOOL, decoder [B, T] I64) it writes OUT with: logits [B, T, vocab] (the teacher-forced
// forward), features [B, P, dim] (the encoder's output), and cached_logits [B, T, vocab]
// (new_cache + one decode_step per decoder column).
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "models/checkpoint.h"
#include "models/safetensors.h"
#include "models/torch_runtime.h"
#include "models/transformer.h"

using namespace traceplay;
using namespace traceplay::models;

namespace {

[[noreturn]] void usage(const std::string& why) {
  std::fprintf(stderr,
               "model_tool: %s\nusage: model_tool (--config ARCH.json --seed S | --checkpoint DIR) "
               "[--save DIR] [--batch IN --out OUT] [--threads N]\n",
               why.c_str());
  std::exit(2);
}

torch::Tensor named(const NamedTensors& tensors, const std::string& name, const std::string& file) {
  for (const auto& [n, t] : tensors)
    if (n == name) return t;
  throw UserError(file + ": no tensor \"" + name + "\"");
}

int run(int argc, char** argv) {
  std::map<std::string, std::string> args;
  for (int i = 1; i < argc; i += 2) {
    const std::string key = argv[i];
    if (key.rfind("--", 0) != 0 || i + 1 >= argc) usage("bad argument " + key);
    args[key.substr(2)] = argv[i + 1];
  }
  configure_threads(args.count("threads") ? std::stoi(args["threads"]) : 1);
  EncoderDecoder model{nullptr};
  if (args.count("checkpoint")) {
    model = load_model(args["checkpoint"], nullptr, torch::kCPU);
  } else if (args.count("config") && args.count("seed")) {
    const auto path = args["config"];
    const auto config = TransformerConfig::from_json(nlohmann::json::parse(read_file(path)), path);
    torch::manual_seed(std::stoull(args["seed"]));
    model = EncoderDecoder(config);
  } else {
    usage("give --checkpoint, or --config and --seed");
  }
  model->eval();
  if (args.count("save")) {
    ModelInfo info;
    for (int64_t i = 0; i < model->config().vocab_size; ++i)
      info.vocabulary.push_back("t" + std::to_string(i));
    info.mode = "solution-only";
    save_model(args["save"], *model, info);
  }
  if (args.count("batch") != args.count("out")) usage("--batch and --out go together");
  if (args.count("batch")) {
    const auto file = args["batch"];
    const auto batch = load_safetensors(file);
    auto prompt = named(batch, "prompt", file), mask = named(batch, "prompt_mask", file).to(torch::kBool);
    auto decoder = named(batch, "decoder", file);
    torch::NoGradGuard no_grad;
    auto features = model->encode(prompt, mask);
    auto logits = model->decode(decoder, features, mask);
    auto cache = model->new_cache(features, mask, decoder.size(1));
    std::vector<torch::Tensor> steps;
    for (int64_t t = 0; t < decoder.size(1); ++t)
      steps.push_back(model->decode_step(cache, decoder.select(1, t).contiguous()));
    save_safetensors(args["out"],
                     {{"logits", logits}, {"features", features}, {"cached_logits", torch::stack(steps, 1)}});
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const UserError& e) {
    std::fprintf(stderr, "model_tool: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "model_tool: %s\n", e.what());
    return 1;
  }
}
