// `traceplay train --nproc N`: runs N copies of this command on this machine as ranks
// 0..N-1 of one data-parallel run over loopback (127.0.0.1 and a free port), forwards
// SIGINT/SIGTERM to them, and fails cleanly when one fails: the others are stopped and
// the failing rank's exit code is returned.
#pragma once

#include <string>
#include <vector>

namespace traceplay::apps {

// The command line of this process without its --nproc flag (read from /proc/self/cmdline).
std::vector<std::string> own_arguments_without_nproc();

// Runs `nproc` ranks of `arguments` (argv[0] onward; argv[0] is replaced by this
// executable) with --world-size, --rank and --master appended; returns the exit code
// (rank 0's when every rank ends the same way, else the first failing rank's).
int launch_ranks(int nproc, const std::vector<std::string>& arguments);

}  // namespace traceplay::apps
