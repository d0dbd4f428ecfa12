// `traceplay bench train` and `traceplay bench decode`: the Searchformer model's
// training and cached-decoding throughput beside PyTorch eager (bench/torch_peer.py, run
// under /usr/bin/python3 when it is there) and beside our own uncached decoding.
#pragma once

#include "bench/bench.h"

namespace traceplay::bench {

int run_train_bench(const BenchOptions& options);
int run_decode_bench(const BenchOptions& options);
// bench/selfplay_bench.cpp: the Go net's evaluations/s by batch and self-play positions/s.
int run_selfplay_bench(const BenchOptions& options);

}  // namespace traceplay::bench
