// Files that appear whole or not at all (DESIGN.md: everything written goes to a
// temporary name and is renamed, so a killed process never leaves a truncated file).
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace traceplay {

// Writes `bytes` to `path` through `path.tmp-<pid>`, fsync, rename. Throws
// std::runtime_error on I/O failure (the temporary is removed).
void write_file_atomic(const std::string& path, std::string_view bytes);

// Reads a whole regular file (the program's own files: no size cap; what a user names as
// input goes through core/input_file.h's read_input_file); throws UserError naming the
// path when it cannot be read or is not a regular file.
std::string read_file(const std::string& path);

// A file being written under a temporary name; commit() renames it into place,
// destruction without commit() removes the temporary.
class AtomicFile {
 public:
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(const void* data, size_t size);
  void write(std::string_view bytes) { write(bytes.data(), bytes.size()); }
  void commit();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::string temp_path_;
  std::FILE* file_ = nullptr;
};

}  // namespace traceplay
