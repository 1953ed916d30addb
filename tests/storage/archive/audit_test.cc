// Fixity audits find bit rot and missing blobs, and name what they affect.
#include "storage/archive/audit.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/support/archive_fixture.h"

namespace bevara::storage {
namespace {

using testing::TempDir;

// Flips one bit of the byte at `offset` in a file, in place.
void FlipByte(const std::string& path, std::streamoff offset) {
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  ASSERT_TRUE(f.is_open()) << path;
  f.seekg(offset);
  char c = 0;
  f.get(c);
  f.seekp(offset);
  f.put(static_cast<char>(c ^ 0x01));
}

const FileRecord& FileNamed(const VersionRecord& r, const std::string& part) {
  for (const FileRecord& f : r.files)
    if (f.path.find(part) != std::string::npos) return f;
  ADD_FAILURE() << "no file like " << part;
  return r.files.front();
}

TEST(AuditTest, CleanArchiveAuditsClean) {
  TempDir dir;
  auto archive = testing::OpenArchiveOrDie(dir.Join("data"));
  auto a = testing::IngestOrDie(archive.get(), testing::GeneratePackage(dir, 31));
  auto report = AuditArchive(archive.get());
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->clean()) << report->ToText();
  // Every file blob once, plus the record and inventory of the version.
  std::set<std::string> distinct;
  for (const FileRecord& f : a.record.files) distinct.insert(f.sha256);
  EXPECT_EQ(report->blobs_checked, distinct.size() + 2);
  EXPECT_GT(report->bytes_checked, a.record.total_bytes / 2);
}

TEST(AuditTest, FlippedByteIsNamedWithEveryPackageAndPath) {
  TempDir dir;
  auto archive = testing::OpenArchiveOrDie(dir.Join("data"));
  auto a = testing::IngestOrDie(archive.get(), testing::GeneratePackage(dir, 32));
  auto b = testing::IngestOrDie(archive.get(), testing::GeneratePackage(dir, 33));
  const FileRecord& data_file = FileNamed(a.record, "handling-000002");
  const FileRecord& shared = FileNamed(a.record, "schemas/mets.xsd");  // also in b
  FlipByte(testing::BlobPath(archive.get(), data_file.sha256), static_cast<std::streamoff>(data_file.size / 2));
  FlipByte(testing::BlobPath(archive.get(), shared.sha256), 0);

  auto report = AuditArchive(archive.get());
  ASSERT_TRUE(report.ok());
  ASSERT_EQ(report->problems.size(), 2u) << report->ToText();
  std::map<std::string, const AuditProblem*> by_blob;
  for (const AuditProblem& p : report->problems) by_blob[p.blob] = &p;
  const AuditProblem& rot = *by_blob.at(data_file.sha256);
  EXPECT_EQ(rot.kind, "corrupt");
  ASSERT_EQ(rot.affected.size(), 1u);
  EXPECT_EQ(rot.affected[0].package_id, a.record.package_id);
  EXPECT_EQ(rot.affected[0].path, data_file.path);
  EXPECT_EQ(by_blob.at(shared.sha256)->affected.size(), 2u);  // both packages lose it
  EXPECT_NE(report->ToText().find(data_file.path), std::string::npos);

  auto verify_b = VerifyPackage(archive.get(), b.record.package_id);
  ASSERT_TRUE(verify_b.ok());
  EXPECT_EQ(verify_b->problems.size(), 1u) << verify_b->ToText();
}

// The audit records what it finds, so that the server refuses it; a later
// audit that reads the blob whole (a repair) takes the finding back.
TEST(AuditTest, FindingsGoToTheDamageRegisterAndRepairsComeOff) {
  TempDir dir;
  auto archive = testing::OpenArchiveOrDie(dir.Join("data"));
  auto a = testing::IngestOrDie(archive.get(), testing::GeneratePackage(dir, 35));
  const FileRecord& f = FileNamed(a.record, "handling-000002");
  const std::string path = testing::BlobPath(archive.get(), f.sha256);
  const std::string good = testing::ReadFile(path);
  FlipByte(path, 3);
  ASSERT_TRUE(AuditArchive(archive.get()).ok());
  ASSERT_TRUE(archive->damage()->Find(f.sha256).has_value());
  EXPECT_EQ(archive->damage()->Find(f.sha256)->found_by, "audit");
  archive.reset();
  archive = testing::OpenArchiveOrDie(dir.Join("data"));
  ASSERT_TRUE(archive->damage()->Find(f.sha256).has_value()) << "kept across a restart";
  testing::WriteFile(path, good);
  auto report = VerifyPackage(archive.get(), a.record.package_id);
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->clean()) << report->ToText();
  EXPECT_FALSE(archive->damage()->Find(f.sha256).has_value());
}

