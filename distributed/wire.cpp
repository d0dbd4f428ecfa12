#include "distributed/wire.h"

#include <cstring>

#include "core/hash.h"

namespace traceplay::distributed {

namespace {

constexpr char kMagic[4] = {'T', 'P', 'W', 'P'};

void put(std::string& out, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t get(std::string_view in, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i)
    v |= static_cast<uint64_t>(static_cast<unsigned char>(in[at + i])) << (8 * i);
  return v;
}

Decoded dropped(DropReason reason) {
  Decoded d;
  d.reason = reason;
  return d;
}

}  // namespace

const char* type_name(MessageType type) {
  switch (type) {
    case MessageType::kHello:
      return "hello";
    case MessageType::kWelcome:
      return "welcome";
    case MessageType::kAskWork:
      return "ask_work";
    case MessageType::kLease:
      return "lease";
    case MessageType::kResult:
      return "result";
    case MessageType::kAck:
      return "ack";
    case MessageType::kHeartbeat:
      return "heartbeat";
    case MessageType::kDone:
      return "done";
    case MessageType::kRejoin:
      return "rejoin";
    case MessageType::kModelAnnounce:
      return "model_announce";
    case MessageType::kModelQuery:
      return "model_query";
    case MessageType::kChunkRequest:
      return "chunk_request";
    case MessageType::kChunk:
      return "chunk";
  }
  return "unknown";
}

const char* drop_reason_name(DropReason reason) {
  static const char* names[] = {"short",     "magic",    "version", "type",     "length",
                                "oversized", "checksum", "json",    "replayed", "unexpected"};
  const int i = static_cast<int>(reason);
  return i >= 0 && i < static_cast<int>(DropReason::kCount) ? names[i] : "unknown";
}

std::string encode(const Message& message) {
  std::string out;
  encode_into(out, message.type, message.sequence, message.header, message.blob);
  return out;
}

void encode_into(std::string& out, MessageType type, uint64_t sequence, const nlohmann::json& header,
                 std::string_view blob) {
  // A header left as `{}` in a call is null to nlohmann::json: it travels as {}.
  const std::string json = header.is_null() ? "{}" : header.dump();
  out.clear();
  out.reserve(kFrameHeaderBytes + json.size() + blob.size());
  out.append(kMagic, 4);
  put(out, kWireVersion, 2);
  put(out, static_cast<uint16_t>(type), 2);
  put(out, sequence, 8);
  put(out, json.size(), 4);
  put(out, blob.size(), 4);
  put(out, 0, 8);  // the checksum, below
  out += json;
  out += blob;
  const uint64_t checksum = xxh64(std::string_view(out).substr(kFrameHeaderBytes));
  for (int i = 0; i < 8; ++i)
    out[24 + static_cast<size_t>(i)] = static_cast<char>((checksum >> (8 * i)) & 0xff);
}

DecodedView decode_view(std::string_view frame, size_t max_body_bytes) {
  DecodedView v;
  Decoded& d = v.decoded;
  if (frame.size() < kFrameHeaderBytes) return {dropped(DropReason::kShort), {}};
  if (std::memcmp(frame.data(), kMagic, 4) != 0) return {dropped(DropReason::kMagic), {}};
  if (get(frame, 4, 2) != kWireVersion) return {dropped(DropReason::kVersion), {}};
  const uint64_t type = get(frame, 6, 2);
  if (type < 1 || type > kMaxMessageType) return {dropped(DropReason::kType), {}};
  const uint64_t json_bytes = get(frame, 16, 4), blob_bytes = get(frame, 20, 4);
  if (json_bytes + blob_bytes > max_body_bytes) return {dropped(DropReason::kOversized), {}};
  const std::string_view body = frame.substr(kFrameHeaderBytes);
  if (json_bytes + blob_bytes != body.size()) return {dropped(DropReason::kLength), {}};
  if (xxh64(body) != get(frame, 24, 8)) return {dropped(DropReason::kChecksum), {}};
  Message m;
  m.type = static_cast<MessageType>(type);
  m.sequence = get(frame, 8, 8);
  m.header = nlohmann::json::parse(body.substr(0, json_bytes), nullptr, /*allow_exceptions=*/false);
  if (!m.header.is_object()) return {dropped(DropReason::kJson), {}};
  d.message = std::move(m);
  v.blob = body.substr(json_bytes);
  return v;
}

Decoded decode(std::string_view frame, size_t max_body_bytes) {
  DecodedView v = decode_view(frame, max_body_bytes);
  if (v.decoded.message) v.decoded.message->blob = std::string(v.blob);
  return std::move(v.decoded);
}

bool DropCounters::add(DropReason reason) {
  const uint64_t n = ++counts_[static_cast<int>(reason)];
  return n <= 10 || n % 1000 == 0;
}

uint64_t DropCounters::total() const {
  uint64_t t = 0;
  for (uint64_t c : counts_) t += c;
  return t;
}

nlohmann::json DropCounters::to_json() const {
  nlohmann::json out = nlohmann::json::object();
  for (int i = 0; i < static_cast<int>(DropReason::kCount); ++i)
    if (counts_[i] > 0) out[drop_reason_name(static_cast<DropReason>(i))] = counts_[i];
  return out;
}

}  // namespace traceplay::distributed
