// Removals (a package disposed of) and the guards around them: a removal
// survives a rebuild and a crash, frees its blobs and only those, and its id
// is never used again; a catalog or log that lost a version never costs that
// version its files, and a rebuild from such a log is refused.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "storage/archive/audit.h"
#include "storage/archive/maintenance.h"
#include "tests/support/archive_fixture.h"

namespace bevara::storage {
namespace {

using testing::TempDir;
namespace fs = std::filesystem;

std::set<std::string> Blobs(Archive* archive) {
  std::set<std::string> names;
  EXPECT_TRUE(archive->store()->ForEach([&](const std::string& n) { return names.insert(n), Status::OK(); }).ok());
  return names;
}

// The blobs one version references: files, inventory, record.
std::set<std::string> BlobsOf(const ingest::IngestOutcome& o) {
  std::set<std::string> out = {o.record_blob, o.record.inventory};
  for (const FileRecord& f : o.record.files) out.insert(f.sha256);
  return out;
}

TEST(RemovalTest, ARemovalStaysThroughRebuildFreesOnlyItsBlobsAndItsIdIsNotUsedAgain) {
  TempDir dir;
  const std::string data = dir.Join("data");
  std::string id;
  std::set<std::string> kept, freed;
  {
    auto archive = testing::OpenArchiveOrDie(data);
    auto a = testing::IngestOrDie(archive.get(), testing::GeneratePackage(dir, 60));
    auto b = testing::IngestOrDie(archive.get(), testing::GeneratePackage(dir, 61));
    id = a.record.package_id;
    kept = BlobsOf(b);
    for (const std::string& blob : BlobsOf(a)) {
      if (!kept.count(blob)) freed.insert(blob);
    }
    ASSERT_FALSE(freed.empty());
    EXPECT_EQ(archive->RemovePackage(id, "", "archivist").code(), StatusCode::kInvalidArgument);  // a reason is required
    EXPECT_TRUE(archive->RemovePackage("no-such-package", "disposal 2026:3", "archivist").IsNotFound());
    ASSERT_TRUE(archive->RemovePackage(id, "disposal 2026:3", "archivist 1f2e").ok());
    EXPECT_FALSE(archive->catalog()->GetPackage(id).value().has_value());
    EXPECT_FALSE(archive->catalog()->GetVersion(id, 1).value().has_value());
    EXPECT_EQ(archive->catalog()->GetRemoval(id).value()->reason, "disposal 2026:3");
    int holders = 0;
    for (const std::string& blob : freed) {
      ASSERT_TRUE(archive->catalog()->ForEachHolder(blob, [&](const std::string&, uint32_t, const std::string&) {
        return ++holders, Status::OK();
      }).ok());
    }
    EXPECT_EQ(holders, 0);
    testing::ExpectAuditClean(archive.get());
    // Its blobs stay until gc; then only they go.
    EXPECT_TRUE(std::includes(Blobs(archive.get()).begin(), Blobs(archive.get()).end(), freed.begin(), freed.end()));
    auto gc = CollectGarbage(archive.get());
    ASSERT_TRUE(gc.ok()) << gc.status().ToString();
    std::set<std::string> after = Blobs(archive.get());
    for (const std::string& blob : freed) EXPECT_FALSE(after.count(blob)) << blob;
    for (const std::string& blob : kept) EXPECT_TRUE(after.count(blob)) << blob;
  }
  // A rebuild from the log alone does not bring it back.
  auto rebuilt = RebuildCatalog(Env::Default(), data);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status().ToString();
  EXPECT_EQ(rebuilt->replay.removed, 1u);
  auto archive = testing::OpenArchiveOrDie(data);
  EXPECT_FALSE(archive->catalog()->GetPackage(id).value().has_value());
  EXPECT_TRUE(archive->catalog()->GetRemoval(id).value().has_value());
  testing::ExpectAuditClean(archive.get());
  // The same package deposited again is refused.
  ingest::Ingester ingester(archive.get(), testing::Schemas());
  auto again = ingester.Ingest(testing::GeneratePackage(dir, 60, 5, "tar", "again"));
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(again->archived);
  EXPECT_TRUE(again->report.Has("STORE-REMOVED")) << testing::Describe(again->report);
}

TEST(RemovalTest, ALoggedRemovalTheCatalogMissedIsCarriedOutAtOpen) {
  TempDir dir;
  const std::string data = dir.Join("data");
  std::string id;
  {
    auto archive = testing::OpenArchiveOrDie(data);
    id = testing::IngestOrDie(archive.get(), testing::GeneratePackage(dir, 62)).record.package_id;
  }
  {
    // As if the process died between the log append and the catalog's removal.
    auto log = VersionLog::Open(Env::Default(), data + "/store/versions.log").value();
    ASSERT_TRUE(log->Append({VersionLogKind::kRemoval, id, 1, "2026-11-30T00:00:00.000Z", "", "disposal 7", "a"}).ok());
  }
  auto archive = testing::OpenArchiveOrDie(data);
  EXPECT_EQ(archive->recovery().removed, 1u);
  EXPECT_FALSE(archive->catalog()->GetPackage(id).value().has_value());
  testing::ExpectAuditClean(archive.get());
}

// The version log restored from an older copy (or otherwise short of a
// version): the catalog still knows the version. Audit says so, gc keeps
// its files, and a rebuild, which would lose it, is refused.
TEST(RemovalTest, ALogThatLostAVersionCostsItNothing) {
  TempDir dir;
  const std::string data = dir.Join("data");
  std::set<std::string> second;
  {
    auto archive = testing::OpenArchiveOrDie(data);
    testing::IngestOrDie(archive.get(), testing::GeneratePackage(dir, 63));
  }
  fs::copy_file(data + "/store/versions.log", dir.Join("old.log"));
  fs::copy_file(data + "/store/versions.log.head", dir.Join("old.head"));
  {
    auto archive = testing::OpenArchiveOrDie(data);
    second = BlobsOf(testing::IngestOrDie(archive.get(), testing::GeneratePackage(dir, 64)));
  }
  fs::copy_file(dir.Join("old.log"), data + "/store/versions.log", fs::copy_options::overwrite_existing);
  fs::copy_file(dir.Join("old.head"), data + "/store/versions.log.head", fs::copy_options::overwrite_existing);
  {
    auto archive = testing::OpenArchiveOrDie(data);
    auto audit = AuditArchive(archive.get());
    ASSERT_TRUE(audit.ok());
    EXPECT_FALSE(audit->clean());
    EXPECT_NE(audit->ToText().find("the version log does not hold"), std::string::npos) << audit->ToText();
    ASSERT_TRUE(CollectGarbage(archive.get()).ok());
    std::set<std::string> after = Blobs(archive.get());
    for (const std::string& blob : second) EXPECT_TRUE(after.count(blob)) << blob;
  }
  auto rebuilt = RebuildCatalog(Env::Default(), data);
  ASSERT_TRUE(rebuilt.ok()) << rebuilt.status().ToString();
  ASSERT_EQ(rebuilt->missing_from_log.size(), 1u);
  EXPECT_FALSE(fs::exists(data + "/catalog.rebuild"));
  for (const auto& e : fs::directory_iterator(data)) {
    EXPECT_NE(e.path().filename().string().rfind("catalog.before-rebuild", 0), 0u) << "the catalog was replaced";
  }
}

// A catalog copy kept by an earlier rebuild still vouches for its versions:
// gc keeps their files even when the current log and catalog lost them.
TEST(RemovalTest, GcKeepsWhatOnlyAnEarlierCatalogCopyReferences) {
  TempDir dir;
  const std::string data = dir.Join("data");
  std::set<std::string> second;
  {
    auto archive = testing::OpenArchiveOrDie(data);
    testing::IngestOrDie(archive.get(), testing::GeneratePackage(dir, 65));
  }
  fs::copy_file(data + "/store/versions.log", dir.Join("old.log"));
  fs::copy_file(data + "/store/versions.log.head", dir.Join("old.head"));
  {
    auto archive = testing::OpenArchiveOrDie(data);
    second = BlobsOf(testing::IngestOrDie(archive.get(), testing::GeneratePackage(dir, 66)));
  }
  // The whole catalog becomes an earlier copy, and the log goes back.
  fs::rename(data + "/catalog", data + "/catalog.before-rebuild.2026-11-01T00-00-00.000Z");
  fs::copy_file(dir.Join("old.log"), data + "/store/versions.log", fs::copy_options::overwrite_existing);
  fs::copy_file(dir.Join("old.head"), data + "/store/versions.log.head", fs::copy_options::overwrite_existing);
  auto archive = testing::OpenArchiveOrDie(data);
  auto gc = CollectGarbage(archive.get());
  ASSERT_TRUE(gc.ok()) << gc.status().ToString();
  EXPECT_EQ(gc->earlier_catalogs, 1u);
  std::set<std::string> after = Blobs(archive.get());
  for (const std::string& blob : second) EXPECT_TRUE(after.count(blob)) << blob;
  // Every rebuild keeps the catalog it replaces, under a name of its own.
  archive.reset();
  ASSERT_TRUE(RebuildCatalog(Env::Default(), data).ok());
  ASSERT_TRUE(RebuildCatalog(Env::Default(), data).ok());
  int copies = 0;
  for (const auto& e : fs::directory_iterator(data)) copies += e.path().filename().string().rfind("catalog.before", 0) == 0;
  EXPECT_EQ(copies, 3);
}

}  // namespace
}  // namespace bevara::storage
