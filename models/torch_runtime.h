// Process-wide LibTorch settings that every torch command makes the same way.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace traceplay::models {

// torch intra-op threads (0 = all cores) and one OpenBLAS thread: OpenBLAS threads on
// top of torch's own made training 30% slower here (DESIGN.md, Dependencies).
void configure_threads(int threads);

// "cpu", "cuda", "cuda:N" checked against what this build and machine have; throws
// UserError naming the flag otherwise. Returns the canonical device string.
std::string check_device(const std::string& device, const std::string& flag = "--device");

// {"libtorch": "1.13.0", "cuda": "13.0" or null}: what run.json records.
nlohmann::json library_info();

}  // namespace traceplay::models
