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
// that is not a well-formed sample line.
SampleRecord parse_sample_line(std::string_view line, const std::string& where);

// Calls fn(line, line_number from 1) for each newline-terminated line of `path` until
// fn returns false; returns the bytes of the lines it accepted (where appending resumes).
// A missing file is empty. Throws UserError when the file cannot be read.
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
