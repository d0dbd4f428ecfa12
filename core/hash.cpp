#include "core/hash.h"

#include <xxhash.h>

#include <cstdio>

#include "core/error.h"

namespace traceplay {

uint64_t xxh64(std::string_view bytes, uint64_t seed) { return XXH64(bytes.data(), bytes.size(), seed); }

uint64_t xxh64_bytes(const void* data, size_t size, uint64_t seed) { return XXH64(data, size, seed); }

std::string hex16(uint64_t value) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(value));
  return std::string(buf, 16);
}

uint64_t parse_hex16(std::string_view text) {
  if (text.size() != 16) throw UserError("expected 16 hex digits, got '" + std::string(text) + "'");
  uint64_t value = 0;
  for (char c : text) {
    int digit;
    if (c >= '0' && c <= '9') digit = c - '0';
    else if (c >= 'a' && c <= 'f') digit = c - 'a' + 10;
    else throw UserError("expected 16 lowercase hex digits, got '" + std::string(text) + "'");
    value = value << 4 | static_cast<uint64_t>(digit);
  }
  return value;
}

uint64_t hash_tokens(const std::vector<std::string>& tokens, uint64_t seed) {
  Xxh64Stream stream(seed);
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (i > 0) stream.update(" ", 1);
    stream.update(tokens[i].data(), tokens[i].size());
  }
  return stream.digest();
}

Xxh64Stream::Xxh64Stream(uint64_t seed) : state_(XXH64_createState()) {
  XXH64_reset(static_cast<XXH64_state_t*>(state_), seed);
}
Xxh64Stream::~Xxh64Stream() { XXH64_freeState(static_cast<XXH64_state_t*>(state_)); }
void Xxh64Stream::update(const void* data, size_t size) {
  XXH64_update(static_cast<XXH64_state_t*>(state_), data, size);
}
uint64_t Xxh64Stream::digest() const { return XXH64_digest(static_cast<const XXH64_state_t*>(state_)); }

}  // namespace traceplay
