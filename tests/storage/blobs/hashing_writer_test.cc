// The blob writer's pipeline: what it writes and hashes is exactly what it
// was given, however it is cut (small pieces, odd sizes, past the point
// where helpers take over, direct and buffered writes), and a failure on
// a helper thread reaches the caller.
#include "storage/blobs/hashing_writer.h"

#include <gtest/gtest.h>

#include <random>

#include "src/common/digest.h"
#include "tests/support/fault_injection_env.h"
#include "tests/test_util.h"

namespace bevara::storage {
namespace {

using testing::TempDir;

std::string RandomBytes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::string out(n, '\0');
  for (char& c : out) c = static_cast<char>(rng());
  return out;
}

// Writes `data` in pieces of the given sizes (cycling) and checks the file and the digest.
void WriteAndCheck(Env* env, const std::string& path, const std::string& data, std::vector<size_t> pieces,
                   HashingWriterOptions options) {
  auto file = env->CreateExclusive(path, kDefaultFileMode);
  ASSERT_TRUE(file.ok());
  HashingWriter writer(std::move(*file), options);
  size_t at = 0;
  for (size_t i = 0; at < data.size(); ++i) {
    const size_t n = std::min(pieces[i % pieces.size()], data.size() - at);
    ASSERT_TRUE(writer.Append(data.data() + at, n).ok());
    at += n;
  }
  ASSERT_TRUE(writer.Finish().ok());
  ASSERT_TRUE(writer.file()->Sync().ok());
  ASSERT_TRUE(writer.file()->Close().ok());
  EXPECT_EQ(writer.bytes(), data.size());
  EXPECT_EQ(writer.sha256(), Sha256Hex(data));
  EXPECT_TRUE(testing::ReadFile(path) == data) << "the file holds other bytes than were appended";
}

TEST(HashingWriterTest, WritesAndHashesExactlyWhatItIsGivenHoweverItIsCut) {
  TempDir dir;
  HashingWriterOptions small;  // helpers after 64 KiB, 8 KiB chunks, 3 in flight
  small.pipeline_at = 64 << 10;
  small.chunk_bytes = 8 << 10;
  small.chunks_in_flight = 3;
  small.writeback_every = 32 << 10;
  int n = 0;
  for (size_t size : {size_t{0}, size_t{1}, size_t{4096}, size_t{(64 << 10) + 1}, size_t{1 << 20}, size_t{(1 << 20) + 4095}}) {
    for (const std::vector<size_t>& pieces : std::vector<std::vector<size_t>>{{1 << 20}, {1, 4095, 300000}, {8192}, {7}}) {
      SCOPED_TRACE("size " + std::to_string(size) + ", pieces from " + std::to_string(pieces.front()));
      WriteAndCheck(Env::Default(), dir.Join("f" + std::to_string(n++)), RandomBytes(size, size), pieces, small);
    }
  }
  // The default options: 40 MiB passes the point where helpers and direct writes take over.
  WriteAndCheck(Env::Default(), dir.Join("big"), RandomBytes(40 << 20, 7), {(1 << 20) + 17, 65536}, {});
}

TEST(HashingWriterTest, AFailedWriteOnAHelperReachesTheCaller) {
  TempDir dir;
  testing::FaultInjectionEnv env(Env::Default());
  HashingWriterOptions options;
  options.pipeline_at = 64 << 10;
  options.chunk_bytes = 8 << 10;
  auto file = env.CreateExclusive(dir.Join("f"), kDefaultFileMode);
  ASSERT_TRUE(file.ok());
  HashingWriter writer(std::move(*file), options);
  env.FailNth(testing::FaultKind::kWrite, 20, ENOSPC);
  const std::string data = RandomBytes(1 << 20, 3);
  Status s;
  for (size_t at = 0; at < data.size() && s.ok(); at += 4096) s = writer.Append(data.data() + at, 4096);
  if (s.ok()) s = writer.Finish();
  EXPECT_EQ(s.code(), StatusCode::kNoSpace) << s.ToString();
  EXPECT_TRUE(env.fault_fired());
}

TEST(HashingWriterTest, AWriterDroppedHalfWayStopsItsHelpers) {
  TempDir dir;
  HashingWriterOptions options;
  options.pipeline_at = 4096;
  options.chunk_bytes = 4096;
  auto file = Env::Default()->CreateExclusive(dir.Join("f"), kDefaultFileMode);
  ASSERT_TRUE(file.ok());
  {
    HashingWriter writer(std::move(*file), options);
    const std::string data = RandomBytes(1 << 20, 5);
    ASSERT_TRUE(writer.Append(data.data(), data.size()).ok());
  }  // destroyed without Finish: returns, joins, leaks nothing (ASan checks)
}

}  // namespace
}  // namespace bevara::storage
