// Errors that cross module boundaries, and the exit codes the CLI maps them to.
#pragma once

#include <stdexcept>
#include <string>

namespace traceplay {

// Exit codes shared by every subcommand (DESIGN.md: bad input is 2, Ctrl-C 130, SIGTERM 143).
enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,
  kExitBadInput = 2,
  kExitSigint = 130,
  kExitSigterm = 143,
};

// Bad input from the user: a malformed file, flag or config. The message names the
// file/line/field; the CLI prints it once on stderr and exits 2.
class UserError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace traceplay
