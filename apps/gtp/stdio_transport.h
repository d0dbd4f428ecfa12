// GTP over the process's stdin/stdout: stdout carries GTP only (logs go to stderr).
#pragma once

#include "apps/gtp/engine.h"

namespace traceplay::gtp {

// Runs `engine` on stdin/stdout until quit or the end of stdin.
void serve_stdio(Engine& engine);

}  // namespace traceplay::gtp
