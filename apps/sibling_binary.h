// Paths of the executables installed beside this one (traceplay and traceplay-torch live
// in one folder: apps/README.md, "Two executables").
#pragma once

#include <string>

namespace traceplay::apps {

// `name` in the folder of the running executable (/proc/self/exe, so a symlink or a
// relative argv[0] does not mislead it). Throws UserError when /proc/self/exe cannot be
// read; whether the file is there is the caller's to check.
std::string sibling_binary(const std::string& name);

}  // namespace traceplay::apps
