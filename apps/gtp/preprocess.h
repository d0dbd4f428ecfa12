// GTP v2 input preprocessing (spec section 2.5), done on every line before parsing:
// control characters other than HT and LF are discarded (CR included), everything from
// a '#' on is a comment and is dropped, HT reads as a space. A line that is then empty
// or only whitespace gets no response at all.
#pragma once

#include <string>
#include <string_view>

namespace traceplay::gtp {

// The cleaned line (no LF: `raw` is one line without its terminator), or "" when the
// engine must not answer it.
std::string preprocess_line(std::string_view raw);

}  // namespace traceplay::gtp
