// core/input_file.h: user-named input files read only when regular, with a size cap;
// errors that say what the path is. FIFOs are checked without a writer (the open must
// not block) and /dev/zero without reading it forever.
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "core/atomic_file.h"
#include "core/input_file.h"
#include "dataset_test_util.h"

namespace traceplay {
namespace {

using testing::error_of;
using testing::ScratchDir;

void write(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

TEST(InputFile, ReadsRegularFilesUpToTheCapExactly) {
  ScratchDir dir;
  const std::string path = dir.path() + "/level.xsb";
  const std::string bytes = std::string("#####\n#@$.#\n#####\n") + '\0' + "\xff";
  write(path, bytes);
  EXPECT_EQ(read_input_file(path), bytes);
  EXPECT_EQ(read_input_file(path, bytes.size()), bytes);  // the cap itself is allowed
  EXPECT_EQ(
      error_of([&] { read_input_file(path, bytes.size() - 1); }),
      "cannot read " + path + ": is larger than the limit of " + std::to_string(bytes.size() - 1) + " bytes");
  write(path, "");
  EXPECT_EQ(read_input_file(path, 0), "");
  EXPECT_EQ(kMaxInputFileBytes, size_t{16} << 20);
}

TEST(InputFile, SaysWhatAPathIsWhenItIsNotARegularFile) {
  ScratchDir dir;
  EXPECT_EQ(error_of([&] { read_input_file(dir.path()); }), "cannot read " + dir.path() + ": is a directory");
  EXPECT_EQ(not_a_regular_file(dir.path()), "is a directory");
  const std::string missing = dir.path() + "/missing.sgf";
  EXPECT_EQ(error_of([&] { read_input_file(missing); }),
            "cannot read " + missing + ": no such file or directory");
  EXPECT_EQ(not_a_regular_file(missing), "no such file or directory");
  // A FIFO with no writer: refused at once (a blocking open would wait forever).
  const std::string fifo = dir.path() + "/fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  EXPECT_EQ(error_of([&] { read_input_file(fifo); }),
            "cannot read " + fifo + ": is not a regular file (a FIFO)");
  EXPECT_EQ(not_a_regular_file(fifo), "is not a regular file (a FIFO)");
  // An endless device: refused before a byte is read.
  EXPECT_EQ(error_of([&] { read_input_file("/dev/zero"); }),
            "cannot read /dev/zero: is not a regular file (a character device)");
  const std::string file = dir.path() + "/task.json";
  write(file, "{}");
  EXPECT_EQ(not_a_regular_file(file), "");
  // The program's own files (read_file) follow the same rule, without the cap.
  EXPECT_EQ(error_of([&] { read_file(fifo); }), "cannot read " + fifo + ": is not a regular file (a FIFO)");
  EXPECT_EQ(read_file(file), "{}");
}

TEST(InputFile, PathsWithRawBytesAreEscapedInTheMessage) {
  ScratchDir dir;
  const std::string odd = dir.path() +
                          "/bad\x1b\xff"
                          "name";
  EXPECT_EQ(error_of([&] { read_input_file(odd); }),
            "cannot read " + dir.path() + "/bad\\x1b\\xffname: no such file or directory");
}

// open_input_file (readers that seek: safetensors, samples.jsonl): the same refusals,
// and a FIFO without a writer is refused at once rather than waited on.
TEST(InputFile, OpenInputFileOpensOnlyRegularFiles) {
  testing::ScratchDir dir;
  const std::string file = dir / "a.bin";
  write_file_atomic(file, "abc");
  const int fd = open_input_file(file);
  ASSERT_GE(fd, 0);
  char buffer[4] = {};
  EXPECT_EQ(::read(fd, buffer, 4), 3);
  ::close(fd);
  const std::string fifo = dir / "f.fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const auto error = [](const std::string& path) {
    try {
      ::close(open_input_file(path));
    } catch (const UserError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(error(fifo), "cannot read " + fifo + ": is not a regular file (a FIFO)");
  EXPECT_EQ(error(dir.path()), "cannot read " + dir.path() + ": is a directory");
  EXPECT_EQ(error("/dev/zero"), "cannot read /dev/zero: is not a regular file (a character device)");
  EXPECT_EQ(error(dir / "missing"), "cannot read " + dir / "missing" + ": no such file or directory");
}

}  // namespace
}  // namespace traceplay
