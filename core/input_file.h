// Files a user names as input (SGF games, Sokoban levels, maze tasks, configs,
// manifests) are read with a size cap and only when they are regular files: a FIFO, a
// device such as /dev/zero or a multi-GB file would otherwise block or grow memory
// without bound (issue 19). Errors name the path and say what it is.
#pragma once

#include <cstddef>
#include <string>

namespace traceplay {

// The largest input file read: 16 MiB, far above any real level collection, task,
// config, manifest or game record (a 1000-level Boxoban file is about 100 KB; a long
// SGF collection a few MB) and small enough to hold in memory at once.
constexpr size_t kMaxInputFileBytes = size_t{16} << 20;

// The whole of `path`, which must be a regular file of at most `max_bytes` (checked on
// the open file, and again while reading, so a file growing meanwhile is caught too).
// UserError "cannot read PATH: no such file or directory" / "is a directory" / "is not
// a regular file (a FIFO)" / "is larger than the limit of N bytes" / the system's
// reason. A FIFO is opened without blocking, so no writer is waited for.
std::string read_input_file(const std::string& path, size_t max_bytes = kMaxInputFileBytes);

// For readers that seek rather than read whole (safetensors): `path` opened read-only
// (close-on-exec) after the same checks as read_input_file but the size, which the
// caller checks against what it reads. The caller owns the descriptor.
int open_input_file(const std::string& path);

// What `path` is when it is not a regular file ("is a directory", "is not a regular
// file (a FIFO)", "no such file or directory"); empty for a regular file.
std::string not_a_regular_file(const std::string& path);

}  // namespace traceplay
