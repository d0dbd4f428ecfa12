// The wire format between a learner and its actors (docs/DESIGN.md, "Distributed";
// distributed/README.md has the message table). Every ZeroMQ message is one frame:
//
//   offset size  field
//   0      4     magic "TPWP"
//   4      2     version (kWireVersion), little-endian like every field
//   6      2     type (MessageType)
//   8      8     sequence: per sender, strictly increasing (replays are dropped)
//   16     4     json_bytes: length of the JSON header that follows
//   20     4     blob_bytes: length of the binary part after it
//   24     8     xxh64 of the body (json + blob)
//   32     ...   body: the JSON header (an object), then the blob
//
// decode() never throws: a frame that is short, of another magic or version, of an
// unknown type, whose lengths do not add up or exceed the limit, whose checksum
// differs, or whose JSON is not an object comes back as a DropReason, which the
// receiver counts and logs (DropCounters) and otherwise ignores.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace traceplay::distributed {

inline constexpr uint16_t kWireVersion = 1;
inline constexpr size_t kFrameHeaderBytes = 32;
// The largest body a receiver accepts by default: a layout of a large Sokoban level
// (a few million trace tokens as JSON) fits with room; a model chunk is smaller.
inline constexpr size_t kDefaultMaxBodyBytes = size_t{256} << 20;

enum class MessageType : uint16_t {
  kHello = 1,      // actor -> learner: {"actor", "version", "capabilities", "threads"}
  kWelcome = 2,    // learner -> actor: {"job": {...}}: what to work on
  kAskWork = 3,    // actor -> learner: {"credits": n}: it can take n more leases now
  kLease = 4,      // learner -> actor: {"layouts": [k...]}
  kResult = 5,     // actor -> learner: {"job", "layout": k}, blob = encode_layout
  kAck = 6,        // learner -> actor: {"job", "layouts": [k...]}: stored durably
  kHeartbeat = 7,  // both ways: {}
  kDone = 8,       // learner -> actor: {"reason"}: no more work, exit
  kRejoin = 9,     // learner -> actor: {}: "who are you?" (after a learner restart)
  // Model publication (model_publisher.h, model_fetcher.h): a PUB socket announces, a
  // ROUTER serves chunks.
  kModelAnnounce = 10,  // learner -> actor: a ModelManifest (model_manifest.h): the newest version
  kModelQuery = 11,     // actor -> learner: {}: announce the newest to me
  kChunkRequest = 12,   // actor -> learner: {"version", "file", "chunk"}
  kChunk = 13,          // learner -> actor: {"version", "file", "chunk", "xxh64"}, blob = the bytes
};
inline constexpr uint16_t kMaxMessageType = 13;
const char* type_name(MessageType type);

struct Message {
  MessageType type = MessageType::kHeartbeat;
  uint64_t sequence = 0;
  nlohmann::json header = nlohmann::json::object();
  std::string blob;
};

std::string encode(const Message& message);
// The same frame written into `out` (its capacity kept: a sender of many large frames
// reuses one buffer), the blob taken from where it lies.
void encode_into(std::string& out, MessageType type, uint64_t sequence, const nlohmann::json& header,
                 std::string_view blob);

enum class DropReason : int {
  kShort = 0,   // fewer bytes than a frame header
  kMagic,       // not "TPWP"
  kVersion,     // another wire version
  kType,        // unknown message type
  kLength,      // json_bytes + blob_bytes differs from what arrived
  kOversized,   // body over the receiver's limit
  kChecksum,    // xxh64 differs
  kJson,        // the header is not a JSON object
  kReplayed,    // sequence not above the sender's last (receiver's check)
  kUnexpected,  // a well-formed message that makes no sense here (receiver's check)
  kCount
};
const char* drop_reason_name(DropReason reason);

struct Decoded {
  std::optional<Message> message;
  DropReason reason = DropReason::kShort;  // when !message
};
Decoded decode(std::string_view frame, size_t max_body_bytes = kDefaultMaxBodyBytes);
// decode() without copying the blob: the message's blob is left empty and `blob` views
// it inside `frame` (valid as long as the frame's bytes are). The same checks.
struct DecodedView {
  Decoded decoded;
  std::string_view blob;
};
DecodedView decode_view(std::string_view frame, size_t max_body_bytes = kDefaultMaxBodyBytes);

// Dropped frames by reason, for the logs and the final summary.
class DropCounters {
 public:
  // Counts one; returns true when this one should be logged (the first 10 of a reason,
  // then every 1000th), so a flood of garbage does not flood the log.
  bool add(DropReason reason);
  uint64_t count(DropReason reason) const { return counts_[static_cast<int>(reason)]; }
  uint64_t total() const;
  nlohmann::json to_json() const;  // {"short": n, ...}, reasons with n > 0 only

 private:
  std::array<uint64_t, static_cast<size_t>(DropReason::kCount)> counts_{};
};

}  // namespace traceplay::distributed
