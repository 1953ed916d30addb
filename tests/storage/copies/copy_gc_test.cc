// Disposal reaching the copies (against the real object store): a removed
// package's blobs are deleted from the copy, every version of them; under
// Object Lock they are kept and named; and when what the archive holds
// cannot be known, nothing is deleted anywhere.
#include "storage/copies/copy_gc.h"

#include <gtest/gtest.h>

#include <fstream>
#include <set>

#include "storage/archive/maintenance.h"
#include "storage/blobs/s3_blob_store.h"
#include "storage/copies/copy_audit.h"
#include "storage/copies/replicator.h"
#include "tests/support/archive_fixture.h"
#include "tests/support/object_store.h"

namespace bevara::storage {
namespace {

using testing::TempDir;

// Two packages copied to a bucket; the first is then removed by a decision.
struct Disposed {
  TempDir dir;
  std::unique_ptr<Archive> archive =
      testing::OpenArchiveOrDie(dir.Join("data"), Env::Default(), {.create_if_missing = true});
  std::unique_ptr<S3BlobStore> remote;
  std::unique_ptr<CopyLedger> ledger;
  std::set<std::string> removed_blobs, kept_blobs;  // the first package's own, the second's
  std::string kept_record;

  explicit Disposed(bool locked) {
    S3Settings s = testing::FreshBucket(locked);
    if (locked) s.object_lock_days = 1;
    remote = testing::OpenS3Store(s, dir);
    auto l = CopyLedger::Open(Env::Default(), dir.Join("data/store/copies"), "offsite");
    EXPECT_TRUE(l.ok());
    if (!remote || !l.ok()) return;
    ledger = std::move(*l);
    auto first = testing::IngestOrDie(archive.get(), testing::GeneratePackage(dir, 31, 4, "tar", "d31"));
    auto second = testing::IngestOrDie(archive.get(), testing::GeneratePackage(dir, 32, 4, "tar", "d32"));
    kept_record = second.record_blob;
    kept_blobs = {second.record_blob, second.record.aip_mets, second.record.inventory};
    for (const FileRecord& f : second.record.files) kept_blobs.insert(f.sha256);
    removed_blobs = {first.record_blob, first.record.aip_mets, first.record.inventory};
    for (const FileRecord& f : first.record.files) removed_blobs.insert(f.sha256);
    for (const std::string& b : kept_blobs) removed_blobs.erase(b);
    auto sent = Replicate(archive.get(), remote.get(), ledger.get());
    EXPECT_TRUE(sent.ok() && sent->problems.empty());
    EXPECT_TRUE(archive->RemovePackage(first.record.package_id, "gallringsbeslut 2026:12", "archivist anna").ok());
    EXPECT_TRUE(CollectGarbage(archive.get()).ok());
  }
  uint64_t RemoteObjects() {
    uint64_t n = 0;
    EXPECT_TRUE(remote->client()->ListVersions("sha256/", [&](const S3Version&) {
      ++n;
      return Status::OK();
    }).ok());
    return n;
  }
};

TEST(CopyGcTest, ARemovedPackagesBlobsAreDeletedFromTheCopyEveryVersion) {
  Disposed d(/*locked=*/false);
  ASSERT_TRUE(d.ledger);
  ASSERT_FALSE(d.removed_blobs.empty());
  auto report = CollectCopyGarbage(d.archive.get(), d.remote->client(), d.ledger.get());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->blobs_deleted, d.removed_blobs.size()) << report->ToText("offsite");
  EXPECT_EQ(report->blobs_kept, d.kept_blobs.size());
  EXPECT_TRUE(report->locked.empty());
  for (const std::string& b : d.removed_blobs) {
    EXPECT_EQ(d.remote->Size(b).status().code(), StatusCode::kNotFound) << b;
    EXPECT_FALSE(d.ledger->Confirmed(b));
    auto events = d.ledger->EventsOf(b);
    ASSERT_TRUE(events.ok());
    EXPECT_EQ(events->back().type, "deletion");
  }
  for (const std::string& b : d.kept_blobs) EXPECT_TRUE(d.remote->Size(b).ok()) << b;
  EXPECT_EQ(d.RemoteObjects(), d.kept_blobs.size()) << "no version of a disposed blob is left";
  EXPECT_EQ(d.ledger->confirmed_blobs(), d.kept_blobs.size());
  // What is left is level and whole.
  auto lag = MeasureLag(d.archive.get(), *d.ledger);
  ASSERT_TRUE(lag.ok());
  EXPECT_EQ(lag->blobs, 0u);
  std::vector<OpenCopy> copies = {{"local", d.archive->store(), nullptr, true}, {"offsite", d.remote.get(), d.ledger.get(), false}};
  auto local_ledger = CopyLedger::Open(Env::Default(), d.dir.Join("data/store/copies"), "local");
  ASSERT_TRUE(local_ledger.ok());
  copies[0].ledger = local_ledger->get();
  auto audit = AuditCopy(d.archive.get(), copies, "offsite");
  ASSERT_TRUE(audit.ok());
  EXPECT_TRUE(audit->findings.empty()) << audit->ToText();
  // Again: nothing more to do.
  auto again = CollectCopyGarbage(d.archive.get(), d.remote->client(), d.ledger.get());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->blobs_deleted, 0u);
}

