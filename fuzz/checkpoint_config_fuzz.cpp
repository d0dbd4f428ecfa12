// Checkpoint config.json (DESIGN.md, pinned): the architecture objects of both kinds of
// checkpoint, read by their torch-free parsers (models/transformer_config.h "arch",
// models/go_net_config.h "net"), and the summary `inspect` prints
// (models/checkpoint_dir.h). The input is the config.json; each reader either succeeds or
// throws UserError, and what it read writes back (to_json) to the same config.
#include <cstdio>
#include <cstdlib>

#include "core/error.h"
#include "fuzz/fuzz_input.h"
#include "models/checkpoint_dir.h"
#include "models/go_net_config.h"
#include "models/transformer_config.h"

namespace {

template <class Config>
void read_and_round_trip(const nlohmann::json& j, const char* what) {
  using namespace traceplay;
  Config config;
  try {
    config = Config::from_json(j, "<fuzz>");
  } catch (const UserError&) {
    return;
  }
  const nlohmann::ordered_json written = config.to_json();
  const Config again = Config::from_json(nlohmann::json::parse(written.dump()), "<written>");
  if (again.to_json() != written) {
    std::fprintf(stderr, "%s: to_json -> from_json changed the config: %s\n", what, written.dump().c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace traceplay;
  const std::string_view text = fuzz::as_text(data, size);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception&) {
  }
  if (j.is_object()) {
    if (j.contains("arch")) read_and_round_trip<models::TransformerConfig>(j["arch"], "arch");
    if (j.contains("net")) read_and_round_trip<models::GoNetConfig>(j["net"], "net");
  }
  read_and_round_trip<models::TransformerConfig>(j, "arch");
  read_and_round_trip<models::GoNetConfig>(j, "net");

  fuzz::write_scratch_file("config.json", text);
  try {
    models::read_checkpoint_summary(fuzz::scratch_dir());
  } catch (const UserError&) {
  }
  return 0;
}
