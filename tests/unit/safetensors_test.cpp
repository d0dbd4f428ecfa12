// safetensors files: a round trip of every dtype, the byte layout of the format, and
// one located UserError for each kind of damage (never a crash).
#include <gtest/gtest.h>

#include <cstring>
#include <fstream>

#include <sys/stat.h>

#include "core/atomic_file.h"
#include "core/error.h"
#include "model_test_util.h"
#include "models/safetensors.h"

namespace traceplay {
namespace {

using models::load_safetensors;
using models::save_safetensors;
using testing::ModelScratchDir;

TEST(Safetensors, RoundTripsEveryDtypeInOrderWithMetadata) {
  ModelScratchDir dir("safetensors-roundtrip");
  torch::manual_seed(1);
  models::NamedTensors tensors{
      {"z.f32", torch::randn({3, 4})},
      {"a.f64", torch::randn({2}, torch::kDouble)},
      {"f16", torch::randn({5}).to(torch::kHalf)},
      {"bf16", torch::randn({2, 2}).to(torch::kBFloat16)},
      {"i64", torch::arange(-3, 3, torch::kLong)},
      {"i32", torch::arange(4, torch::kInt)},
      {"i16", torch::arange(4, torch::kShort)},
      {"i8", torch::arange(-2, 2, torch::kChar)},
      {"u8", torch::arange(250, 256, torch::kInt).to(torch::kByte)},
      {"bool", torch::tensor({true, false, true})},
      {"empty", torch::zeros({0, 3})},
      {"scalar", torch::tensor(2.5)},
      {"strided", torch::randn({4, 6}).t()},  // non-contiguous: written as its values
  };
  const auto path = dir.file("t.safetensors");
  save_safetensors(path, tensors, {{"format", "pt"}, {"note", "x"}});
  std::map<std::string, std::string> metadata;
  auto back = load_safetensors(path, &metadata);
  ASSERT_EQ(back.size(), tensors.size());
  for (size_t i = 0; i < tensors.size(); ++i) {
    EXPECT_EQ(back[i].first, tensors[i].first);  // file order, not sorted by name
    EXPECT_EQ(back[i].second.scalar_type(), tensors[i].second.scalar_type()) << back[i].first;
    EXPECT_EQ(back[i].second.sizes(), tensors[i].second.sizes()) << back[i].first;
    EXPECT_TRUE(torch::equal(back[i].second, tensors[i].second)) << back[i].first;
  }
  EXPECT_EQ(metadata, (std::map<std::string, std::string>{{"format", "pt"}, {"note", "x"}}));
  // The layout: 8-byte little-endian length, JSON padded to 8, then the raw data.
  const std::string bytes = read_file(path);
  uint64_t n = 0;
  std::memcpy(&n, bytes.data(), 8);
  EXPECT_EQ(n % 8, 0u);
  const auto header = nlohmann::json::parse(bytes.substr(8, n));
  EXPECT_EQ(header["z.f32"]["dtype"], "F32");
  EXPECT_EQ(header["z.f32"]["shape"], nlohmann::json({3, 4}));
  EXPECT_EQ(header["z.f32"]["data_offsets"], nlohmann::json({0, 48}));
  float first = 0;
  std::memcpy(&first, bytes.data() + 8 + n, 4);
  EXPECT_EQ(first, tensors[0].second[0][0].item<float>());
}

TEST(Safetensors, RejectsDuplicateNames) {
  ModelScratchDir dir("safetensors-dup");
  EXPECT_THROW(
      save_safetensors(dir.file("d.safetensors"), {{"a", torch::zeros({1})}, {"a", torch::zeros({1})}}),
      std::invalid_argument);
}

// A file made by hand: the length prefix (or `length` when given), the header, the data.
std::string raw_file(const std::string& header, const std::string& data, int64_t length = -1) {
  uint64_t n = length >= 0 ? static_cast<uint64_t>(length) : header.size();
  std::string bytes(reinterpret_cast<const char*>(&n), 8);
  return bytes + header + data;
}

std::string error_of(const std::string& bytes) {
  ModelScratchDir dir("safetensors-bad");
  const auto path = dir.file("bad.safetensors");
  write_file_atomic(path, bytes);
  try {
    load_safetensors(path);
  } catch (const UserError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find(path), std::string::npos) << what;
    EXPECT_NE(what.find("byte offset"), std::string::npos) << what;
    return what;
  }
  ADD_FAILURE() << "no UserError";
  return "";
}

TEST(Safetensors, MalformedFilesGiveLocatedErrors) {
  const std::string eight(8, '\0');
  const std::string f32 = R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})";
  // Sanity: the well-formed version of these files loads.
  {
    ModelScratchDir dir("safetensors-good");
    write_file_atomic(dir.file("ok"), raw_file(f32, eight));
    EXPECT_EQ(load_safetensors(dir.file("ok")).at(0).second.numel(), 2);
  }
  EXPECT_NE(error_of("abc").find("fewer than the 8"), std::string::npos);
  EXPECT_NE(error_of("").find("fewer than the 8"), std::string::npos);
  EXPECT_NE(error_of(raw_file(f32.substr(0, 20), "")).find("does not parse"),
            std::string::npos);  // truncated header
  // A number beyond double (nlohmann's out_of_range): uncaught until fuzz/safetensors_fuzz.cpp.
  EXPECT_NE(error_of(raw_file(R"({"a":1e999})", "")).find("does not parse"), std::string::npos);
  EXPECT_NE(error_of(raw_file(f32, eight, static_cast<int64_t>(f32.size()) + 100)).find("past the end"),
            std::string::npos);
  EXPECT_NE(error_of(raw_file(f32, eight, int64_t{1} << 50)).find("exceeds the limit"), std::string::npos);
  EXPECT_NE(error_of(raw_file("[1,2]", "")).find("not an object"), std::string::npos);
  EXPECT_NE(
      error_of(raw_file(R"({"a":{"dtype":"F31","shape":[2],"data_offsets":[0,8]}})", eight)).find("dtype"),
      std::string::npos);
  EXPECT_NE(error_of(raw_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", "1234"))
                .find("past the end"),
            std::string::npos);  // data cut short
  EXPECT_NE(error_of(raw_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}})", eight))
                .find("past the end"),
            std::string::npos);
  EXPECT_NE(error_of(raw_file(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", eight))
                .find("does not fill"),
            std::string::npos);
  EXPECT_NE(error_of(raw_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[8,0]}})", eight))
                .find("begin after"),
            std::string::npos);
  EXPECT_NE(error_of(raw_file(R"({"a":{"dtype":"F32","shape":[-2],"data_offsets":[0,8]}})", eight))
                .find("not a size"),
            std::string::npos);
  EXPECT_NE(
      error_of(
          raw_file(R"({"a":{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,8]}})",
                   eight))
          .find("does not fill"),
      std::string::npos);  // element count overflows
  EXPECT_NE(error_of(raw_file(R"({"a":{"dtype":"F32","shape":[2]}})", eight)).find("data_offsets"),
            std::string::npos);
  EXPECT_NE(error_of(raw_file(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                              R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                              eight + eight))
                .find("overlaps"),
            std::string::npos);
  EXPECT_NE(error_of(raw_file(R"({"__metadata__":{"k":1}})", "")).find("__metadata__"), std::string::npos);
}

