// The object store misbehaving: server errors and slow answers, made by a
// proxy in front of the real gateway (tests/support/fault_proxy.h). What
// must hold: bytes arrive whole or not at all, a retried request that had
// succeeded is no failure, nothing is confirmed that the store does not
// hold, and a store that keeps failing is given up on without a storm.
#include <gtest/gtest.h>

#include "src/common/digest.h"
#include "src/common/memory_file.h"
#include "storage/copies/replicator.h"
#include "tests/support/archive_fixture.h"
#include "tests/support/fault_proxy.h"
#include "tests/support/object_store.h"

namespace bevara::storage {
namespace {

using testing::FaultPlan;
using testing::FaultProxy;
using testing::TempDir;

// A bucket on the real store, and the same bucket through the proxy.
struct Faulty {
  S3Settings direct = testing::FreshBucket();
  std::unique_ptr<FaultProxy> proxy;
  S3Settings through;

  explicit Faulty(const FaultPlan& plan) {
    proxy = FaultProxy::Start(testing::ObjectStorePort(), plan);
    EXPECT_TRUE(proxy);
    through = direct;
    if (proxy) through.endpoint = proxy->endpoint();
    through.retry.first_backoff_ms = 10;
    through.retry.max_backoff_ms = 100;
  }
};

// Stores blobs of sizes from nothing to three parts through `store`, and
// checks each by reading it back from the store directly.
void StoreAndCheck(BlobStore* store, BlobStore* direct, uint64_t seed) {
  for (size_t size : {size_t{0}, size_t{10 << 10}, size_t{(12 << 20) + 5}}) {
    const std::string bytes = testing::PatternBytes(size, seed + size);
    const std::string name = Sha256Hex(bytes);
    MemoryFile source(bytes);
    Status put = store->Restore(name, &source);
    ASSERT_TRUE(put.ok()) << size << ": " << put.ToString();
    auto back = testing::ReadBlobBack(direct, name);
    ASSERT_TRUE(back.ok()) << size << ": " << back.status().ToString();
    EXPECT_TRUE(*back == bytes) << size;
    auto via = testing::ReadBlobBack(store, name);
    ASSERT_TRUE(via.ok()) << size << ": " << via.status().ToString();
  }
}

TEST(S3FaultsTest, ServerErrorsAreRetriedAndTheBytesArriveWhole) {
  Faulty f({.fail_every = 2, .first_try_only = true});
  ASSERT_TRUE(f.proxy);
  TempDir dir;
  auto store = testing::OpenS3Store(f.through, dir);
  auto direct = testing::OpenS3Store(f.direct, dir);
  ASSERT_TRUE(store && direct);
  StoreAndCheck(store.get(), direct.get(), 1);
  EXPECT_GT(f.proxy->failed(), 5) << "the faults were made";
  EXPECT_GT(store->client()->retries(), 5u);
}

// Answers held back past the client's patience, after the store did the
// work: each such request is given up on and tried again, and a repeated
// request that had succeeded (a part, a completion) is no failure.
TEST(S3FaultsTest, SlowAnswersAreGivenUpOnAndTriedAgain) {
  Faulty f({.slow_every = 2, .slow_ms = 2500, .first_try_only = true});
  ASSERT_TRUE(f.proxy);
  f.through.retry.stall_timeout_ms = 1000;
  TempDir dir;
  auto store = testing::OpenS3Store(f.through, dir);
  auto direct = testing::OpenS3Store(f.direct, dir);
  ASSERT_TRUE(store && direct);
  StoreAndCheck(store.get(), direct.get(), 2);
  EXPECT_GT(f.proxy->slowed(), 3);
  EXPECT_GT(store->client()->retries(), 3u);
}

// The answer to a multipart completion lost (the connection cut after the
// store completed it): the completion is sent again to a store that already
// completed it; the object is there, whole, and the upload counts as done
// (Ceph RGW answers the repeated completion as done).
TEST(S3FaultsTest, ACompletionWhoseAnswerWasLostIsNotAFailure) {
  Faulty f({.slow_every = 1, .slow_method = "POST", .slow_matching = "uploadId=", .slow_limit = 1, .drop_answer = true});
  ASSERT_TRUE(f.proxy);
  TempDir dir;
  auto store = testing::OpenS3Store(f.through, dir);
  auto direct = testing::OpenS3Store(f.direct, dir);
  ASSERT_TRUE(store && direct);
  const std::string bytes = testing::PatternBytes((11 << 20) + 1, 3);
  const std::string name = Sha256Hex(bytes);
  MemoryFile source(bytes);
  Status put = store->Restore(name, &source);
  ASSERT_TRUE(put.ok()) << put.ToString();
  EXPECT_EQ(f.proxy->slowed(), 1) << "the completion's answer was lost once";
  EXPECT_EQ(store->client()->retries(), 1u) << "and sent again";
  auto back = testing::ReadBlobBack(direct.get(), name);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(*back == bytes);
}

// An archive of a few packages, and a ledger for the copy behind the proxy.
struct Archived {
  TempDir dir;
  std::unique_ptr<Archive> archive =
      testing::OpenArchiveOrDie(dir.Join("data"), Env::Default(), {.create_if_missing = true});
  std::unique_ptr<CopyLedger> ledger;

