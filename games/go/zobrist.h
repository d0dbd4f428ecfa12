// 64-bit Zobrist keys for Go positions: one key per (colour, padded point), plus one
// key per side to move for situational superko. The table is a constant computed at
// compile time from a fixed splitmix64 stream, so hashes are the same in every process,
// thread, build and in the Python bindings (records and tests may store them).
#pragma once

#include <array>
#include <cstdint>

#include "games/go/types.h"

namespace traceplay::go {

constexpr int kMaxStride = kMaxBoardSize + 2;        // one border line on each side
constexpr int kMaxPoints = kMaxStride * kMaxStride;  // padded point array length

namespace detail {

constexpr uint64_t splitmix64_step(uint64_t& x) {
  uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

struct ZobristTable {
  // keys[colour][point]; colour 0 (empty) keys are zero so that xor-ing an empty point is a no-op.
  std::array<std::array<uint64_t, kMaxPoints>, 3> stone{};
  std::array<uint64_t, 3> to_move{};
};

constexpr ZobristTable make_zobrist_table() {
  ZobristTable t{};
  uint64_t state = 0x5eed0f60a1b2c3d4ULL;
  for (int c = 1; c <= 2; ++c)
    for (int p = 0; p < kMaxPoints; ++p) t.stone[c][p] = splitmix64_step(state);
  t.to_move[1] = splitmix64_step(state);
  t.to_move[2] = splitmix64_step(state);
  return t;
}

inline constexpr ZobristTable kZobrist = make_zobrist_table();

}  // namespace detail

// The key of a stone of colour c (kBlack or kWhite) on padded point p.
inline uint64_t zobrist_stone(Color c, int p) { return detail::kZobrist.stone[static_cast<int>(c)][p]; }
// The key xor-ed into a situational-superko key for the side to move.
inline uint64_t zobrist_to_move(Color c) { return detail::kZobrist.to_move[static_cast<int>(c)]; }

}  // namespace traceplay::go
