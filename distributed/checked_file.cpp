#include "distributed/checked_file.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
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

void write_checked_files(const std::string& dir,
                         const std::vector<std::pair<std::string, std::string_view>>& files) {
  if (files.empty()) return;
  const std::string suffix = ".tmp-" + std::to_string(::getpid());
  std::vector<std::string> temporaries;
  auto clean = [&temporaries] {
    for (const auto& t : temporaries) ::unlink(t.c_str());
  };
  for (const auto& [name, bytes] : files) {
    const std::string temp = dir + "/" + name + suffix;
    FILE* f = std::fopen(temp.c_str(), "wb");
    if (!f) {
      clean();
      throw std::runtime_error("cannot create " + temp + ": " + std::strerror(errno));
    }
    temporaries.push_back(temp);
    const std::string sum = hex16(xxh64(bytes)) + "\n";
    const bool ok = std::fwrite(sum.data(), 1, sum.size(), f) == sum.size() &&
                    (bytes.empty() || std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size());
    if (std::fclose(f) != 0 || !ok) {
      clean();
      throw std::runtime_error("cannot write " + temp);
    }
  }
  // One flush of the file system for the whole batch instead of one fsync a file.
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY);
  if (fd < 0 || ::syncfs(fd) != 0) {
    if (fd >= 0) ::close(fd);
    clean();
    throw std::runtime_error("cannot sync " + dir + ": " + std::strerror(errno));
  }
  ::close(fd);
  for (size_t i = 0; i < files.size(); ++i)
    if (std::rename(temporaries[i].c_str(), (dir + "/" + files[i].first).c_str()) != 0) {
      clean();
      throw std::runtime_error("cannot rename into " + dir + "/" + files[i].first);
    }
  fsync_directory(dir);
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
  if (sum != xxh64(std::string_view(bytes).substr(17)))
    throw UserError(path + ": checksum mismatch (damaged)");
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
