// XXH64 hashing and the 16-hex-digit form used for dataset ids (DESIGN.md, pinned).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace traceplay {

uint64_t xxh64(std::string_view bytes, uint64_t seed = 0);
uint64_t xxh64_bytes(const void* data, size_t size, uint64_t seed = 0);

// 16 lowercase, zero-padded hex digits.
std::string hex16(uint64_t value);
// Parses hex16 output back; throws UserError on anything else.
uint64_t parse_hex16(std::string_view text);

// XXH64 (seed 0) of tokens joined by single spaces: the id of a prompt.
uint64_t hash_tokens(const std::vector<std::string>& tokens, uint64_t seed = 0);

// Incremental XXH64 for streams (shard files).
class Xxh64Stream {
 public:
  explicit Xxh64Stream(uint64_t seed = 0);
  ~Xxh64Stream();
  Xxh64Stream(const Xxh64Stream&) = delete;
  Xxh64Stream& operator=(const Xxh64Stream&) = delete;
  void update(const void* data, size_t size);
  uint64_t digest() const;

 private:
  void* state_;
};

}  // namespace traceplay
