// safetensors files (models/safetensors.h): the input is a model.safetensors, loaded as
// checkpoints load theirs; it either loads or throws UserError naming the byte offset.
// The only target linking LibTorch (load_safetensors returns torch tensors).
#include "core/error.h"
#include "fuzz/fuzz_input.h"
#include "models/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace traceplay;
  const std::string path = fuzz::write_scratch_file("model.safetensors", fuzz::as_text(data, size));
  try {
    std::map<std::string, std::string> metadata;
    models::load_safetensors(path, &metadata);
  } catch (const UserError&) {
  }
  return 0;
}
