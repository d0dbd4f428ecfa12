// samples.jsonl (pinned, read by bootstrapping): one line per task and sample,
//   {"id": "16 hex", "sample": i, "tokens": [strings], "trace_tokens": t,
//    "plan_positions": l, "correct": bool, "optimal": bool, "reason": null | "why"}
// in exactly this key order. Written by appending whole lines as samples finish (a
// sampler may run for hours), read back on resume: only newline-terminated lines count,
// so a line torn by a kill is dropped. Torch-free.
#pragma once

#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/eval_metrics.h"

namespace traceplay::models {

// Limits on responses (DESIGN.md, "Limits on untrusted input"): the longest response a
// sampler writes (--max-len, or the manifest's longest trace + plan) and that a
// samples.jsonl line may hold, and the longest such line (tokens are short strings:
// a response at the limit takes ~10 MB). Real responses are at most a few thousand
// tokens; the limits keep a damaged file or manifest from asking for gigabytes.
constexpr int64_t kMaxResponseTokens = int64_t{1} << 20;
constexpr size_t kMaxSampleLineBytes = size_t{64} << 20;

struct SampleRecord {
  uint64_t id = 0;
  int64_t sample = 0;
  std::vector<std::string> tokens;
  SampleOutcome outcome;
  std::optional<std::string> reason;
};

// Appends the record's line, '\n' included.
void append_sample_line(std::string& out, const SampleRecord& record);
// Parses one line (without its newline); throws UserError naming `where` for anything
// that is not a well-formed sample line (more than kMaxResponseTokens tokens, or a
// trace_tokens / plan_positions above it, included).
SampleRecord parse_sample_line(std::string_view line, const std::string& where);

// Calls fn(line, line_number from 1) for each newline-terminated line of `path` until
// fn returns false; returns the bytes of the lines it accepted (where appending resumes).
// A missing file is empty. Throws UserError when the file cannot be read, is not a
// regular file, or holds a line longer than kMaxSampleLineBytes (naming the line).
uint64_t read_complete_lines(const std::string& path,
                             const std::function<bool(std::string_view, uint64_t)>& fn);

// Appends lines to a file after its first `keep_bytes` bytes (the rest, a torn line or
// lines to redo, is cut off). flush() hands what was appended to the kernel, so a killed
// process loses nothing flushed; close() also fsyncs.
class SampleAppender {
 public:
  SampleAppender(const std::string& path, uint64_t keep_bytes);
  ~SampleAppender();
  SampleAppender(const SampleAppender&) = delete;
  SampleAppender& operator=(const SampleAppender&) = delete;

  void append(std::string_view lines);
  void flush();
  void close();

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
};

}  // namespace traceplay::models
