// One preprocessed GTP command line split into its parts: `[id] command_name [arguments]`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace traceplay::gtp {

struct Command {
  std::string id;                 // the digits of the id as sent; empty when none
  std::string name;               // empty for a line holding only an id
  std::vector<std::string> args;  // whitespace-separated words
};

// Splits a preprocessed (non-empty) line. The first word is an id when it is all digits.
Command parse_command(std::string_view line);

}  // namespace traceplay::gtp
