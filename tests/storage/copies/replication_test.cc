// Replication of an archive to a real object store, per-copy audits, and
// repair from a good copy, in both directions, and when no copy is good.
#include "storage/copies/replicator.h"

#include <gtest/gtest.h>

#include <fstream>

#include "src/common/digest.h"
#include "storage/blobs/s3_blob_store.h"
#include "storage/copies/copy_audit.h"
#include "tests/support/archive_fixture.h"
#include "tests/support/object_store.h"

namespace bevara::storage {
namespace {

using testing::FreshBucket;
using testing::TempDir;

struct Copies {
  TempDir dir;
  std::unique_ptr<Archive> archive;
  std::unique_ptr<S3BlobStore> remote;
  std::unique_ptr<CopyLedger> local_ledger, remote_ledger;

  Copies() {
    archive = testing::OpenArchiveOrDie(dir.Join("data"), Env::Default(), {.create_if_missing = true});
    auto store = S3BlobStore::Open(Env::Default(), FreshBucket(), dir.Join("spool"));
    EXPECT_TRUE(store.ok()) << store.status().ToString();
    if (store.ok()) remote = std::move(*store);
    local_ledger = Ledger("local");
    remote_ledger = Ledger("offsite");
  }
  std::unique_ptr<CopyLedger> Ledger(const std::string& name) {
    auto l = CopyLedger::Open(Env::Default(), dir.Join("data/store/copies"), name);
    EXPECT_TRUE(l.ok()) << l.status().ToString();
    return l.ok() ? std::move(*l) : nullptr;
  }
  std::vector<OpenCopy> Open() {
    return {{"local", archive->store(), local_ledger.get(), true}, {"offsite", remote.get(), remote_ledger.get(), false}};
  }
  void Ingest(uint64_t seed, int files = 5) {
    testing::IngestOrDie(archive.get(), testing::GeneratePackage(dir, seed, files, "tar", "p" + std::to_string(seed)));
  }
  ReplicationReport Sync() {
    auto r = Replicate(archive.get(), remote.get(), remote_ledger.get());
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : ReplicationReport{};
  }
  // The blob of a package file (not a version record or an inventory:
  // damage to those is another matter).
  std::string AFileBlob() {
    std::string name;
    EXPECT_TRUE(archive->versions()->ForEach([&](const VersionLogEntry& e) {
      auto record = archive->ReadVersionRecord(e.record);
      if (!record.ok()) return Status::OK();
      for (const FileRecord& f : record->files) {
        if (f.path.find("/representations/") != std::string::npos && f.size > 100) {
          name = f.sha256;
          return Status::StopIteration();
        }
      }
      return Status::OK();
    }).ok());
    EXPECT_FALSE(name.empty());
    return name;
  }
};

TEST(ReplicationTest, EveryBlobIsCopiedOnceAndAResumeSendsOnlyWhatIsNew) {
  Copies c;
  ASSERT_TRUE(c.remote);
  c.Ingest(1);
  c.Ingest(2);
  const uint64_t local_blobs = testing::CountBlobs(c.archive.get());
  ReplicationReport first = c.Sync();
  EXPECT_EQ(first.blobs_sent, local_blobs);
  EXPECT_EQ(first.versions_copied, 2u);
  EXPECT_TRUE(first.problems.empty());
  uint64_t remote_blobs = 0;
  ASSERT_TRUE(c.remote->ForEach([&](const std::string&) {
    ++remote_blobs;
    return Status::OK();
  }).ok());
  EXPECT_EQ(remote_blobs, local_blobs);
  EXPECT_EQ(c.Sync().blobs_sent, 0u) << "what is confirmed is not sent again";
  c.Ingest(3);
  ReplicationReport third = c.Sync();
  EXPECT_GT(third.blobs_sent, 0u);
  EXPECT_LT(third.blobs_sent, local_blobs);
  EXPECT_EQ(third.versions_copied, 1u);
  // The ledger, read again from disk, knows the same.
  c.remote_ledger.reset();
  c.remote_ledger = c.Ledger("offsite");
  EXPECT_EQ(c.remote_ledger->confirmed_blobs(), testing::CountBlobs(c.archive.get()));
  auto lag = MeasureLag(c.archive.get(), *c.remote_ledger);
  ASSERT_TRUE(lag.ok());
  EXPECT_EQ(lag->blobs, 0u);
  auto events = c.remote_ledger->EventsOf(c.AFileBlob());
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  EXPECT_EQ((*events)[0].type, "replication");
  EXPECT_EQ((*events)[0].outcome, "confirmed");
}

TEST(ReplicationTest, ALocallyDamagedBlobIsNeverCopiedAsGood) {
  Copies c;
  ASSERT_TRUE(c.remote);
  c.Ingest(4);
  const std::string blob = c.AFileBlob();
  {
    std::fstream f(testing::BlobPath(c.archive.get(), blob), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(10);
    f.put('#');
  }
  ReplicationReport r = c.Sync();
  ASSERT_EQ(r.problems.size(), 1u);
  EXPECT_NE(r.problems[0].find(blob), std::string::npos);
  EXPECT_EQ(c.remote->Size(blob).status().code(), StatusCode::kNotFound);
  EXPECT_FALSE(c.remote_ledger->Confirmed(blob));
  EXPECT_EQ(r.versions_copied, 0u) << "a version with a blob not copied is not copied";
}

// Damage in the object store, behind bevara's back: found by re-hashing the
// downloaded bytes, repaired from the local copy, checked again.
TEST(ReplicationTest, ARemoteBlobChangedBehindOurBackIsFoundAndRepairedFromTheLocalCopy) {
  Copies c;
  ASSERT_TRUE(c.remote);
  c.Ingest(5);
  c.Sync();
  const std::string changed = c.AFileBlob();
  std::string other = "not the bytes that were archived";
  ASSERT_TRUE(c.remote->client()->Put(S3KeyForBlob(changed), other.data(), other.size(), Sha256Hex(other)).ok());
  // Lost: the version record, which no file of the catalog holds; the
  // finding still names the version it breaks.
  std::string gone, package;
  ASSERT_TRUE(c.archive->versions()->ForEach([&](const VersionLogEntry& e) {
    gone = e.record;
    package = e.package_id;
    return Status::StopIteration();
  }).ok());
  ASSERT_TRUE(c.remote->Remove(gone).ok());

  auto found = AuditCopy(c.archive.get(), c.Open(), "offsite");
  ASSERT_TRUE(found.ok()) << found.status().ToString();
  ASSERT_EQ(found->findings.size(), 2u) << found->ToText();
  EXPECT_EQ(found->repaired(), 0u);
  for (const CopyFinding& f : found->findings) {
    EXPECT_EQ(f.kind, f.blob == changed ? "corrupt" : "missing") << f.detail;
    ASSERT_EQ(f.affected.size(), 1u) << found->ToText();
    EXPECT_EQ(f.affected[0].package_id, package);
    if (f.blob == gone) {
      EXPECT_EQ(f.affected[0].path, "(the version record)");
    }
  }
  auto repaired = AuditCopy(c.archive.get(), c.Open(), "offsite", {.repair = true});
  ASSERT_TRUE(repaired.ok());
  EXPECT_EQ(repaired->repaired(), 2u) << repaired->ToText();
  for (const CopyFinding& f : repaired->findings) EXPECT_EQ(f.repaired_from, "local");
  auto clean = AuditCopy(c.archive.get(), c.Open(), "offsite");
  ASSERT_TRUE(clean.ok());
  EXPECT_TRUE(clean->findings.empty()) << clean->ToText();
  EXPECT_TRUE(c.remote_ledger->Confirmed(changed));
  auto events = c.remote_ledger->EventsOf(changed);
  ASSERT_TRUE(events.ok());
  std::vector<std::string> kinds;
  for (const CopyEvent& e : *events) kinds.push_back(e.type + ":" + e.outcome);
  EXPECT_EQ(kinds, (std::vector<std::string>{"replication:confirmed", "fixity check:corrupt", "fixity check:corrupt",
                                             "repair:repaired", "fixity check:whole"}));
}

TEST(ReplicationTest, ALocalBlobDamagedIsRepairedFromTheRemoteCopy) {
  Copies c;
  ASSERT_TRUE(c.remote);
  c.Ingest(6);
  c.Sync();
  const std::string blob = c.AFileBlob();
  const std::string path = testing::BlobPath(c.archive.get(), blob);
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(3);
    f.put('!');
  }
  auto report = AuditCopy(c.archive.get(), c.Open(), "local", {.repair = true});
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_EQ(report->findings.size(), 1u) << report->ToText();
  EXPECT_EQ(report->findings[0].kind, "corrupt");
  EXPECT_EQ(report->findings[0].repaired_from, "offsite");
  EXPECT_EQ(testing::FileSha256(path), blob);
  EXPECT_FALSE(c.archive->damage()->Find(blob).has_value()) << "the server may send it again";
  testing::ExpectAuditClean(c.archive.get());
}

// Damaged in every copy: reported loudly with what it affects, and left
// alone — never "repaired" with wrong bytes.
TEST(ReplicationTest, ABlobDamagedInEveryCopyIsReportedAndNotTouched) {
  Copies c;
  ASSERT_TRUE(c.remote);
  c.Ingest(7);
  c.Sync();
  const std::string blob = c.AFileBlob();
  std::string wrong = "remote rot";
  ASSERT_TRUE(c.remote->client()->Put(S3KeyForBlob(blob), wrong.data(), wrong.size(), Sha256Hex(wrong)).ok());
  const std::string path = testing::BlobPath(c.archive.get(), blob);
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(0);
    f.put('~');
  }
  const std::string local_bytes = testing::ReadFile(path);
  auto report = AuditCopy(c.archive.get(), c.Open(), "local", {.repair = true});
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->findings.size(), 1u);
  const CopyFinding& f = report->findings[0];
  EXPECT_TRUE(f.repaired_from.empty());
  EXPECT_NE(f.not_repaired.find("offsite"), std::string::npos) << f.not_repaired;
  EXPECT_FALSE(f.affected.empty());
  EXPECT_NE(report->ToText().find("NOT REPAIRED"), std::string::npos);
  EXPECT_EQ(testing::ReadFile(path), local_bytes) << "the damaged copy is left as it was";
  EXPECT_TRUE(c.archive->damage()->Find(blob).has_value());
}

}  // namespace
}  // namespace bevara::storage
