// The S3 blob store against a real object store (Ceph RGW, started by the
// ObjectStore fixture): the BlobStore contract, and what the store must do
// when the bytes, the credentials, the bucket or the network are wrong.
#include "storage/blobs/s3_blob_store.h"

#include <gtest/gtest.h>

#include <chrono>

#include "src/common/digest.h"
#include "src/common/memory_file.h"
#include "src/common/random.h"
#include "tests/support/object_store.h"
#include "tests/test_util.h"

namespace bevara::storage {
namespace {

using testing::FreshBucket;
using testing::Impatient;
using testing::TempDir;

std::string Bytes(size_t n, uint64_t seed) { return testing::PatternBytes(n, seed); }
Result<std::string> ReadBack(BlobStore* store, const std::string& name) { return testing::ReadBlobBack(store, name); }
std::unique_ptr<S3BlobStore> OpenStore(const S3Settings& s, const TempDir& dir) { return testing::OpenS3Store(s, dir); }

TEST(S3BlobStoreTest, BlobsGoInUnderTheirDigestAndComeBackWhole) {
  TempDir dir;
  auto store = OpenStore(FreshBucket(), dir);
  ASSERT_TRUE(store);
  for (size_t size : {size_t{0}, size_t{1}, size_t{10 << 10}, size_t{(8 << 20) + 3}, size_t{(12 << 20) + 5}}) {
    const std::string bytes = Bytes(size, size);
    const std::string name = Sha256Hex(bytes);
    MemoryFile source(bytes);
    ASSERT_TRUE(store->Restore(name, &source).ok()) << size;
    auto stored = store->Size(name);
    ASSERT_TRUE(stored.ok()) << stored.status().ToString();
    EXPECT_EQ(*stored, size);
    auto back = ReadBack(store.get(), name);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_TRUE(*back == bytes) << size;
  }
  std::vector<std::string> names;
  ASSERT_TRUE(store->ForEach([&](const std::string& n) {
    names.push_back(n);
    return Status::OK();
  }).ok());
  EXPECT_EQ(names.size(), 5u);
  EXPECT_EQ(store->Size(std::string(64, 'a')).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store->Open(std::string(64, 'a')).status().code(), StatusCode::kNotFound);
}

// Bytes that do not hash to the name never become visible under it: not in
// one request, and not as a multipart upload whose last part is wrong.
TEST(S3BlobStoreTest, BytesThatDoNotMatchTheNameAreNeverVisible) {
  TempDir dir;
  auto store = OpenStore(FreshBucket(), dir);
  ASSERT_TRUE(store);
  for (size_t size : {size_t{1000}, size_t{(11 << 20) + 7}}) {
    std::string bytes = Bytes(size, 7);
    const std::string name = Sha256Hex(bytes);
    bytes[bytes.size() - 1] ^= 1;
    MemoryFile wrong(bytes);
    Status s = store->Restore(name, &wrong);
    EXPECT_EQ(s.code(), StatusCode::kCorruption) << s.ToString();
    EXPECT_EQ(store->Size(name).status().code(), StatusCode::kNotFound) << size;
  }
  EXPECT_EQ(store->Restore("not-a-name", nullptr).code(), StatusCode::kInvalidArgument);
}

// The server checks the signed SHA-256 of the body too: a client whose
// bytes change after hashing cannot store them (here: a body whose hash
// claims other bytes).
TEST(S3BlobStoreTest, TheObjectStoreRefusesABodyThatDoesNotMatchItsSignedHash) {
  auto client = S3Client::Make(FreshBucket());
  ASSERT_TRUE(client.ok());
  const std::string bytes = Bytes(5000, 3);
  Status s = (*client)->Put("sha256/00/x", bytes.data(), bytes.size(), Sha256Hex("other bytes"));
  EXPECT_EQ(s.code(), StatusCode::kCorruption) << s.ToString();
  EXPECT_EQ((*client)->Head("sha256/00/x").status().code(), StatusCode::kNotFound);
}

TEST(S3BlobStoreTest, ABatchIsVisibleOnlyWhenPublished) {
  TempDir dir;
  auto store = OpenStore(FreshBucket(), dir);
  ASSERT_TRUE(store);
  const std::string a = Bytes(3000, 1), b = Bytes(6 << 20, 2);
  {
    auto batch = store->NewBatch();
    ASSERT_TRUE(batch.ok());
    auto w = (*batch)->NewBlob();
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Append(a.data(), a.size()).ok());
    ASSERT_TRUE((*w)->Finish().ok());
  }  // dropped unpublished
  EXPECT_EQ(store->Size(Sha256Hex(a)).status().code(), StatusCode::kNotFound);
  auto batch = store->NewBatch();
  ASSERT_TRUE(batch.ok());
  for (const std::string* bytes : {&a, &b, &a}) {
    auto w = (*batch)->NewBlob();
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->Append(bytes->data(), bytes->size()).ok());
    auto name = (*w)->Finish();
    ASSERT_TRUE(name.ok());
    EXPECT_EQ(*name, Sha256Hex(*bytes));
  }
  auto wrong = (*batch)->NewBlob();
  ASSERT_TRUE((*wrong)->Append("x", 1).ok());
  EXPECT_EQ((*wrong)->Finish(Sha256Hex("y")).status().code(), StatusCode::kCorruption);
  auto stats = (*batch)->Publish();
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->new_blobs, 2u);
  EXPECT_TRUE(ReadBack(store.get(), Sha256Hex(b)).ok());
  batch->reset();
  auto left = store->RemoveStaleStaging();
  ASSERT_TRUE(left.ok());
  EXPECT_EQ(*left, 0u);
}

