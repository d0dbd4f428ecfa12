// Where a result came from: traceplay version and git SHA, library versions, the
// machine, and wall-clock times -- what run.json and benchmark lines record.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace traceplay {

// {"hostname", "cpu", "cores", "memory_gib", "os"}
nlohmann::json machine_info();
// {"traceplay": version, "git": sha, "compiler": ...}
nlohmann::json build_info();
// Local time as ISO 8601 with offset, e.g. "2026-11-23T16:05:00+0000".
std::string now_iso8601();

}  // namespace traceplay
