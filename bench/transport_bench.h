// `traceplay bench transport` (issue [6]): what one learner ingests over TCP loopback,
// beside what actors produce, in the same run:
//   - "produce": one thread making maze layouts (records/s, MB/s of encoded layouts);
//   - "ingest": S sender threads, each its own DEALER socket speaking the wire protocol,
//     sending ready-made layouts to a GenLearner whose consumer takes them in order
//     (records/s, MB/s, lease-free: results are accepted for any layout in range); its
//     ratio is ingestion over what S threads like "produce" make;
//   - "gen-actors": `traceplay gen --actors A` against `traceplay gen --threads T` (real
//     processes, the same dataset): records/s of each and the ratio, the learner's
//     lease-to-stored latency and its peak memory;
//   - "model-delivery": the seconds from a ModelPublisher's publish() to the last of 16
//     ModelFetchers (`--quick`: 4; threads of this process) having installed a 50 MB
//     model (`--quick`: 5 MB) in its own store, and the MB/s delivered in all.
#pragma once

#include <string>

#include "bench/bench.h"

namespace traceplay::bench {

// `binary`: the traceplay executable (for the gen-actors case).
int run_transport_bench(const BenchOptions& options, const std::string& binary);

}  // namespace traceplay::bench
