// Files a process keeps across its own crash (the learner's spool, an actor's outbox):
// written whole or not at all (core/atomic_file.h: temporary, fsync, rename), with the
// xxh64 of the contents in front (16 hex digits and a newline), so a damaged file is
// told apart from a good one when it is read back.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace traceplay::distributed {

void write_checked_file(const std::string& path, std::string_view bytes);
// Several files of one directory at once: written under temporary names, made durable
// with one syncfs, renamed, the directory fsynced. A crash leaves each whole or absent.
// Throws std::runtime_error on I/O failure (the temporaries are removed).
void write_checked_files(const std::string& dir,
                         const std::vector<std::pair<std::string, std::string_view>>& files);
// The contents; UserError naming the path when the file is short or its checksum differs.
std::string read_checked_file(const std::string& path);
// fsync of a directory, so that the renames into it are durable too.
void fsync_directory(const std::string& dir);

}  // namespace traceplay::distributed
