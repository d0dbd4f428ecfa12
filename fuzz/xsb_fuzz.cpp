// .xsb / Boxoban level collections (games/sokoban/collection.h): parse_collection either
// returns levels or throws UserError; every level it returns writes back to rows that
// parse to the same level.
#include <cstdio>
#include <cstdlib>

#include "core/error.h"
#include "fuzz/fuzz_input.h"
#include "games/sokoban/collection.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace traceplay;
  std::vector<sokoban::CollectionLevel> levels;
  try {
    levels = sokoban::parse_collection(fuzz::as_text(data, size), "<fuzz>");
  } catch (const UserError&) {
    return 0;
  }
  for (const auto& entry : levels) {
    const sokoban::Level again = sokoban::Level::from_rows(entry.level.to_rows());
    if (again.to_string() != entry.level.to_string()) {
      std::fprintf(stderr, "level at line %d does not survive to_rows -> from_rows\n", entry.line);
      std::abort();
    }
  }
  return 0;
}
