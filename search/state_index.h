// Maps search states to dense record numbers for A*.
//
// Grid domains number their states themselves (cell index), so DenseStateIndex is a
// plain array. Puzzle states (Sokoban) are hashed into an open-addressing table of
// record numbers; the states themselves live in the caller's arrays, so the table
// holds 4 bytes a slot and never copies a state.
#pragma once

#include <cstdint>
#include <vector>

namespace traceplay::search {

inline constexpr uint32_t kNoRecord = 0xffffffffu;

// Open-addressing hash set of record numbers. `state_of(r)` gives the state of record
// r, `hash(state)` and `equal(a, b)` come from the domain.
class FlatStateIndex {
 public:
  void clear() {
    slots_.assign(16, kNoRecord);
    size_ = 0;
  }

  // The record of `state`, or kNoRecord.
  template <class State, class StateOf, class Equal>
  uint32_t find(const State& state, uint64_t hash, StateOf&& state_of, Equal&& equal) const {
    const size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      const uint32_t r = slots_[i];
      if (r == kNoRecord) return kNoRecord;
      if (equal(state_of(r), state)) return r;
    }
  }

  // Inserts record `r` whose state has hash `hash` (must not be present).
  template <class RehashOf>
  void insert(uint32_t r, uint64_t hash, RehashOf&& hash_of_record) {
    if ((size_ + 1) * 4 > slots_.size() * 3) grow(hash_of_record);
    const size_t mask = slots_.size() - 1;
    size_t i = hash & mask;
    while (slots_[i] != kNoRecord) i = (i + 1) & mask;
    slots_[i] = r;
    ++size_;
  }

  size_t size() const { return size_; }

 private:
  template <class RehashOf>
  void grow(RehashOf&& hash_of_record) {
    std::vector<uint32_t> old;
    old.swap(slots_);
    slots_.assign(old.size() * 2, kNoRecord);
    const size_t mask = slots_.size() - 1;
    for (uint32_t r : old) {
      if (r == kNoRecord) continue;
      size_t i = hash_of_record(r) & mask;
      while (slots_[i] != kNoRecord) i = (i + 1) & mask;
      slots_[i] = r;
    }
  }

  std::vector<uint32_t> slots_ = std::vector<uint32_t>(16, kNoRecord);
  size_t size_ = 0;
};

}  // namespace traceplay::search
