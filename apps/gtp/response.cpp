#include "apps/gtp/response.h"

namespace traceplay::gtp {

std::string response_body(const std::string& text) {
  size_t end = text.size();
  while (end > 0 && text[end - 1] == '\n') --end;
  std::string out;
  out.reserve(end);
  for (size_t i = 0; i < end; ++i) {
    const char c = text[i];
    // An empty line would end the response early: give it a space.
    if (c == '\n' && !out.empty() && out.back() == '\n') out.push_back(' ');
    out.push_back(c);
  }
  return out;
}

std::string success_response(const std::string& id, const std::string& text) {
  const std::string body = response_body(text);
  return "=" + id + (body.empty() ? "" : " " + body) + "\n\n";
}

std::string failure_response(const std::string& id, const std::string& message) {
  std::string line = message;
  for (char& c : line)
    if (c == '\n') c = ' ';
  return "?" + id + (line.empty() ? "" : " " + line) + "\n\n";
}

std::string stream_header(const std::string& id) { return "=" + id + "\n"; }

}  // namespace traceplay::gtp
