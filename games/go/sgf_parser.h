// The SGF FF[4] reader: text -> game trees, in one iterative pass (no recursion, so
// nesting depth costs heap, not stack), with limits that keep a hostile file from
// exhausting memory, and one error naming the byte offset of what is wrong.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/input_file.h"
#include "games/go/sgf_tree.h"

namespace traceplay::go {

// Generous for real files (a 400-move game with comments is ~20 kB; big collections a
// few MB), small enough that the worst file costs a bounded few hundred MB at most.
struct SgfLimits {
  size_t max_bytes = kMaxInputFileBytes;   // whole file (core/input_file.h)
  size_t max_nodes = 250000;               // all games together
  size_t max_depth = 10000;                // nested '(' (variations of variations)
  size_t max_values = 1000000;             // all property values together
  size_t max_values_per_property = 10000;  // a 25x25 board has 625 points
  size_t max_identifier_length = 32;       // "B", "KM", private "MULTIGOGM", ...
};

// A malformed SGF: what() is "NAME: byte N: REASON" (N counted from 0), so the CLI
// prints it as is (it is a UserError: exit 2) and GTP can answer `? cannot load file`.
class SgfError : public UserError {
 public:
  SgfError(const std::string& name, size_t offset, const std::string& reason);
  size_t offset() const { return offset_; }
  const std::string& reason() const { return reason_; }

 private:
  size_t offset_;
  std::string reason_;
};

// Every game tree of a collection, in file order; at least one. `name` (a path, or
// "<sgf>" for text from elsewhere) starts every error message. Lower-case letters in
// identifiers are dropped ("AddBlack" is AB, as FF[3] files wrote them); a property
// repeated in one node has its values appended to the first (as @sabaki/sgf does).
// Whitespace and a UTF-8 byte-order mark may surround the games; anything else is an
// error.
std::vector<SgfTree> parse_sgf(std::string_view text, const std::string& name, const SgfLimits& limits = {});

}  // namespace traceplay::go
