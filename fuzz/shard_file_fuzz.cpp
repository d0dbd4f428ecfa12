// Dataset shard files (core/shard.h ShardReader): the input is a shard file (zstd frames
// of JSON lines) read without a manifest's checksum, so the fuzzer reaches the
// decompression and line splitting; it either reads or throws UserError.
#include "core/error.h"
#include "core/shard.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace traceplay;
  const std::string path = fuzz::write_scratch_file("train-00000.jsonl.zst", fuzz::as_text(data, size));
  try {
    read_shard(path);
  } catch (const UserError&) {
  }
  return 0;
}