// The limits on untrusted files (DESIGN.md): the header's size (16 MiB, checked before
// anything is read), a tensor's rank, and every tensor inside the file.
TEST(Safetensors, LimitsOnHeaderSizeAndRank) {
  const std::string eight(8, '\0');
  const std::string over = error_of(raw_file("{}", eight, (int64_t{16} << 20) + 1));
  EXPECT_NE(over.find("header length 16777217 exceeds the limit of 16777216 bytes"), std::string::npos)
      << over;
  std::string shape = "[1";
  for (int i = 1; i < 17; ++i) shape += ",1";
  const std::string rank17 =
      error_of(raw_file(R"({"a":{"dtype":"U8","shape":)" + shape + R"(],"data_offsets":[0,1]}})", "x"));
  EXPECT_NE(rank17.find("has 17 dimensions, more than the limit of 16"), std::string::npos) << rank17;
  // 16 dimensions load.
  ModelScratchDir dir("safetensors-rank");
  write_file_atomic(dir.file("ok"),
                    raw_file(R"({"a":{"dtype":"U8","shape":[1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1],)"
                             R"("data_offsets":[0,1]}})",
                             "x"));
  EXPECT_EQ(load_safetensors(dir.file("ok")).at(0).second.dim(), 16);
}

// A directory, a FIFO without a writer (which a plain open would wait on for ever) and
// a device are named as what they are.
TEST(Safetensors, OnlyRegularFilesAreRead) {
  ModelScratchDir dir("safetensors-kinds");
  const auto message = [](const std::string& path) -> std::string {
    try {
      load_safetensors(path);
    } catch (const UserError& e) {
      return e.what();
    }
    return "";
  };
  EXPECT_NE(message(dir.file("")).find("is a directory"), std::string::npos);
  const std::string fifo = dir.file("model.fifo");
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_NE(message(fifo).find("model.fifo: is not a regular file (a FIFO)"), std::string::npos)
      << message(fifo);
  EXPECT_NE(message("/dev/zero").find("/dev/zero: is not a regular file (a character device)"),
            std::string::npos);
}

TEST(Safetensors, MissingFileIsAUserError) {
  EXPECT_THROW(load_safetensors("/nonexistent/dir/model.safetensors"), UserError);
}

}  // namespace
}  // namespace traceplay
