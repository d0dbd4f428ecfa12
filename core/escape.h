// Bytes from outside (a damaged file, a network peer, argv) as an error message may
// quote them: printable ASCII and well-formed UTF-8 as they are, every other byte
// (control characters, DEL, bytes that are not valid UTF-8) as \xNN. So a message stays
// one line of valid text on a terminal or in a log, whatever the input held.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace traceplay {

std::string escaped(std::string_view bytes);

// At most `max_bytes` of `bytes` (never cutting a UTF-8 character), escaped, with "..."
// when something was left off: a token or a line quoted in a message.
std::string escaped_excerpt(std::string_view bytes, size_t max_bytes);

}  // namespace traceplay
