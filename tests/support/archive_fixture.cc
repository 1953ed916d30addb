#include "tests/support/archive_fixture.h"

#include <gtest/gtest.h>

#include "src/common/digest.h"
#include "storage/archive/audit.h"

namespace bevara::testing {

std::unique_ptr<storage::Archive> OpenArchiveOrDie(const std::string& dir, Env* env, storage::ArchiveOptions options) {
  options.create_if_missing = true;  // tests start from empty directories
  auto archive = storage::Archive::Open(env, dir, options);
  EXPECT_TRUE(archive.ok()) << archive.status().ToString();
  return archive.ok() ? std::move(*archive) : nullptr;
}

std::string GeneratePackage(const TempDir& dir, uint64_t seed, int files, const std::string& format,
                            const std::string& name) {
  sipgen::SipSpec spec;
  spec.seed = seed;
  spec.files = files;
  return WritePackage(sipgen::PlanSip(spec), format, dir,
                      name.empty() ? "pkg-" + std::to_string(seed) + "-" + std::to_string(files) : name);
}

ingest::IngestOutcome IngestOrDie(storage::Archive* archive, const std::string& package) {
  ingest::Ingester ingester(archive, Schemas());
  auto outcome = ingester.Ingest(package);
  EXPECT_TRUE(outcome.ok()) << outcome.status().ToString();
  if (!outcome.ok()) return {};
  EXPECT_TRUE(outcome->archived) << Describe(outcome->report);
  return std::move(*outcome);
}

std::string BlobPath(const storage::Archive* archive, const std::string& name) {
  return archive->data_dir() + "/store/blobs/sha256/" + name.substr(0, 2) + "/" + name;
}

void ExpectAuditClean(storage::Archive* archive) {
  auto report = storage::AuditArchive(archive);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->clean()) << report->ToText();
}

std::string FileSha256(const std::string& path) { return Sha256Hex(ReadFile(path)); }

uint64_t CountBlobs(storage::Archive* archive) {
  uint64_t n = 0;
  EXPECT_TRUE(archive->store()->ForEach([&](const std::string&) { return ++n, Status::OK(); }).ok());
  return n;
}

}  // namespace bevara::testing
