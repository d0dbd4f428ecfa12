// The safetensors file format (https://huggingface.co/docs/safetensors): an 8-byte
// little-endian header length, a JSON header {"name": {"dtype", "shape",
// "data_offsets": [begin, end]}, "__metadata__": {str: str}}, then the raw tensor bytes.
// Written atomically (temporary + rename). Reading validates everything (lengths,
// offsets inside the file, dtype sizes, no overlap) and throws UserError naming the
// file and the byte offset; there is no Debian package for it.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include <torch/torch.h>

namespace traceplay::models {

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

// Tensors may live on any device and be non-contiguous; they are written from CPU
// copies. dtypes: F32, F64, F16, BF16, I64, I32, I16, I8, U8, BOOL.
void save_safetensors(const std::string& path, const NamedTensors& tensors,
                      const std::map<std::string, std::string>& metadata = {});
// Tensors on CPU, in file order; `metadata` receives __metadata__ when given.
NamedTensors load_safetensors(const std::string& path,
                              std::map<std::string, std::string>* metadata = nullptr);

}  // namespace traceplay::models
