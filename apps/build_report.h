// The lines `gen` and `learner` print about a dataset build: one human line ("built",
// "already done", or on stderr "interrupted; run the same command to resume") and, with
// --json, the summary object as the last line of stdout (with the learner's counters
// under "learner" when the layouts came from actors).
#pragma once

#include <string>

#include "core/dataset_builder.h"

namespace traceplay::apps {

void print_build_result(const BuildResult& r, const std::string& out, bool json, const std::string& command,
                        const nlohmann::json& learner = nullptr);

}  // namespace traceplay::apps
