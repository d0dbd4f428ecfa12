#include "apps/gtp/preprocess.h"

namespace traceplay::gtp {

std::string preprocess_line(std::string_view raw) {
  std::string out;
  out.reserve(raw.size());
  bool blank = true;
  for (char ch : raw) {
    const auto c = static_cast<unsigned char>(ch);
    if (c == '#') break;
    if (c == '\t') {
      out.push_back(' ');
      continue;
    }
    // Control characters (0..31 and DEL) other than HT are discarded; LF never reaches here.
    if (c < 32 || c == 127) continue;
    if (c != ' ') blank = false;
    out.push_back(ch);
  }
  if (blank) out.clear();
  return out;
}

}  // namespace traceplay::gtp
