#include "storage/blobs/local_blob_store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "src/common/digest.h"
#include "tests/support/fault_injection_env.h"
#include "tests/test_util.h"

namespace bevara::storage {
namespace {

using testing::FaultInjectionEnv;
using testing::TempDir;

std::string ReadAll(ReadableFile* f) {
  std::string out;
  char buf[4096];
  for (;;) {
    auto n = f->Read(buf, sizeof buf);
    EXPECT_TRUE(n.ok());
    if (!n.ok() || *n == 0) return out;
    out.append(buf, *n);
  }
}

TEST(LocalBlobStoreTest, PublishedBlobsAreNamedByTheirSha256) {
  TempDir dir;
  auto store = LocalBlobStore::Open(Env::Default(), dir.Join("store")).value();
  auto batch = store->NewBatch().value();
  std::string big(300 << 10, 'x');  // above the fsync threshold
  std::vector<std::string> names;
  for (const std::string& data : {std::string("hello"), big, std::string()}) {
    auto w = batch->NewBlob().value();
    ASSERT_TRUE(w->Append(data.data(), data.size()).ok());
    names.push_back(w->Finish(Sha256Hex(data)).value());
    EXPECT_EQ(names.back(), Sha256Hex(data));
    EXPECT_FALSE(store->Open(names.back()).ok()) << "visible before Publish";
  }
  auto stats = batch->Publish().value();
  EXPECT_EQ(stats.new_blobs, 3u);
  EXPECT_EQ(ReadAll(store->Open(names[0]).value().get()), "hello");
  EXPECT_EQ(store->Size(names[1]).value(), big.size());
  EXPECT_TRUE(std::filesystem::exists(dir.Join("store/blobs/sha256/" + names[0].substr(0, 2) + "/" + names[0])));
  batch.reset();
  EXPECT_TRUE(std::filesystem::is_empty(dir.Join("store/staging")));
}

// A nearly full disk (as the Env reports it): a blob that would eat into
// the reserve is refused, saying so, and nothing of it is kept.
TEST(LocalBlobStoreTest, ABlobThatWouldEatTheReserveIsRefused) {
  TempDir dir;
  FaultInjectionEnv env(Env::Default());
  auto store = LocalBlobStore::Open(&env, dir.Join("store")).value();
  env.SetDiskSpace({100ull << 20, 3ull << 20});  // reserve: 2 MiB of 100
  auto batch = store->NewBatch().value();
  auto small = batch->NewBlob().value();
  std::string kib(1024, 'k');
  EXPECT_TRUE(small->Append(kib.data(), kib.size()).ok()) << "a small blob still fits";
  auto big = batch->NewBlob().value();
  std::string mib(1 << 20, 'm');
  Status s = big->Append(mib.data(), mib.size());
  for (int i = 0; s.ok() && i < 4; ++i) {
    env.SetDiskSpace({100ull << 20, (2ull << 20) + (512ull << 10)});  // what the first MiB left
    s = big->Append(mib.data(), mib.size());
  }
  EXPECT_EQ(s.code(), StatusCode::kNoSpace) << s.ToString();
  EXPECT_NE(s.message().find("reserve"), std::string::npos) << s.ToString();
  small.reset();
  big.reset();
  batch.reset();
  EXPECT_TRUE(std::filesystem::is_empty(dir.Join("store/staging")));
}

TEST(LocalBlobStoreTest, SameBytesAreStoredOnce) {
  TempDir dir;
  auto store = LocalBlobStore::Open(Env::Default(), dir.Join("store")).value();
  for (int round = 0; round < 2; ++round) {
    auto batch = store->NewBatch().value();
    for (int i = 0; i < 2; ++i) {
      auto w = batch->NewBlob().value();
      ASSERT_TRUE(w->Append("same", 4).ok());
      ASSERT_TRUE(w->Finish().ok());
    }
    auto stats = batch->Publish().value();
    EXPECT_EQ(stats.blobs, 2u);
    EXPECT_EQ(stats.new_blobs, round == 0 ? 1u : 0u);
  }
  int count = 0;
  ASSERT_TRUE(store->ForEach([&](const std::string&) { return ++count, Status::OK(); }).ok());
  EXPECT_EQ(count, 1);
}

TEST(LocalBlobStoreTest, WrongExpectedDigestIsNeverPublished) {
  TempDir dir;
  auto store = LocalBlobStore::Open(Env::Default(), dir.Join("store")).value();
  auto batch = store->NewBatch().value();
  auto w = batch->NewBlob().value();
  ASSERT_TRUE(w->Append("payload", 7).ok());
  auto name = w->Finish(Sha256Hex("other payload"));
  EXPECT_EQ(name.status().code(), StatusCode::kCorruption);
  w.reset();
  EXPECT_EQ(batch->Publish().value().new_blobs, 0u);
  EXPECT_FALSE(store->Open(Sha256Hex("payload")).ok());
}

TEST(LocalBlobStoreTest, UnpublishedBatchLeavesNothing) {
  TempDir dir;
  auto store = LocalBlobStore::Open(Env::Default(), dir.Join("store")).value();
  {
    auto batch = store->NewBatch().value();
    auto finished = batch->NewBlob().value();
    ASSERT_TRUE(finished->Append("a", 1).ok());
    ASSERT_TRUE(finished->Finish().ok());
    auto abandoned = batch->NewBlob().value();
    ASSERT_TRUE(abandoned->Append("b", 1).ok());
  }
  EXPECT_TRUE(std::filesystem::is_empty(dir.Join("store/staging")));
  EXPECT_FALSE(store->Open(Sha256Hex("a")).ok());
}

TEST(LocalBlobStoreTest, SecondProcessCannotOpenTheStore) {
  TempDir dir;
  auto store = LocalBlobStore::Open(Env::Default(), dir.Join("store")).value();
  // flock locks belong to open file descriptions: a second open conflicts
  // even in the same process, as another process would.
  auto second = LocalBlobStore::Open(Env::Default(), dir.Join("store"));
  EXPECT_EQ(second.status().code(), StatusCode::kUnavailable);
}

TEST(LocalBlobStoreTest, RejectsNamesThatAreNotDigests) {
  TempDir dir;
  auto store = LocalBlobStore::Open(Env::Default(), dir.Join("store")).value();
  for (const char* bad : {"../../etc/passwd", "ABCDEF", "", "0000000000000000000000000000000000000000000000000000000000000000/.."}) {
    EXPECT_EQ(store->Open(bad).status().code(), StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_TRUE(IsBlobName(Sha256Hex("")));
  EXPECT_FALSE(IsBlobName(std::string(64, 'A')));
}

}  // namespace
}  // namespace bevara::storage
