// A catalog write that fails after the version was logged (no crash): the
// log is ahead of the catalog. The next update rolls the catalog forward
// before it reads the package's head, so no version number is logged twice;
// while it cannot (RocksDB stays read-only after a failed write until it is
// opened again), updates are refused. And a log that names two records
// for one version is reported, not guessed at.
#include <gtest/gtest.h>

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <atomic>
#include <map>
#include <string>

#include "storage/archive/audit.h"
#include "storage/archive/maintenance.h"
#include "tests/support/archive_fixture.h"

namespace bevara::storage {
namespace {

using testing::TempDir;

// RocksDB's file system, with writes to its write-ahead log failing while armed.
class FailingWalFileSystem final : public rocksdb::FileSystemWrapper {
 public:
  explicit FailingWalFileSystem(std::shared_ptr<rocksdb::FileSystem> base) : FileSystemWrapper(std::move(base)) {}
  const char* Name() const override { return "FailingWalFileSystem"; }

  rocksdb::IOStatus NewWritableFile(const std::string& name, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override {
    rocksdb::IOStatus s = target()->NewWritableFile(name, options, result, dbg);
    if (s.ok() && name.size() > 4 && name.compare(name.size() - 4, 4, ".log") == 0) {
      *result = std::make_unique<File>(std::move(*result), &armed_);
    }
    return s;
  }

  void Arm(bool on) { armed_ = on; }

 private:
  class File final : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    File(std::unique_ptr<rocksdb::FSWritableFile> base, std::atomic<bool>* armed)
        : FSWritableFileOwnerWrapper(std::move(base)), armed_(armed) {}
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             rocksdb::IODebugContext* dbg) override {
      if (*armed_) return rocksdb::IOStatus::IOError("injected write failure");
      return FSWritableFileOwnerWrapper::Append(data, options, dbg);
    }
    rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                             const rocksdb::DataVerificationInfo& info, rocksdb::IODebugContext* dbg) override {
      if (*armed_) return rocksdb::IOStatus::IOError("injected write failure");
      return FSWritableFileOwnerWrapper::Append(data, options, info, dbg);
    }

   private:
    std::atomic<bool>* armed_;
  };

  std::atomic<bool> armed_{false};
};

struct FailingCatalog {
  std::shared_ptr<FailingWalFileSystem> fs =
      std::make_shared<FailingWalFileSystem>(rocksdb::FileSystem::Default());
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
  ArchiveOptions options() {
    ArchiveOptions o;
    o.catalog.rocksdb_env = env.get();
    return o;
  }
};

// How many times the log names each (package, version).
std::map<std::pair<std::string, uint32_t>, int> LoggedVersions(Archive* archive) {
  std::map<std::pair<std::string, uint32_t>, int> out;
  EXPECT_TRUE(archive->versions()->ForEach([&](const VersionLogEntry& e) {
    if (e.kind == VersionLogKind::kVersion) ++out[{e.package_id, e.version}];
    return Status::OK();
  }).ok());
  return out;
}

TEST(CatalogBehindTest, TheNextUpdateRollsTheCatalogForwardFirst) {
  TempDir dir;
  FailingCatalog failing;
  auto archive = testing::OpenArchiveOrDie(dir.Join("data"), Env::Default(), failing.options());
  ingest::Ingester ingester(archive.get(), testing::Schemas());
  const std::string package = testing::GeneratePackage(dir, 70);
  failing.fs->Arm(true);
  auto failed = ingester.Ingest(package);
  ASSERT_FALSE(failed.ok()) << "the catalog write was meant to fail";
  // The caller hears the truth: logged, kept, not visible yet.
  EXPECT_EQ(failed.status().code(), StatusCode::kUnavailable) << failed.status().ToString();
  EXPECT_NE(failed.status().message().find("is in the version log"), std::string::npos) << failed.status().ToString();
  failing.fs->Arm(false);
  // The failed attempt is in the log only.
  auto logged = LoggedVersions(archive.get());
  ASSERT_EQ(logged.size(), 1u);
  const std::string id = logged.begin()->first.first;
  EXPECT_FALSE(archive->catalog()->GetPackage(id).value().has_value());

  // RocksDB refuses writes after a failed one and could not resume: an
  // update now is refused, rather than logging a second version 1 from a
  // head that is behind.
  auto refused = ingester.Ingest(package);
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable) << refused.status().ToString();
  EXPECT_EQ(LoggedVersions(archive.get()), (std::map<std::pair<std::string, uint32_t>, int>{{{id, 1}, 1}}));
  archive.reset();

  // Opened again, the catalog is rolled forward: the retry finds version 1
  // there (identical: nothing new), and the next version is 2.
  archive = testing::OpenArchiveOrDie(dir.Join("data"), Env::Default(), failing.options());
  EXPECT_EQ(archive->recovery().committed, 1u);
  ingest::Ingester reopened(archive.get(), testing::Schemas());
  auto again = reopened.Ingest(package);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_TRUE(again->duplicate);
  auto next = reopened.Ingest(testing::GeneratePackage(dir, 70, 6));
  ASSERT_TRUE(next.ok()) << next.status().ToString();
  EXPECT_TRUE(next->archived);
  EXPECT_EQ(next->record.version, 2u);
  EXPECT_EQ(LoggedVersions(archive.get()), (std::map<std::pair<std::string, uint32_t>, int>{{{id, 1}, 1}, {{id, 2}, 1}}));
  testing::ExpectAuditClean(archive.get());
}