TEST(CopyGcTest, LockedBlobsAreKeptUntilTheirRetentionEndsAndNamed) {
  Disposed d(/*locked=*/true);
  ASSERT_TRUE(d.ledger);
  const uint64_t before = d.RemoteObjects();
  auto report = CollectCopyGarbage(d.archive.get(), d.remote->client(), d.ledger.get());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->blobs_deleted, 0u);
  ASSERT_EQ(report->locked.size(), d.removed_blobs.size()) << report->ToText("offsite");
  EXPECT_NE(report->locked[0].find("COMPLIANCE until"), std::string::npos) << report->locked[0];
  EXPECT_EQ(d.RemoteObjects(), before);
  for (const std::string& b : d.removed_blobs) EXPECT_TRUE(d.ledger->Confirmed(b)) << "still there, still whole";
}

// A wrong --data, an archive restored from nothing, a bucket shared with
// another archive: what this archive's ledger never recorded is not its to
// delete.
TEST(CopyGcTest, ObjectsThisArchiveDidNotSendAreLeftAlone) {
  Disposed d(/*locked=*/false);
  ASSERT_TRUE(d.ledger);
  const uint64_t before = d.RemoteObjects();
  TempDir other;
  auto empty = testing::OpenArchiveOrDie(other.Join("data"), Env::Default(), {.create_if_missing = true});
  auto ledger = CopyLedger::Open(Env::Default(), other.Join("data/store/copies"), "offsite");
  ASSERT_TRUE(ledger.ok());
  auto report = CollectCopyGarbage(empty.get(), d.remote->client(), ledger->get());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->blobs_deleted, 0u);
  EXPECT_EQ(report->not_ours, before);
  EXPECT_EQ(d.RemoteObjects(), before);
}

// A version record that cannot be read hides what its version holds: no
// blob of any copy is deleted on a guess.
TEST(CopyGcTest, AnUnreadableVersionRecordStopsDeletionEverywhere) {
  Disposed d(/*locked=*/false);
  ASSERT_TRUE(d.ledger);
  const uint64_t before = d.RemoteObjects();
  {
    std::fstream f(testing::BlobPath(d.archive.get(), d.kept_record), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(0);
    f.put('#');
  }
  auto report = CollectCopyGarbage(d.archive.get(), d.remote->client(), d.ledger.get());
  EXPECT_EQ(report.status().code(), StatusCode::kCorruption) << report.status().ToString();
  EXPECT_NE(report.status().message().find("nothing is deleted"), std::string::npos);
  EXPECT_EQ(d.RemoteObjects(), before);
}

}  // namespace
}  // namespace bevara::storage
