// The parameters file of an output directory (eval.json, bootstrap.json:
// {"format", "version", "parameters": {...}, ...}), written first so that a rerun can tell
// whether the directory holds its own work (resume, "already done") or other work
// (refused unless --force). Torch-free.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace traceplay::models {

// nullopt when PATH's "parameters" equal `asked`; else what differs, as
// "samples 4 (asked 8), mode "fast" (asked null)" (keys missing on either side count),
// or "unreadable PATH" when the file is not such a JSON object.
std::optional<std::string> stored_parameters_differ(const std::string& path, const nlohmann::json& asked);

}  // namespace traceplay::models
