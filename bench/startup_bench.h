// `traceplay bench startup`: the wall time of short commands run as new processes through
// `traceplay` (no LibTorch), each beside the same command through `traceplay-torch` (which
// loads LibTorch at start, as every command did when there was one binary).
#pragma once

#include <string>

#include "bench/bench.h"

namespace traceplay::bench {

// `binary` and `peer_binary`: the two executables' paths (apps/ finds them side by side).
int run_startup_bench(const BenchOptions& options, const std::string& binary, const std::string& peer_binary);

}  // namespace traceplay::bench