// One flipped byte in a catalog table file: the audit says so, although no
// scan of the rows it reads might pass over the damaged block.
TEST(AuditTest, ADamagedCatalogBlockIsFound) {
  TempDir dir;
  {
    auto archive = testing::OpenArchiveOrDie(dir.Join("data"));
    for (uint64_t seed = 36; seed < 39; ++seed) testing::IngestOrDie(archive.get(), testing::GeneratePackage(dir, seed));
  }
  testing::OpenArchiveOrDie(dir.Join("data")).reset();  // reopening writes the log's rows into a table file
  std::string table;
  for (const auto& e : std::filesystem::directory_iterator(dir.Join("data/catalog"))) {
    if (e.path().extension() == ".sst") table = e.path().string();
  }
  ASSERT_FALSE(table.empty()) << "no table file to damage";
  FlipByte(table, 64);
  auto archive = testing::OpenArchiveOrDie(dir.Join("data"));
  auto report = AuditArchive(archive.get());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_FALSE(report->clean());
  EXPECT_EQ(report->problems[0].kind, "catalog") << report->ToText();
  EXPECT_NE(report->ToText().find("rebuild"), std::string::npos) << report->ToText();
}

TEST(AuditTest, MissingBlobsAndRecordsAreReported) {
  TempDir dir;
  auto archive = testing::OpenArchiveOrDie(dir.Join("data"));
  auto a = testing::IngestOrDie(archive.get(), testing::GeneratePackage(dir, 34));
  const FileRecord& gone = FileNamed(a.record, "erms.xml");
  std::filesystem::remove(testing::BlobPath(archive.get(), gone.sha256));
  std::filesystem::remove(testing::BlobPath(archive.get(), a.record.inventory));
  auto report = VerifyPackage(archive.get(), a.record.package_id);
  ASSERT_TRUE(report.ok());
  std::set<std::string> kinds_paths;
  for (const AuditProblem& p : report->problems)
    for (const AffectedFile& f : p.affected) kinds_paths.insert(p.kind + " " + f.path);
  EXPECT_EQ(kinds_paths, (std::set<std::string>{"missing " + gone.path, "missing (inventory)"}));
  EXPECT_TRUE(VerifyPackage(archive.get(), "no-such-package").status().IsNotFound());
}

TEST(AuditTest, RateLimitSlowsTheAudit) {
  TempDir dir;
  auto archive = testing::OpenArchiveOrDie(dir.Join("data"));
  sipgen::SipSpec spec;
  spec.seed = 35;
  spec.files = 2;
  spec.min_file_size = spec.max_file_size = 1 << 20;
  testing::IngestOrDie(archive.get(), testing::WritePackage(sipgen::PlanSip(spec), "tar", dir));
  AuditOptions options;
  options.max_bytes_per_second = 4 << 20;  // ~2.1 MB at 4 MiB/s: about half a second
  int calls = 0;
  options.progress = [&](const AuditProgress&) { ++calls; };
  auto report = AuditArchive(archive.get(), options);
  ASSERT_TRUE(report.ok());
  EXPECT_GE(report->seconds, 0.4);
  EXPECT_GT(calls, 1);
}

}  // namespace
}  // namespace bevara::storage
