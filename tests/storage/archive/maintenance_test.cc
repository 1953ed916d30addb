// gc removes exactly what nothing references; rebuild makes the same catalog
// from the store alone; a version logged but not catalogued is rolled forward.
#include "storage/archive/maintenance.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "storage/archive/audit.h"
#include "tests/support/archive_fixture.h"

namespace bevara::storage {
namespace {

using testing::TempDir;

std::set<std::string> Blobs(Archive* archive) {
  std::set<std::string> names;
  EXPECT_TRUE(archive->store()->ForEach([&](const std::string& n) { return names.insert(n), Status::OK(); }).ok());
  return names;
}

std::string StageBlob(BlobBatch* batch, const std::string& data) {
  auto w = batch->NewBlob();
  EXPECT_TRUE(w.ok());
  EXPECT_TRUE((*w)->Append(data.data(), data.size()).ok());
  return (*w)->Finish().value();
}

TEST(GcTest, RemovesUnreferencedBlobsAndStaleStagingOnly) {
  TempDir dir;
  auto archive = testing::OpenArchiveOrDie(dir.Join("data"));
  testing::IngestOrDie(archive.get(), testing::GeneratePackage(dir, 51));
  std::set<std::string> referenced = Blobs(archive.get());
  // A published batch that never got committed (an ingest that failed late).
  auto orphan_batch = archive->store()->NewBatch().value();
  std::string orphan = StageBlob(orphan_batch.get(), "published, never committed");
  ASSERT_TRUE(orphan_batch->Publish().ok());
  // A staging file of a process that died, and one of a batch still open here.
  std::filesystem::create_directories(dir.Join("data/store/staging/deadbeef"));
  testing::WriteFile(dir.Join("data/store/staging/deadbeef/0"), "half written");
  auto open_batch = archive->store()->NewBatch().value();
  auto open_writer = open_batch->NewBlob().value();
  ASSERT_TRUE(open_writer->Append("in progress", 11).ok());

  auto stats = CollectGarbage(archive.get());
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->blobs_removed, 1u);
  EXPECT_EQ(stats->staging_files_removed, 1u);
  EXPECT_EQ(Blobs(archive.get()), referenced);
  EXPECT_FALSE(std::filesystem::exists(dir.Join("data/store/staging/deadbeef")));
  // The live batch is untouched and can still publish.
  ASSERT_TRUE(open_writer->Finish().ok());
  open_writer.reset();
  EXPECT_TRUE(open_batch->Publish().ok());
  testing::ExpectAuditClean(archive.get());
  (void)orphan;
}

TEST(RebuildTest, CatalogFromTheStoreAloneMatchesTheOriginal) {
  TempDir dir;
  const std::string data = dir.Join("data");
  std::map<std::string, uint32_t> heads;
  {
    auto archive = testing::OpenArchiveOrDie(data);
    for (uint64_t seed : {52, 53}) testing::IngestOrDie(archive.get(), testing::GeneratePackage(dir, seed));
    auto v2 = testing::IngestOrDie(archive.get(), testing::GeneratePackage(dir, 52, 7));
    EXPECT_EQ(v2.record.version, 2u);
    ASSERT_TRUE(archive->catalog()->ListPackages({}, [&](const PackageSummary& p) {
      heads[p.id] = p.head;
      return Status::OK();
    }).ok());
  }
  std::filesystem::remove_all(data + "/catalog");  // lost
  auto stats = RebuildCatalog(Env::Default(), data);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->replay.committed, 3u);
  EXPECT_TRUE(stats->missing_from_log.empty());
  auto archive = testing::OpenArchiveOrDie(data);
  std::map<std::string, uint32_t> rebuilt;
  ASSERT_TRUE(archive->catalog()->ListPackages({}, [&](const PackageSummary& p) {
    rebuilt[p.id] = p.head;
    return Status::OK();
  }).ok());
  EXPECT_EQ(rebuilt, heads);
  testing::ExpectAuditClean(archive.get());
  for (const auto& [id, head] : heads) {
    auto verify = VerifyPackage(archive.get(), id);
    ASSERT_TRUE(verify.ok());
    EXPECT_TRUE(verify->clean()) << verify->ToText();
  }
  // Lookups by producer and by date work on the rebuilt catalog too.
  int by_producer = 0;
  ASSERT_TRUE(archive->catalog()->ListPackages({"212000-0001", "", ""}, [&](const PackageSummary&) {
    return ++by_producer, Status::OK();
  }).ok());
  EXPECT_EQ(by_producer, 2);
  int in_future = 0;
  ASSERT_TRUE(archive->catalog()->ListPackages({"", "2999-01-01", ""}, [&](const PackageSummary&) {
    return ++in_future, Status::OK();
  }).ok());
  EXPECT_EQ(in_future, 0);
}

TEST(RecoveryTest, LoggedButUncataloguedVersionIsRolledForward) {
  TempDir dir;
  const std::string data = dir.Join("data");
  std::string id;
  {
    auto archive = testing::OpenArchiveOrDie(data);
    id = testing::IngestOrDie(archive.get(), testing::GeneratePackage(dir, 54)).record.package_id;
  }
  // As if the process died between the log append and the catalog commit.
  std::filesystem::remove_all(data + "/catalog");
  auto archive = testing::OpenArchiveOrDie(data);
  EXPECT_EQ(archive->recovery().committed, 1u);
  EXPECT_TRUE(archive->catalog()->GetPackage(id).value().has_value());
  // A torn last record (a crash mid-append) is set aside, and the next append starts afresh.
  archive.reset();
  {
    std::ofstream log(data + "/store/versions.log", std::ios::app);
    log << "00000050 12345678 {\"id\":\"torn";
  }
  archive = testing::OpenArchiveOrDie(data);
  testing::IngestOrDie(archive.get(), testing::GeneratePackage(dir, 55));
  archive.reset();
  archive = testing::OpenArchiveOrDie(data);
  EXPECT_EQ(archive->recovery().entries, 2u);
  int set_aside = 0;
  for (const auto& e : std::filesystem::directory_iterator(data + "/store")) {
    if (e.path().filename().string().rfind("versions.log.torn-", 0) == 0) {
      ++set_aside;
      EXPECT_EQ(testing::ReadFile(e.path().string()), "00000050 12345678 {\"id\":\"torn");
    }
  }
  EXPECT_EQ(set_aside, 1);
}

}  // namespace
}  // namespace bevara::storage
