// The learner/actor wire (distributed/wire.h), the layout bytes a RESULT carries
// (core/prepared_layout.h) and the model manifest a MODEL_ANNOUNCE carries
// (distributed/model_manifest.h): decode() never throws, whatever arrives; a frame it
// accepts encodes back to a frame that decodes to the same message; parse_manifest of
// its header either throws UserError or gives a manifest whose JSON parses back to the
// same; decode_layout either throws UserError or gives records that encode back to
// exactly the same bytes.
#include <cstdio>
#include <cstdlib>

#include "core/error.h"
#include "core/prepared_layout.h"
#include "distributed/model_manifest.h"
#include "distributed/wire.h"
#include "fuzz/fuzz_input.h"

namespace {

// parse_manifest throws UserError or gives a manifest whose JSON parses back to it.
void check_manifest(const nlohmann::json& header) {
  using namespace traceplay;
  try {
    const distributed::ModelManifest manifest = distributed::parse_manifest(header, 1 << 20);
    if (!(distributed::parse_manifest(distributed::to_json(manifest), 1 << 20) == manifest)) {
      std::fprintf(stderr, "parse_manifest -> to_json -> parse_manifest changed a manifest\n");
      std::abort();
    }
  } catch (const UserError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace traceplay;
  const std::string_view bytes = fuzz::as_text(data, size);
  const distributed::Decoded d = distributed::decode(bytes, 1 << 20);
  if (d.message) {
    const distributed::Decoded again = distributed::decode(distributed::encode(*d.message), 1 << 20);
    if (!again.message || again.message->type != d.message->type ||
        again.message->sequence != d.message->sequence || again.message->header != d.message->header ||
        again.message->blob != d.message->blob) {
      std::fprintf(stderr, "encode -> decode changed an accepted frame\n");
      std::abort();
    }
    check_manifest(d.message->header);
  }
  // The bytes as a MODEL_ANNOUNCE header too (a frame's checksum keeps most mutations
  // of a whole frame from reaching the manifest's checks).
  check_manifest(nlohmann::json::parse(bytes, nullptr, /*allow_exceptions=*/false));
  // The bytes as a layout too (a RESULT's blob, a spool or outbox file's contents).
  PreparedLayout layout;
  try {
    layout = decode_layout(bytes);
  } catch (const UserError&) {
    return 0;
  }
  if (encode_layout(layout) != bytes) {
    std::fprintf(stderr, "decode_layout -> encode_layout changed the bytes\n");
    std::abort();
  }
  return 0;
}