// Wrong credentials: one clear refusal, not a storm of retried requests.
TEST(S3BlobStoreTest, WrongCredentialsAreRefusedAtOnceWithoutRetrying) {
  S3Settings s = FreshBucket();
  s.secret_access_key = "wrong-secret-123";
  auto client = S3Client::Make(s);
  ASSERT_TRUE(client.ok());
  Status refused = (*client)->CheckBucket();
  EXPECT_EQ(refused.code(), StatusCode::kPermissionDenied) << refused.ToString();
  EXPECT_EQ(refused.message().find("wrong-secret-123"), std::string::npos) << "a secret is never in a message";
  EXPECT_EQ((*client)->requests(), 1u);
  EXPECT_EQ((*client)->retries(), 0u);
  TempDir dir;
  EXPECT_EQ(S3BlobStore::Open(Env::Default(), s, dir.Join("spool")).status().code(), StatusCode::kPermissionDenied);
}

TEST(S3BlobStoreTest, ABucketThatDoesNotExistIsNamed) {
  S3Settings s = FreshBucket();
  s.bucket = "no-such-bucket-" + RandomHex(4);
  TempDir dir;
  auto store = S3BlobStore::Open(Env::Default(), s, dir.Join("spool"));
  ASSERT_EQ(store.status().code(), StatusCode::kNotFound) << store.status().ToString();
  EXPECT_NE(store.status().message().find(s.bucket), std::string::npos);
  EXPECT_NE(store.status().message().find("does not exist"), std::string::npos);
}

// Nothing listening: retried with backoff, then Unavailable.
TEST(S3BlobStoreTest, AStoreThatDoesNotAnswerIsRetriedThenUnavailable) {
  S3Settings s = Impatient(FreshBucket());
  s.endpoint = "http://127.0.0.1:9";  // discard: nothing listens
  auto client = S3Client::Make(s);
  ASSERT_TRUE(client.ok());
  const auto start = std::chrono::steady_clock::now();
  Status s1 = (*client)->CheckBucket();
  EXPECT_EQ(s1.code(), StatusCode::kUnavailable) << s1.ToString();
  EXPECT_EQ((*client)->requests(), 3u);
  EXPECT_EQ((*client)->retries(), 2u);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

// Write once: a copy written with Object Lock (compliance mode) cannot be
// deleted or overwritten for good by anyone holding bevara's credentials
// until its retention ends — a delete only hides it, and the locked
// version stays to be read back.
TEST(S3BlobStoreTest, ALockedCopyCannotBeDeletedOrOverwrittenBeforeItsRetentionEnds) {
  S3Settings s = FreshBucket(/*object_lock=*/true);
  s.object_lock_days = 1;
  TempDir dir;
  auto store = OpenStore(s, dir);
  ASSERT_TRUE(store);
  const std::string bytes = Bytes(20000, 9), name = Sha256Hex(bytes);
  MemoryFile source(bytes);
  ASSERT_TRUE(store->Restore(name, &source).ok());
  S3Client* client = store->client();
  auto retention = client->Retention(S3KeyForBlob(name));
  ASSERT_TRUE(retention.ok()) << retention.status().ToString();
  EXPECT_EQ(retention->rfind("COMPLIANCE until ", 0), 0u) << *retention;
  auto versions = client->Versions(S3KeyForBlob(name));
  ASSERT_TRUE(versions.ok()) << versions.status().ToString();
  ASSERT_EQ(versions->size(), 1u);
  Status gone = client->DeleteVersion(S3KeyForBlob(name), (*versions)[0]);
  EXPECT_EQ(gone.code(), StatusCode::kPermissionDenied) << gone.ToString();
  // A plain delete and an overwrite leave the locked version in place.
  ASSERT_TRUE(store->Remove(name).ok());
  const std::string other = "other bytes";
  ASSERT_TRUE(client->Put(S3KeyForBlob(name), other.data(), other.size(), Sha256Hex(other)).ok());
  const std::string archived = (*versions)[0];
  versions = client->Versions(S3KeyForBlob(name));
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 2u) << "the overwrite is a new version; the archived one stays";
  EXPECT_EQ(versions->back(), archived);
  EXPECT_EQ(client->DeleteVersion(S3KeyForBlob(name), versions->back()).code(), StatusCode::kPermissionDenied)
      << "the oldest version, the archived one, is still locked";
}

TEST(S3BlobStoreTest, SettingsAreCheckedBeforeAnyRequest) {
  S3Settings s = FreshBucket();
  for (auto change : std::vector<std::function<void(S3Settings&)>>{
           [](S3Settings& x) { x.endpoint = "ftp://x"; }, [](S3Settings& x) { x.bucket = "UPPER"; },
           [](S3Settings& x) { x.secret_access_key.clear(); }, [](S3Settings& x) { x.part_bytes = 1024; },
           [](S3Settings& x) { x.region = "a:b"; }}) {
    S3Settings bad = s;
    change(bad);
    EXPECT_EQ(S3Client::Make(bad).status().code(), StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace bevara::storage