TEST(CatalogBehindTest, ALogNamingTwoRecordsForOneVersionIsReportedNotGuessed) {
  TempDir dir;
  const std::string data = dir.Join("data");
  std::string id;
  {
    auto archive = testing::OpenArchiveOrDie(data);
    auto a = testing::IngestOrDie(archive.get(), testing::GeneratePackage(dir, 71));
    auto b = testing::IngestOrDie(archive.get(), testing::GeneratePackage(dir, 72));
    id = a.record.package_id;
    // What the log looked like when a failed catalog step let a version number be used twice.
    ASSERT_TRUE(archive->versions()
                    ->Append({VersionLogKind::kVersion, id, 1, a.record.created, b.record_blob, "", ""})
                    .ok());
  }
  auto archive = testing::OpenArchiveOrDie(data);
  ASSERT_EQ(archive->recovery().unreadable.size(), 1u);
  EXPECT_NE(archive->recovery().unreadable[0].find("two different records"), std::string::npos);
  auto report = AuditArchive(archive.get(), {});
  ASSERT_TRUE(report.ok());
  EXPECT_FALSE(report->clean());
  auto gc = CollectGarbage(archive.get());
  EXPECT_FALSE(gc.ok());
}

// A removal that only the catalog knows (the log lost it): the audit names
// it, and a rebuild, which would bring the package back, is refused.
TEST(CatalogBehindTest, ARemovalTheLogLostIsReportedAndStopsARebuild) {
  TempDir dir;
  const std::string data = dir.Join("data");
  const std::string log = data + "/store/versions.log";
  std::string log_before, head_before, id;
  {
    auto archive = testing::OpenArchiveOrDie(data);
    auto a = testing::IngestOrDie(archive.get(), testing::GeneratePackage(dir, 73));
    id = a.record.package_id;
    log_before = testing::ReadFile(log);
    head_before = testing::ReadFile(log + ".head");
    ASSERT_TRUE(archive->RemovePackage(id, "disposal 2026:9", "archivist").ok());
  }
  // The log and its head as they were before the removal: intact, but without it.
  testing::WriteFile(log, log_before);
  testing::WriteFile(log + ".head", head_before);
  {
    auto archive = testing::OpenArchiveOrDie(data);
    auto report = AuditArchive(archive.get(), {});
    ASSERT_TRUE(report.ok());
    EXPECT_NE(report->ToText().find("the removal of package '" + id + "'"), std::string::npos) << report->ToText();
    auto gc = CollectGarbage(archive.get());
    EXPECT_EQ(gc.status().code(), StatusCode::kInvalidArgument);
  }
  auto rebuilt = RebuildCatalog(Env::Default(), data);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status().ToString();
  EXPECT_EQ(rebuilt->missing_from_log, std::vector<std::string>{"the removal of " + id});
  auto archive = testing::OpenArchiveOrDie(data);
  EXPECT_FALSE(archive->catalog()->GetPackage(id).value().has_value());
}

}  // namespace
}  // namespace bevara::storage
