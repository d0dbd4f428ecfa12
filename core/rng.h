// Seeded random numbers that give the same stream on every platform and library.
//
// std::uniform_int_distribution and std::shuffle are implementation-defined, so a
// dataset made with them could differ between libstdc++ versions. Rng fixes the
// generator (xoshiro256**, seeded through splitmix64) and the derivations
// (Lemire's unbiased bounded integers, Fisher-Yates), which is what the pinned
// "same seed => byte-identical dataset" promise needs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace traceplay {

class Rng {
 public:
  explicit Rng(uint64_t seed = 0) { reseed(seed); }

  // Independent stream k of a seed: layout k of a dataset draws from stream(seed, k),
  // so layouts can be generated in any order, on any thread.
  static Rng stream(uint64_t seed, uint64_t k) {
    uint64_t mix = seed;
    uint64_t a = splitmix64(mix);
    uint64_t b = k ^ 0x6a09e667f3bcc909ULL;
    uint64_t c = splitmix64(b);
    return Rng(a ^ (c * 0x9e3779b97f4a7c15ULL) ^ (k << 1 | 1));
  }

  void reseed(uint64_t seed) {
    uint64_t x = seed;
    for (auto& word : s_) word = splitmix64(x);
  }

  uint64_t next() {
    const uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, bound), bound > 0 (Lemire's nearly-divisionless method).
  uint64_t below(uint64_t bound) {
    unsigned __int128 m = static_cast<unsigned __int128>(next()) * bound;
    uint64_t low = static_cast<uint64_t>(m);
    if (low < bound) {
      const uint64_t threshold = (0 - bound) % bound;
      while (low < threshold) {
        m = static_cast<unsigned __int128>(next()) * bound;
        low = static_cast<uint64_t>(m);
      }
    }
    return static_cast<uint64_t>(m >> 64);
  }

  // Uniform in [lo, hi], both inclusive (as Python's random.randint).
  int64_t uniform_int(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(below(static_cast<uint64_t>(hi - lo) + 1));
  }

  // Uniform double in [0, 1).
  double uniform01() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  template <class T>
  void shuffle(std::vector<T>& items) {
    shuffle(items.data(), items.size());
  }
  template <class T>
  void shuffle(T* items, size_t n) {
    for (size_t i = n; i > 1; --i) {
      const size_t j = static_cast<size_t>(below(i));
      std::swap(items[i - 1], items[j]);
    }
  }

 private:
  static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  static uint64_t splitmix64(uint64_t& x) {
    uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  uint64_t s_[4];
};

}  // namespace traceplay
