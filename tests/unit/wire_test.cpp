// The learner/actor frame: round trip, and every way a frame is refused.
#include <gtest/gtest.h>

#include "core/hash.h"
#include "distributed/wire.h"

namespace traceplay::distributed {
namespace {

Message sample() {
  Message m;
  m.type = MessageType::kResult;
  m.sequence = 42;
  m.header = {{"job", "abc"}, {"layout", 7}};
  m.blob = std::string("\0\1binary\xff", 9);
  return m;
}

void put(std::string& frame, size_t at, uint64_t v, int bytes) {
  for (int i = 0; i < bytes; ++i) frame[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

TEST(Wire, RoundTrip) {
  const std::string frame = encode(sample());
  ASSERT_EQ(frame.size(), kFrameHeaderBytes + sample().header.dump().size() + 9);
  EXPECT_EQ(frame.substr(0, 4), "TPWP");
  const Decoded d = decode(frame);
  ASSERT_TRUE(d.message);
  EXPECT_EQ(d.message->type, MessageType::kResult);
  EXPECT_EQ(d.message->sequence, 42u);
  EXPECT_EQ(d.message->header, sample().header);
  EXPECT_EQ(d.message->blob, sample().blob);
}

TEST(Wire, AChunkFrameIsTheBytesAnIndependentEncoderWrites) {
  // CHUNK {"chunk": 1, "file": 0, "version": 3, "xxh64": ...} + "abc", sequence 7, as
  // written by a Python encoder of the pinned layout with its own XXH64.
  const std::string expected(
      "\x54\x50\x57\x50\x01\x00\x0d\x00\x07\x00\x00\x00\x00\x00\x00\x00\x3b\x00\x00\x00\x03\x00\x00\x00"
      "\x61\xa6\x55\x37\x23\x58\xe6\x3a\x7b\x22\x63\x68\x75\x6e\x6b\x22\x3a\x31\x2c\x22\x66\x69\x6c\x65"
      "\x22\x3a\x30\x2c\x22\x76\x65\x72\x73\x69\x6f\x6e\x22\x3a\x33\x2c\x22\x78\x78\x68\x36\x34\x22\x3a"
      "\x22\x34\x34\x62\x63\x32\x63\x66\x35\x61\x64\x37\x37\x30\x39\x39\x39\x22\x7d\x61\x62\x63",
      94);
  const nlohmann::json header = {{"chunk", 1}, {"file", 0}, {"version", 3}, {"xxh64", hex16(xxh64("abc"))}};
  EXPECT_EQ(encode(Message{MessageType::kChunk, 7, header, "abc"}), expected);
  std::string reused(5000, 'x');  // a larger frame's buffer, reused
  encode_into(reused, MessageType::kChunk, 7, header, "abc");
  EXPECT_EQ(reused, expected);
  const DecodedView view = decode_view(expected);
  ASSERT_TRUE(view.decoded.message);
  EXPECT_EQ(view.decoded.message->header, header);
  EXPECT_TRUE(view.decoded.message->blob.empty());
  EXPECT_EQ(view.blob, "abc");
  EXPECT_EQ(view.blob.data(), expected.data() + expected.size() - 3) << "a view into the frame, not a copy";
  EXPECT_EQ(decode(expected).message->blob, "abc");
}

TEST(Wire, ANullHeaderTravelsAsAnEmptyObject) {
  Message m;
  m.header = nlohmann::json();  // what `send(type, {})` passes
  const Decoded d = decode(encode(m));
  ASSERT_TRUE(d.message);
  EXPECT_EQ(d.message->header, nlohmann::json::object());
}

TEST(Wire, EveryMalformedFrameHasItsReason) {
  const std::string good = encode(sample());
  auto reason = [](const std::string& f, size_t limit = kDefaultMaxBodyBytes) {
    const Decoded d = decode(f, limit);
    EXPECT_FALSE(d.message);
    return d.reason;
  };
  EXPECT_EQ(reason(""), DropReason::kShort);
  EXPECT_EQ(reason(good.substr(0, 31)), DropReason::kShort);
  std::string f = good;
  f[0] = 'X';
  EXPECT_EQ(reason(f), DropReason::kMagic);
  f = good;
  put(f, 4, 2, 2);
  EXPECT_EQ(reason(f), DropReason::kVersion);
  for (uint64_t type : {uint64_t{0}, uint64_t{kMaxMessageType} + 1, uint64_t{65535}}) {
    f = good;
    put(f, 6, type, 2);
    EXPECT_EQ(reason(f), DropReason::kType) << type;
  }
  EXPECT_EQ(reason(good.substr(0, good.size() - 1)), DropReason::kLength);  // truncated
  EXPECT_EQ(reason(good + "x"), DropReason::kLength);                       // trailing bytes
  EXPECT_EQ(reason(good, 10), DropReason::kOversized);
  f = good;
  f[f.size() - 1] ^= 1;  // a flipped bit in the blob
  EXPECT_EQ(reason(f), DropReason::kChecksum);
  // A JSON header that is not an object, with a correct checksum.
  Message m = sample();
  m.header = nlohmann::json::array({1, 2});
  EXPECT_EQ(reason(encode(m)), DropReason::kJson);
  f = good;
  const std::string bad_json = "{\"job\":";
  f = good.substr(0, kFrameHeaderBytes) + bad_json;
  put(f, 16, bad_json.size(), 4);
  put(f, 20, 0, 4);
  put(f, 24, xxh64(bad_json), 8);
  EXPECT_EQ(reason(f), DropReason::kJson);
  // Lengths that overflow 32 bits when added are still refused.
  f = good;
  put(f, 16, 0xffffffffu, 4);
  put(f, 20, 0xffffffffu, 4);
  EXPECT_EQ(reason(f, SIZE_MAX), DropReason::kLength);
}

TEST(Wire, DropCountersLogTheFirstTenThenEveryThousandth) {
  DropCounters c;
  int logged = 0;
  for (int i = 0; i < 2000; ++i) logged += c.add(DropReason::kChecksum);
  c.add(DropReason::kShort);
  EXPECT_EQ(logged, 10 + 2);
  EXPECT_EQ(c.count(DropReason::kChecksum), 2000u);
  EXPECT_EQ(c.total(), 2001u);
  EXPECT_EQ(c.to_json(), (nlohmann::json{{"checksum", 2000}, {"short", 1}}));
}

}  // namespace
}  // namespace traceplay::distributed
