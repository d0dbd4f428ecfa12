// glibc malloc settings for processes that allocate and free many large tensors.
//
// By default glibc serves large blocks with fresh mmap()s and returns freed heap tops to
// the kernel, so every training step page-faults its activations in again (measured
// here: a fifth to a third of a CPU training step went to page faults). Keeping freed
// memory in the process makes steps after the first reuse it: the peak resident memory
// stays what the largest step needs, and steps run 1.5x faster on CPU.
#pragma once

namespace traceplay::models {

// Serves every allocation from the heap and never trims it (mallopt M_MMAP_MAX = 0,
// M_TRIM_THRESHOLD = -1, M_TOP_PAD = 256 MiB). Call once, early; idempotent. A no-op
// where the C library is not glibc.
void keep_freed_memory();

}  // namespace traceplay::models
