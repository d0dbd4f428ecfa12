// Dataset shards (DESIGN.md, pinned): zstd-compressed JSON Lines, one record a line,
//   {"id": "16 hex", "layout": "16 hex", "prompt": [ids], "trace": [ids], "plan": [ids], "meta": {...}}
// with exactly this key order and no spaces. A shard's checksum, listed in the
// manifest as "xxh64", is XXH64 with seed 0 of the shard *file's* bytes (the
// compressed stream, as stored), written as 16 lowercase hex digits: a reader checks
// it before decompressing anything, and Python can check it without zstd.
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/atomic_file.h"
#include "core/hash.h"
#include "core/trace_source.h"

struct ZSTD_CCtx_s;
struct ZSTD_DCtx_s;

namespace traceplay {

// What the manifest says about one shard file (its name relative to the dataset).
struct ShardInfo {
  std::string file;
  uint64_t records = 0;
  uint64_t xxh64 = 0;
};

// Limits on a record (DESIGN.md, "Limits on untrusted input"): a shard is zstd, so a
// few KB of file can decompress to gigabytes of one line; the reader holds at most
// kMaxRecordLineBytes of a line, and a record's prompt, trace and plan hold at most
// kMaxRecordTokens ids each (the writer refuses beyond them too, so every dataset
// written reads back). Real traces reach millions of tokens: a Boxoban level traced
// with no expansion cap gave 4.6 Mi (about 18 MB of line), so 16 Mi tokens, about what
// fits in the line limit at 4 bytes a token.
constexpr size_t kMaxRecordLineBytes = size_t{64} << 20;
constexpr uint64_t kMaxRecordTokens = uint64_t{1} << 24;

// Throws UserError naming `where` when a part of `record` is over kMaxRecordTokens.
void check_record_lengths(uint64_t prompt, uint64_t trace, uint64_t plan, const std::string& where);

// Appends one record as its JSON line (without the newline) to `out`. Integers are
// written by hand: a 30x30 maze trace is thousands of them, and generic JSON
// serialization would cost more than the search that made them.
void append_record_json(std::string& out, const DatasetRecord& record);

// Parses one line back; throws UserError (naming `where`) on malformed input.
DatasetRecord parse_record_json(std::string_view line, const std::string& where);

// Writes a shard through a temporary file (core/atomic_file.h): the file appears under
// its name, complete, on finish(), or not at all. Compression streams in 1 MiB pieces,
// so memory stays flat for any shard size; the output depends only on the lines
// added, never on timing or threads.
class ShardWriter {
 public:
  static constexpr int kCompressionLevel = 3;

  // `path`: the final file path; `file_name`: the name the ShardInfo reports.
  ShardWriter(const std::string& path, std::string file_name);
  ~ShardWriter();
  ShardWriter(const ShardWriter&) = delete;
  ShardWriter& operator=(const ShardWriter&) = delete;

  void add(const DatasetRecord& record);
  // An already serialized record (append_record_json output, without the newline).
  void add_line(std::string_view line);
  uint64_t records() const { return records_; }
  // Flushes the zstd frame, fsyncs and renames the file into place.
  ShardInfo finish();

 private:
  void compress(bool end);

  AtomicFile file_;
  std::string file_name_;
  ZSTD_CCtx_s* cctx_ = nullptr;
  std::string pending_;  // uncompressed lines not yet handed to zstd
  std::string out_;      // compression output buffer
  std::string scratch_;  // one serialized record
  Xxh64Stream hash_;
  uint64_t records_ = 0;
  bool finished_ = false;
};

// XXH64 (seed 0) of a whole file, read in pieces; throws UserError when unreadable.
uint64_t xxh64_file(const std::string& path);

// Streams the lines of a shard. With `expected`, the file's xxh64 is checked before
// the first line is returned, and the line count at the end; any mismatch, a
// truncated zstd frame or bytes after it throw UserError naming the file.
class ShardReader {
 public:
  ShardReader(const std::string& path, const ShardInfo* expected = nullptr);
  ~ShardReader();
  ShardReader(const ShardReader&) = delete;
  ShardReader& operator=(const ShardReader&) = delete;

  // The next line (valid until the next call), or false at the end.
  bool next_line(std::string_view& line);
  bool next(DatasetRecord& record);
  uint64_t lines_read() const { return lines_; }
  const std::string& path() const { return path_; }

 private:
  bool fill();  // decompresses more into buffer_; false at the end of the stream

  std::string path_;
  const ShardInfo* expected_;
  std::FILE* file_ = nullptr;
  ZSTD_DCtx_s* dctx_ = nullptr;
  std::string in_;  // compressed bytes read, not yet consumed
  size_t in_pos_ = 0;
  std::string buffer_;  // decompressed bytes
  size_t pos_ = 0;      // start of the next line in buffer_
  bool frame_done_ = true;
  bool eof_ = false;
  uint64_t lines_ = 0;
};

// Reads a whole shard, checking it against `expected` (when given).
std::vector<DatasetRecord> read_shard(const std::string& path, const ShardInfo* expected = nullptr);

}  // namespace traceplay
