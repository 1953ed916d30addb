// Reads that go wrong: a disk that returns an I/O error, one that returns a
// few bytes at a time, and one that returns a flipped bit it did not notice.
// An ingest reads a package correctly however it is handed out; an audit
// names what it could not read or read wrong; an export never takes damaged
// bytes for good ones. (Search's extraction: tests/search/text_extract_test.)
#include <gtest/gtest.h>

#include "storage/archive/audit.h"
#include "storage/archive/export.h"
#include "tests/support/archive_fixture.h"
#include "tests/support/fault_injection_env.h"

namespace bevara::storage {
namespace {

using testing::FaultInjectionEnv;
using testing::ReadFault;
using testing::TempDir;

const FileRecord& LargestFile(const VersionRecord& r) {
  const FileRecord* best = &r.files.front();
  for (const FileRecord& f : r.files) {
    if (f.size > best->size) best = &f;
  }
  return *best;
}

TEST(ReadFaultTest, AnIngestReadingAFewBytesAtATimeArchivesTheSame) {
  TempDir dir;
  const std::string package = testing::GeneratePackage(dir, 91, 6);
  std::string expected;
  {
    auto plain = testing::OpenArchiveOrDie(dir.Join("plain"));
    expected = testing::IngestOrDie(plain.get(), package).record_blob;
  }
  FaultInjectionEnv env(Env::Default());
  env.FailReads(package, ReadFault::kShort);
  auto archive = testing::OpenArchiveOrDie(dir.Join("short"), &env);
  auto outcome = testing::IngestOrDie(archive.get(), package);
  EXPECT_GT(env.read_faults_fired(), 100u);
  ASSERT_TRUE(outcome.archived);
  // Same files, same digests: only the creation time differs in the record.
  auto first = testing::OpenArchiveOrDie(dir.Join("plain"))->ReadVersionRecord(expected);
  ASSERT_TRUE(first.ok());
  ASSERT_EQ(first->files.size(), outcome.record.files.size());
  for (size_t i = 1; i < first->files.size(); ++i) {  // [0] is the AIP METS, dated
    EXPECT_EQ(first->files[i].sha256, outcome.record.files[i].sha256) << first->files[i].path;
  }
  testing::ExpectAuditClean(archive.get());
}

TEST(ReadFaultTest, AnIngestWhosePackageCannotBeReadStoresNothing) {
  TempDir dir;
  const std::string package = testing::GeneratePackage(dir, 92, 6);
  FaultInjectionEnv env(Env::Default());
  env.FailReads(package, ReadFault::kError, 20000);
  auto archive = testing::OpenArchiveOrDie(dir.Join("data"), &env);
  ingest::Ingester ingester(archive.get(), testing::Schemas());
  auto outcome = ingester.Ingest(package);
  EXPECT_TRUE(!outcome.ok() || !outcome->archived);
  EXPECT_GT(env.read_faults_fired(), 0u);
  int packages = 0;
  ASSERT_TRUE(archive->catalog()->ListPackages({}, [&](const PackageSummary&) { return ++packages, Status::OK(); }).ok());
  EXPECT_EQ(packages, 0);
}

TEST(ReadFaultTest, AnAuditNamesBlobsThatReadWrongOrNotAtAll) {
  TempDir dir;
  FaultInjectionEnv env(Env::Default());
  auto archive = testing::OpenArchiveOrDie(dir.Join("data"), &env);
  auto a = testing::IngestOrDie(archive.get(), testing::GeneratePackage(dir, 93, 6));
  const FileRecord& rotten = LargestFile(a.record);
  const FileRecord& unreadable = a.record.files[1].sha256 == rotten.sha256 ? a.record.files[2] : a.record.files[1];
  env.FailReads(rotten.sha256, ReadFault::kCorrupt, rotten.size / 2);
  env.FailReads(unreadable.sha256, ReadFault::kError, 0);
  auto report = AuditArchive(archive.get());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  std::map<std::string, std::string> kinds;
  for (const AuditProblem& p : report->problems) kinds[p.blob] = p.kind;
  EXPECT_EQ(kinds[rotten.sha256], "corrupt") << report->ToText();
  EXPECT_EQ(kinds[unreadable.sha256], "unreadable") << report->ToText();
  // The disk is fine again: so is the archive.
  env.ClearReadFaults();
  testing::ExpectAuditClean(archive.get());
}

TEST(ReadFaultTest, AnExportRefusesBytesThatReadWrong) {
  TempDir dir;
  FaultInjectionEnv env(Env::Default());
  auto archive = testing::OpenArchiveOrDie(dir.Join("data"), &env);
  auto a = testing::IngestOrDie(archive.get(), testing::GeneratePackage(dir, 94, 6));
  const FileRecord& rotten = LargestFile(a.record);
  env.FailReads(rotten.sha256, ReadFault::kCorrupt, 1);
  auto exported = ExportPackage(archive.get(), a.record.package_id, dir.Join("out"));
  ASSERT_FALSE(exported.ok());
  EXPECT_EQ(exported.status().code(), StatusCode::kCorruption) << exported.status().ToString();
}

}  // namespace
}  // namespace bevara::storage
