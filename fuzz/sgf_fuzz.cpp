// SGF (games/go/sgf_parser.h, sgf_reader.h) and GTP's loadsgf on the same bytes: the
// parser either returns trees or throws UserError (SgfError); every game it interprets
// writes back (sgf_writer.h) to text that reads as the same record (game_record.h's
// promise); and the GTP engine loading the bytes as a file answers with one response.
#include <cstdio>
#include <cstdlib>

#include "core/error.h"
#include "fuzz/fuzz_input.h"
#include "fuzz/gtp_fuzz_engine.h"
#include "games/go/sgf_reader.h"
#include "games/go/sgf_writer.h"

namespace {

void check_round_trip(const traceplay::go::GameRecord& record) {
  using namespace traceplay;
  const std::string written = go::write_sgf(record);
  go::GameRecord again;
  try {
    again = go::read_sgf_game(written, "<written>");
  } catch (const UserError& e) {
    std::fprintf(stderr, "write_sgf output does not read back: %s\n%s\n", e.what(), written.c_str());
    std::abort();
  }
  if (!(again == record)) {
    std::fprintf(stderr, "write_sgf -> read_sgf_game changed the record:\n%s\n", written.c_str());
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace traceplay;
  const std::string_view text = fuzz::as_text(data, size);
  try {
    for (const go::SgfTree& tree : go::parse_sgf(text, "<fuzz>")) {
      go::GameRecord record;
      try {
        record = go::record_from_sgf_tree(tree, "<fuzz>");
      } catch (const UserError&) {
        continue;
      }
      check_round_trip(record);
    }
  } catch (const UserError&) {
  }

  // The engine's own path: a regular file, read with its limits, replayed on a board.
  const std::string path = fuzz::write_scratch_file("game.sgf", text);
  fuzz::GtpFuzzEngine engine;
  engine.answer("loadsgf " + path);
  engine.answer("loadsgf " + path + " 3");
  engine.answer("showboard");
  engine.answer("printsgf");
  return 0;
}
