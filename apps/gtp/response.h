// GTP responses: `=[id] result\n\n` on success, `?[id] message\n\n` on failure. A
// response ends at the first empty line, so the text is made safe: no empty line inside
// (one becomes a single space), no trailing newlines; an error message is one line.
#pragma once

#include <string>

namespace traceplay::gtp {

std::string success_response(const std::string& id, const std::string& text);
std::string failure_response(const std::string& id, const std::string& message);
// The first line of a streamed response (analysis): "=id\n"; the stream must end with "\n".
std::string stream_header(const std::string& id);

// `text` with no empty line inside and no trailing newline (the body of a response).
std::string response_body(const std::string& text);

}  // namespace traceplay::gtp
