// CLI11 validators shared by the subcommands.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

namespace traceplay::apps {

// A non-negative integer written in digits: CLI11 would wrap "-1" around into a
// uint64_t seed.
inline const CLI::Validator kDigits(
    [](std::string& text) {
      return !text.empty() && text.find_first_not_of("0123456789") == std::string::npos
                 ? std::string()
                 : "must be a non-negative integer, got " + text;
    },
    "UINT");

}  // namespace traceplay::apps
