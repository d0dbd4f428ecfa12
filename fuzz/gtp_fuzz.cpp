// GTP command lines (apps/gtp): the input is a session, split into lines as the
// transports split them (session.h LineSplitter, with its line-length cap), each line
// answered by a fresh engine per input (so a sequence of commands builds up state).
// Every non-empty line must get exactly one well-formed response; the engine never
// throws. At most 64 lines an input keep the work per input bounded. `loadsgf` and
// `printsgf` with arguments are skipped: they would read and write arbitrary paths here
// (the sgf target runs loadsgf on its own scratch file).
#include "apps/gtp/session.h"
#include "fuzz/fuzz_input.h"
#include "fuzz/gtp_fuzz_engine.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace traceplay;
  std::vector<std::string> lines;
  gtp::LineSplitter splitter;
  const auto keep = [&lines](gtp::InputLine line) { lines.push_back(std::move(line.text)); };
  splitter.feed(reinterpret_cast<const char*>(data), size, keep);
  splitter.finish(keep);

  fuzz::GtpFuzzEngine engine;
  int executed = 0;
  for (const std::string& line : lines) {
    const gtp::Command command = gtp::parse_command(gtp::preprocess_line(line));
    if ((command.name == "loadsgf" || command.name == "printsgf") && !command.args.empty()) continue;
    if (++executed > 64) break;
    if (!engine.answer(line)) break;
  }
  return 0;
}