  Archived() {
    for (uint64_t seed : {11, 12, 13}) {
      testing::IngestOrDie(archive.get(), testing::GeneratePackage(dir, seed, 6, "tar", "f" + std::to_string(seed)));
    }
    auto l = CopyLedger::Open(Env::Default(), dir.Join("data/store/copies"), "offsite");
    EXPECT_TRUE(l.ok()) << l.status().ToString();
    if (l.ok()) ledger = std::move(*l);
  }
};

// Server errors and slow answers while the archive is copied: everything
// arrives, and every blob the ledger confirms is in the store, whole.
TEST(S3FaultsTest, ReplicationThroughFaultsConfirmsOnlyWhatIsStoredWhole) {
  Archived a;
  ASSERT_TRUE(a.ledger);
  Faulty f({.fail_every = 3, .slow_every = 7, .slow_ms = 1500, .first_try_only = true});
  ASSERT_TRUE(f.proxy);
  f.through.retry.stall_timeout_ms = 1000;
  auto store = testing::OpenS3Store(f.through, a.dir);
  auto direct = testing::OpenS3Store(f.direct, a.dir);
  ASSERT_TRUE(store && direct);
  auto report = Replicate(a.archive.get(), store.get(), a.ledger.get());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->problems.empty()) << report->ToJson();
  EXPECT_EQ(report->versions_copied, 3u);
  EXPECT_GT(f.proxy->failed(), 3);
  EXPECT_EQ(a.ledger->confirmed_blobs(), testing::CountBlobs(a.archive.get()));
  ASSERT_TRUE(a.archive->store()->ForEach([&](const std::string& name) {
    EXPECT_TRUE(a.ledger->Confirmed(name)) << name;
    auto back = testing::ReadBlobBack(direct.get(), name);
    EXPECT_TRUE(back.ok()) << name << ": " << back.status().ToString();
    return Status::OK();
  }).ok());
}

// A store that answers every request with an error: the copy is given up on
// after each sender's retries, not blob after blob, and nothing is confirmed.
TEST(S3FaultsTest, AStoreThatAlwaysFailsIsGivenUpOnWithoutAStormOfRequests) {
  Archived a;
  ASSERT_TRUE(a.ledger);
  Faulty f({.fail_every = 1});
  ASSERT_TRUE(f.proxy);
  f.through.retry.attempts = 3;
  auto store = testing::OpenS3Store(f.direct, a.dir);  // the bucket was there when opened
  ASSERT_TRUE(store);
  auto failing = S3BlobStore::Open(Env::Default(), f.through, a.dir.Join("spool2"), /*check_bucket=*/false);
  ASSERT_TRUE(failing.ok());
  const ReplicationOptions options{.threads = 4};
  auto report = Replicate(a.archive.get(), failing->get(), a.ledger.get(), options);
  EXPECT_EQ(report.status().code(), StatusCode::kUnavailable) << report.status().ToString();
  EXPECT_NE(report.status().message().find("503"), std::string::npos) << report.status().ToString();
  EXPECT_EQ(a.ledger->confirmed_blobs(), 0u);
  EXPECT_LE(f.proxy->requests(), options.threads * f.through.retry.attempts) << "one round of retries per sender";
  EXPECT_LT(f.proxy->requests(), static_cast<int>(testing::CountBlobs(a.archive.get())));
}

}  // namespace
}  // namespace bevara::storage
