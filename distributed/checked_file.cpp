#include "distributed/checked_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <stdexcept>

#include "core/atomic_file.h"
#include "core/error.h"
#include "core/hash.h"

namespace traceplay::distributed {

void write_checked_file(const std::string& path, std::string_view bytes) {
  std::string out = hex16(xxh64(bytes)) + "\n";
  out += bytes;
  write_file_atomic(path, out);
}

std::string read_checked_file(const std::string& path) {
  std::string bytes = read_file(path);
  if (bytes.size() < 17 || bytes[16] != '\n') throw UserError(path + " is not a checked file (too short)");
  uint64_t sum = 0;
  try {
    sum = parse_hex16(std::string_view(bytes).substr(0, 16));
  } catch (const std::exception&) {
    throw UserError(path + " is not a checked file (no checksum)");
  }
  if (sum != xxh64(std::string_view(bytes).substr(17))) throw UserError(path + ": checksum mismatch (damaged)");
  return bytes.substr(17);
}

void fsync_directory(const std::string& dir) {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0) throw std::runtime_error("cannot open " + dir);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw std::runtime_error("cannot fsync " + dir);
}

}  // namespace traceplay::distributed
