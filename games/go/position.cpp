#include "games/go/position.h"

#include <stdexcept>
#include <string>

namespace traceplay::go {

Position::Position(int size) {
  if (size < kMinBoardSize || size > kMaxBoardSize)
    throw std::invalid_argument("board size " + std::to_string(size) + " is outside " +
                                std::to_string(kMinBoardSize) + ".." + std::to_string(kMaxBoardSize));
  size_ = size;
  stride_ = size + 2;
  clear();
}

void Position::clear() {
  num_empty_ = 0;
  ko_point_ = kNoPoint;
  ko_color_ = Color::kEmpty;
  stones_of_[0] = stones_of_[1] = stones_of_[2] = 0;
  hash_ = 0;
  const int n = num_points();
  for (int p = 0; p < n; ++p) {
    color_[p] = kBorder;
    nbr_[p] = 0;
    chain_[p] = next_[p] = static_cast<uint16_t>(p);
    chain_stones_[p] = libs_[p] = 0;
    lib_sum_[p] = lib_sq_[p] = 0;
    empty_index_[p] = 0;
  }
  for (int y = 0; y < size_; ++y)
    for (int x = 0; x < size_; ++x) {
      const int p = point(x, y);
      color_[p] = 0;
      empty_index_[p] = static_cast<uint16_t>(num_empty_);
      empty_[num_empty_++] = static_cast<uint16_t>(p);
    }
  for (int y = 0; y < size_; ++y)
    for (int x = 0; x < size_; ++x) {
      const int p = point(x, y);
      for (int q : {p - stride_, p - 1, p + 1, p + stride_}) {
        if (color_[q] == kBorder) nbr_[p] += kNbrUnit[1] + kNbrUnit[2];
        else nbr_[p] += kNbrUnit[0];
      }
    }
}

int Position::liberties(int p) const {
  // Distinct empty neighbours of the chain, marked in a small local bitmap.
  uint64_t seen[(kMaxP + 63) / 64] = {};
  int count = 0;
  int s = p;
  do {
    for (int q : {s - stride_, s - 1, s + 1, s + stride_}) {
      if (color_[q] == 0 && !(seen[q >> 6] >> (q & 63) & 1)) {
        seen[q >> 6] |= uint64_t{1} << (q & 63);
        ++count;
      }
    }
    s = next_[s];
  } while (s != p);
  return count;
}

void Position::place_stone(Color c, int p) {
  const int ci = static_cast<int>(c);
  color_[p] = static_cast<uint8_t>(ci);
  hash_ ^= zobrist_stone(c, p);
  ++stones_of_[ci];
  // Swap-remove p from the empty list.
  const int i = empty_index_[p];
  const uint16_t last = empty_[--num_empty_];
  empty_[i] = last;
  empty_index_[last] = static_cast<uint16_t>(i);
  const uint16_t delta = static_cast<uint16_t>(kNbrUnit[ci] - kNbrUnit[0]);
  nbr_[p - stride_] += delta;
  nbr_[p - 1] += delta;
  nbr_[p + 1] += delta;
  nbr_[p + stride_] += delta;
  chain_[p] = next_[p] = static_cast<uint16_t>(p);
  chain_stones_[p] = 1;
  libs_[p] = 0;
  lib_sum_[p] = lib_sq_[p] = 0;
}

void Position::merge(int a, int b) {
  if (chain_stones_[a] < chain_stones_[b]) std::swap(a, b);
  // Relabel b's stones to a, then splice the two rings.
  int s = b;
  do {
    chain_[s] = static_cast<uint16_t>(a);
    s = next_[s];
  } while (s != b);
  std::swap(next_[a], next_[b]);
  chain_stones_[a] = static_cast<uint16_t>(chain_stones_[a] + chain_stones_[b]);
  libs_[a] = static_cast<uint16_t>(libs_[a] + libs_[b]);
  lib_sum_[a] += lib_sum_[b];
  lib_sq_[a] += lib_sq_[b];
}

int Position::remove_chain(int r) {
  const uint8_t removed = color_[r];
  const Color c = static_cast<Color>(removed);
  const uint16_t delta = static_cast<uint16_t>(kNbrUnit[0] - kNbrUnit[removed]);
  int count = 0;
  int s = r;
  do {
    const int next = next_[s];
    color_[s] = 0;
    hash_ ^= zobrist_stone(c, s);
    empty_index_[s] = static_cast<uint16_t>(num_empty_);
    empty_[num_empty_++] = static_cast<uint16_t>(s);
    for (int q : {s - stride_, s - 1, s + 1, s + stride_}) {
      nbr_[q] += delta;
      // A removed chain's same-coloured neighbours are its own stones; the others gain a liberty.
      const uint8_t v = color_[q];
      if (v != 0 && v != kBorder && v != removed) add_lib(chain_[q], s);
    }
    chain_[s] = next_[s] = static_cast<uint16_t>(s);
    ++count;
    s = next;
  } while (s != r);
  stones_of_[removed] -= count;
  return count;
}

int Position::play(Color c, int p) {
  const uint8_t own = static_cast<uint8_t>(c);
  const uint8_t enemy = static_cast<uint8_t>(opponent(c));
  place_stone(c, p);
  const int nbrs[4] = {p - stride_, p - 1, p + 1, p + stride_};
  for (int q : nbrs) {
    const uint8_t v = color_[q];
    if (v == 0) add_lib(p, q);
    else if (v != kBorder) remove_lib(chain_[q], p);
  }
  for (int q : nbrs)
    if (color_[q] == own && chain_[q] != chain_[p]) merge(chain_[p], chain_[q]);
  int captured = 0, captured_point = kNoPoint;
  for (int q : nbrs) {
    if (color_[q] == enemy && libs_[chain_[q]] == 0) {
      captured_point = q;
      captured += remove_chain(chain_[q]);
    }
  }
  const int r = chain_[p];
  if (libs_[r] == 0) {
    remove_chain(r);  // suicide (the caller allowed it)
    ko_point_ = kNoPoint;
    return captured;
  }
  // Simple ko: one stone captured by a lone stone that now has that point as its only liberty.
  if (captured == 1 && chain_stones_[r] == 1 && libs_[r] == 1) {
    ko_point_ = captured_point;
    ko_color_ = static_cast<Color>(enemy);
  } else {
    ko_point_ = kNoPoint;
  }
  return captured;
}

uint64_t Position::hash_after(Color c, int p) const {
  const uint8_t own = static_cast<uint8_t>(c);
  const uint8_t enemy = static_cast<uint8_t>(opponent(c));
  uint64_t h = hash_ ^ zobrist_stone(c, p);
  int done[4];
  int n_done = 0;
  bool captures = false;
  for (int q : {p - stride_, p - 1, p + 1, p + stride_}) {
    if (color_[q] != enemy) continue;
    const int r = chain_[q];
    bool seen = false;
    for (int i = 0; i < n_done; ++i) seen |= done[i] == r;
    if (seen || !in_atari(r)) continue;
    done[n_done++] = r;
    captures = true;
    int s = r;
    do {
      h ^= zobrist_stone(static_cast<Color>(enemy), s);
      s = next_[s];
    } while (s != r);
  }
  if (captures || !is_suicide(c, p)) return h;
  // Suicide: p and every own chain it joins leave the board.
  h ^= zobrist_stone(c, p);
  n_done = 0;
  for (int q : {p - stride_, p - 1, p + 1, p + stride_}) {
    if (color_[q] != own) continue;
    const int r = chain_[q];
    bool seen = false;
    for (int i = 0; i < n_done; ++i) seen |= done[i] == r;
    if (seen) continue;
    done[n_done++] = r;
    int s = r;
    do {
      h ^= zobrist_stone(c, s);
      s = next_[s];
    } while (s != r);
  }
  return h;
}

int Position::captures_if_played(Color c, int p) const {
  const uint8_t enemy = static_cast<uint8_t>(opponent(c));
  int done[4];
  int n_done = 0, count = 0;
  for (int q : {p - stride_, p - 1, p + 1, p + stride_}) {
    if (color_[q] != enemy) continue;
    const int r = chain_[q];
    bool seen = false;
    for (int i = 0; i < n_done; ++i) seen |= done[i] == r;
    if (seen || !in_atari(r)) continue;
    done[n_done++] = r;
    count += chain_stones_[r];
  }
  return count;
}

bool Position::set_stones(const std::vector<Color>& colors) {
  if (static_cast<int>(colors.size()) != size_ * size_)
    throw std::invalid_argument("set_stones: expected " + std::to_string(size_ * size_) + " points");
  Position next(size_);
  for (int y = 0; y < size_; ++y)
    for (int x = 0; x < size_; ++x) {
      const Color c = colors[static_cast<size_t>(x + size_ * y)];
      if (c == Color::kEmpty) continue;
      if (c != Color::kBlack && c != Color::kWhite) throw std::invalid_argument("set_stones: bad colour");
      // Like play() without captures: liberties and merges only.
      const int p = next.point(x, y);
      next.place_stone(c, p);
      for (int q : {p - stride_, p - 1, p + 1, p + stride_}) {
        const uint8_t v = next.color_[q];
        if (v == 0) next.add_lib(p, q);
        else if (v != kBorder) next.remove_lib(next.chain_[q], p);
      }
      for (int q : {p - stride_, p - 1, p + 1, p + stride_})
        if (next.color_[q] == static_cast<uint8_t>(c) && next.chain_[q] != next.chain_[p])
          next.merge(next.chain_[p], next.chain_[q]);
    }
  for (int y = 0; y < size_; ++y)
    for (int x = 0; x < size_; ++x) {
      const int p = point(x, y);
      if (next.color_[p] != 0 && next.libs_[next.chain_[p]] == 0) return false;
    }
  *this = next;
  return true;
}

std::vector<Color> Position::stones() const {
  std::vector<Color> out(static_cast<size_t>(size_ * size_));
  for (int y = 0; y < size_; ++y)
    for (int x = 0; x < size_; ++x) out[static_cast<size_t>(x + size_ * y)] = at(x, y);
  return out;
}

int Position::area_difference() const {
  // Flood each empty region once; it counts for a colour when it reaches only that colour.
  int diff = stones_of_[1] - stones_of_[2];
  bool seen[kMaxP] = {};
  uint16_t stack[kMaxP];
  for (int i = 0; i < num_empty_; ++i) {
    const int start = empty_[i];
    if (seen[start]) continue;
    int top = 0, region = 0;
    bool reaches[3] = {false, false, false};
    stack[top++] = static_cast<uint16_t>(start);
    seen[start] = true;
    while (top > 0) {
      const int s = stack[--top];
      ++region;
      for (int q : {s - stride_, s - 1, s + 1, s + stride_}) {
        const uint8_t v = color_[q];
        if (v == 0) {
          if (!seen[q]) {
            seen[q] = true;
            stack[top++] = static_cast<uint16_t>(q);
          }
        } else if (v != kBorder) {
          reaches[v] = true;
        }
      }
    }
    if (reaches[1] && !reaches[2]) diff += region;
    else if (reaches[2] && !reaches[1]) diff -= region;
  }
  return diff;
}

}  // namespace traceplay::go
