// Dataset manifests (core/dataset.h): the input is written as DIR/manifest.json and opened
// as `inspect` and `train` open a dataset (DatasetReader: Manifest::load, the vocabulary
// checked against its domain's for its parameters), then its shards verified (all absent
// here, or named by the fuzzer). Each step either succeeds or throws UserError.
#include "core/dataset.h"
#include "core/error.h"
#include "fuzz/fuzz_input.h"
#include "search/dataset_domains.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace traceplay;
  static const bool registered = (search::register_dataset_domains(), true);
  (void)registered;
  fuzz::write_scratch_file(Manifest::kFileName, fuzz::as_text(data, size));
  try {
    const DatasetReader reader(fuzz::scratch_dir());
    reader.verify(true);
  } catch (const UserError&) {
  }
  return 0;
}
