// Tiny seeded models and padded batches for the model tests (one torch thread: tests
// run in parallel processes on a small machine).
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "models/transformer.h"

namespace traceplay::testing {

inline models::TransformerConfig tiny_config(int64_t vocab = 23) {
  models::TransformerConfig c;
  c.vocab_size = vocab;
  c.dim = 32;
  c.heads = 4;
  c.encoder_layers = 2;
  c.decoder_layers = 2;
  c.ffn_multiple_of = 16;
  return c;
}

inline models::EncoderDecoder tiny_model(uint64_t seed = 3, int64_t vocab = 23) {
  torch::set_num_threads(1);
  torch::manual_seed(seed);
  models::EncoderDecoder model(tiny_config(vocab));
  model->eval();
  return model;
}

// Right-padded [rows, longest] int64 tokens and their [rows, longest] bool mask; padding
// is `pad` (any id: the model must ignore it).
inline std::pair<torch::Tensor, torch::Tensor> pad_rows(const std::vector<std::vector<int64_t>>& rows,
                                                        int64_t pad = 0, int64_t longest = 0) {
  for (const auto& r : rows) longest = std::max<int64_t>(longest, static_cast<int64_t>(r.size()));
  auto tokens = torch::full({static_cast<int64_t>(rows.size()), longest}, pad, torch::kLong);
  auto mask = torch::zeros({static_cast<int64_t>(rows.size()), longest}, torch::kBool);
  for (size_t i = 0; i < rows.size(); ++i)
    for (size_t j = 0; j < rows[i].size(); ++j) {
      tokens[static_cast<int64_t>(i)][static_cast<int64_t>(j)] = rows[i][j];
      mask[static_cast<int64_t>(i)][static_cast<int64_t>(j)] = true;
    }
  return {tokens, mask};
}

inline double max_abs_diff(const torch::Tensor& a, const torch::Tensor& b) {
  return (a - b).abs().max().item<double>();
}

// A directory removed at the end of the test; the name holds the pid (parallel ctest).
struct ModelScratchDir {
  std::filesystem::path path;
  explicit ModelScratchDir(const std::string& name)
      : path(std::filesystem::temp_directory_path() / (name + "-" + std::to_string(getpid()))) {
    std::filesystem::remove_all(path);
    std::filesystem::create_directories(path);
  }
  ~ModelScratchDir() { std::filesystem::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

}  // namespace traceplay::testing
