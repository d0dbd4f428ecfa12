#include "core/input_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <utility>

#include "core/error.h"
#include "core/escape.h"

namespace traceplay {

namespace {

// What a file of mode `mode` is, said to someone who named it as an input file.
std::string describe_mode(mode_t mode) {
  if (S_ISREG(mode)) return {};
  if (S_ISDIR(mode)) return "is a directory";
  if (S_ISFIFO(mode)) return "is not a regular file (a FIFO)";
  if (S_ISCHR(mode)) return "is not a regular file (a character device)";
  if (S_ISBLK(mode)) return "is not a regular file (a block device)";
  if (S_ISSOCK(mode)) return "is not a regular file (a socket)";
  return "is not a regular file";
}

std::string system_reason(int error) {
  std::string reason = std::strerror(error);
  if (!reason.empty()) reason[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(reason[0])));
  return reason;
}

class Descriptor {
 public:
  explicit Descriptor(int fd) : fd_(fd) {}
  int release() { return std::exchange(fd_, -1); }
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

std::string not_a_regular_file(const std::string& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return system_reason(errno);
  return describe_mode(info.st_mode);
}

namespace {

UserError cannot_read(const std::string& path, const std::string& reason) {
  return UserError("cannot read " + escaped(path) + ": " + reason);
}

// `path` opened, checked to be a regular file; its stat in `info`.
int open_regular(const std::string& path, struct stat& info) {
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer. It has no
  // effect on regular files, the only kind returned.
  Descriptor fd(::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) throw cannot_read(path, system_reason(errno));
  if (::fstat(fd.get(), &info) != 0) throw cannot_read(path, system_reason(errno));
  if (const std::string what = describe_mode(info.st_mode); !what.empty()) throw cannot_read(path, what);
  return fd.release();
}

}  // namespace

int open_input_file(const std::string& path) {
  struct stat info {};
  return open_regular(path, info);
}

std::string read_input_file(const std::string& path, size_t max_bytes) {
  const auto fail = [&](const std::string& reason) { return cannot_read(path, reason); };
  struct stat info {};
  const Descriptor fd(open_regular(path, info));
  const std::string too_large = "is larger than the limit of " + std::to_string(max_bytes) + " bytes";
  if (static_cast<unsigned long long>(info.st_size) > max_bytes) throw fail(too_large);

  std::string out;
  out.reserve(static_cast<size_t>(info.st_size));
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw fail(system_reason(errno));
    }
    if (n == 0) break;
    if (static_cast<size_t>(n) > max_bytes - out.size()) throw fail(too_large);
    out.append(buffer, static_cast<size_t>(n));
  }
  return out;
}

}  // namespace traceplay
