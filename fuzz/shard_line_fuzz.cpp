// Dataset shard lines (core/shard.h parse_record_json): each input line either parses or
// throws UserError; a parsed record writes back (append_record_json) to a line that
// parses to the same record.
#include <cstdio>
#include <cstdlib>

#include "core/error.h"
#include "core/shard.h"
#include "fuzz/fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace traceplay;
  for (std::string_view line : fuzz::split_lines(fuzz::as_text(data, size))) {
    DatasetRecord record;
    try {
      record = parse_record_json(line, "<fuzz>");
    } catch (const UserError&) {
      continue;
    }
    std::string written;
    append_record_json(written, record);
    const DatasetRecord again = parse_record_json(written, "<written>");
    if (again.id != record.id || again.layout != record.layout || again.prompt != record.prompt ||
        again.trace != record.trace || again.plan != record.plan || again.meta != record.meta) {
      std::fprintf(stderr, "append_record_json -> parse_record_json changed the record:\n%s\n",
                   written.c_str());
      std::abort();
    }
  }
  return 0;
}
