// Ingest end to end on real files: a generated package in, an AIP version out.
#include "ingest/pipeline/ingester.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "ingest/xml/secure_sax.h"
#include "src/common/digest.h"
#include "storage/archive/audit.h"
#include "tests/support/archive_fixture.h"

namespace bevara::ingest {
namespace {

using testing::GeneratePackage;
using testing::IngestOrDie;
using testing::CountBlobs;
using testing::OpenArchiveOrDie;
using testing::TempDir;

TEST(IngesterTest, ArchivesEveryFileUnderItsDigestWithEvents) {
  TempDir dir;
  sipgen::SipSpec spec;
  spec.seed = 11;
  spec.files = 6;
  sipgen::SipPlan plan = sipgen::PlanSip(spec);
  std::string package = testing::WritePackage(plan, "tar", dir);
  auto archive = OpenArchiveOrDie(dir.Join("data"));
  IngestOutcome out = IngestOrDie(archive.get(), package);
  ASSERT_TRUE(out.archived);
  EXPECT_FALSE(out.duplicate);
  EXPECT_EQ(out.record.package_id, plan.objid);
  EXPECT_EQ(out.record.version, 1u);
  EXPECT_EQ(out.record.producer_id, "212000-0001");

  // Every planned file is in the record under submission/, with its digest,
  // and its blob holds exactly those bytes.
  size_t planned_files = 0;
  for (const sipgen::PlannedEntry& e : plan.entries) {
    if (e.type != sipgen::EntryType::kFile) continue;
    ++planned_files;
    std::string logical = "submission/" + e.path.substr(plan.root.size());
    auto it = std::find_if(out.record.files.begin(), out.record.files.end(),
                           [&](const storage::FileRecord& f) { return f.path == logical; });
    ASSERT_NE(it, out.record.files.end()) << logical;
    EXPECT_EQ(it->sha256, sipgen::ContentDigest(e, DigestAlgorithm::kSha256)) << logical;
    EXPECT_EQ(it->size, sipgen::ContentSize(e));
    EXPECT_EQ(testing::FileSha256(testing::BlobPath(archive.get(), it->sha256)), it->sha256);
    EXPECT_FALSE(it->mime_detected.empty());
  }
  EXPECT_EQ(out.record.files.size(), planned_files + 1);  // + the AIP METS
  EXPECT_EQ(out.record.files.front().path, "METS.xml");

  std::vector<std::string> types;
  for (const auto& e : out.record.events) {
    types.push_back(e.type);
    EXPECT_EQ(e.outcome, "success");
    EXPECT_EQ(e.agent.rfind("bevara ", 0), 0u);
  }
  EXPECT_EQ(types, (std::vector<std::string>{"validation", "message digest calculation", "fixity check",
                                             "format identification", "ingestion"}));
  // The receipt says the same.
  auto receipt = nlohmann::json::parse(ReceiptJson(out));
  EXPECT_EQ(receipt["package_id"], plan.objid);
  EXPECT_EQ(receipt["aip"]["events"].size(), 5u);
  EXPECT_EQ(receipt["validation"]["valid"], true);
  testing::ExpectAuditClean(archive.get());
}

TEST(IngesterTest, AipMetsIsValidMetsWithPremis) {
  TempDir dir;
  auto archive = OpenArchiveOrDie(dir.Join("data"));
  IngestOutcome out = IngestOrDie(archive.get(), GeneratePackage(dir, 12));
  auto mets = archive->ReadBlob(out.record.aip_mets);
  ASSERT_TRUE(mets.ok());
  EXPECT_NE(mets->find("csip:OAISPACKAGETYPE=\"AIP\""), std::string::npos);
  EXPECT_NE(mets->find("<premis:eventType>fixity check</premis:eventType>"), std::string::npos);
  EXPECT_NE(mets->find("<premis:formatName>text/plain</premis:formatName>"), std::string::npos);
  SecureSaxParser parser(testing::Schemas());
  size_t read = 0;
  SaxOutcome xml = parser.Parse(testing::StringSource(*mets, &read), "aip METS.xml", nullptr, {});
  EXPECT_TRUE(xml.well_formed);
  EXPECT_TRUE(xml.schema_validated);
  for (const XmlIssue& i : xml.issues) ADD_FAILURE() << "line " << i.line << ": " << i.message;
}

TEST(IngesterTest, SamePackageTwiceStoresNothingNew) {
  TempDir dir;
  auto archive = OpenArchiveOrDie(dir.Join("data"));
  std::string tar = GeneratePackage(dir, 13, 5, "tar");
  IngestOutcome first = IngestOrDie(archive.get(), tar);
  uint64_t blobs = CountBlobs(archive.get());
  // The same content as a zip: same AIP, nothing written.
  IngestOutcome again = IngestOrDie(archive.get(), GeneratePackage(dir, 13, 5, "zip"));
  EXPECT_TRUE(again.duplicate);
  EXPECT_EQ(again.record.version, 1u);
  EXPECT_EQ(again.record_blob, first.record_blob);
  EXPECT_EQ(again.stored.new_blobs, 0u);
  EXPECT_EQ(CountBlobs(archive.get()), blobs);
  EXPECT_EQ(archive->store()->RemoveStaleStaging().value(), 0u);  // no leftovers either
}

TEST(IngesterTest, SameObjidWithOtherContentBecomesANewVersion) {
  TempDir dir;
  auto archive = OpenArchiveOrDie(dir.Join("data"));
  IngestOutcome v1 = IngestOrDie(archive.get(), GeneratePackage(dir, 14, 5));
  IngestOutcome v2 = IngestOrDie(archive.get(), GeneratePackage(dir, 14, 7));
  ASSERT_EQ(v1.record.package_id, v2.record.package_id);
  EXPECT_EQ(v2.record.version, 2u);
  EXPECT_FALSE(v2.duplicate);
  // Version 1 is untouched and still verifies.
  auto old = archive->catalog()->GetVersion(v1.record.package_id, 1);
  ASSERT_TRUE(old.ok() && *old);
  EXPECT_EQ((*old)->record, v1.record_blob);
  auto package = archive->catalog()->GetPackage(v1.record.package_id);
  EXPECT_EQ((*package)->head, 2u);
  auto verify = storage::VerifyPackage(archive.get(), v1.record.package_id);
  ASSERT_TRUE(verify.ok());
  EXPECT_TRUE(verify->clean()) << verify->ToText();
  // The inventory of v2 holds both versions; unchanged files keep their v1 content path.
  auto inventory = nlohmann::json::parse(archive->ReadBlob(v2.record.inventory).value());
  EXPECT_EQ(inventory["head"], "v2");
  EXPECT_TRUE(inventory["versions"].contains("v1"));
  const storage::FileRecord& readme = *std::find_if(v2.record.files.begin(), v2.record.files.end(),
                                                    [](const auto& f) { return f.path.find("README") != std::string::npos; });
  EXPECT_EQ(inventory["manifest"][readme.sha256][0].get<std::string>().rfind("v1/content/", 0), 0u);
}

TEST(IngesterTest, AnotherProducerCannotAddAVersion) {
  TempDir dir;
  auto archive = OpenArchiveOrDie(dir.Join("data"));
  IngestOrDie(archive.get(), GeneratePackage(dir, 15, 5));
  sipgen::SipSpec spec;
  spec.seed = 15;
  spec.files = 6;
  sipgen::SipPlan plan = sipgen::PlanSip(spec);
  ASSERT_TRUE(plan.EditMets("<note csip:NOTETYPE=\"IDENTIFICATIONCODE\">212000-0001</note></agent>\n    <agent ROLE=\"CREATOR\" TYPE=\"OTHER\"",
                            "<note csip:NOTETYPE=\"IDENTIFICATIONCODE\">556000-0000</note></agent>\n    <agent ROLE=\"CREATOR\" TYPE=\"OTHER\""));
  Ingester ingester(archive.get(), testing::Schemas());
  auto out = ingester.Ingest(testing::WritePackage(plan, "tar", dir, "other-producer"));
  ASSERT_TRUE(out.ok());
  EXPECT_FALSE(out->archived);
  EXPECT_TRUE(out->report.Has("STORE-PRODUCER")) << testing::Describe(out->report);
  EXPECT_EQ((*archive->catalog()->GetPackage(plan.objid))->head, 1u);
}

TEST(IngesterTest, InvalidPackageLeavesNothingBehind) {
  TempDir dir;
  auto archive = OpenArchiveOrDie(dir.Join("data"));
  sipgen::SipSpec spec;
  spec.seed = 16;
  sipgen::SipPlan plan = sipgen::PlanSip(spec);
  sipgen::PlannedEntry* file = nullptr;
  for (auto& e : plan.entries)
    if (e.content == sipgen::ContentKind::kText) file = &e;
  ASSERT_NE(file, nullptr);
  file->content_seed += 1;  // same size, other bytes: the declared checksum is now wrong
  Ingester ingester(archive.get(), testing::Schemas());
  auto out = ingester.Ingest(testing::WritePackage(plan, "tar", dir));
  ASSERT_TRUE(out.ok());
  EXPECT_FALSE(out->archived);
  EXPECT_TRUE(out->report.Has("FILE-CHECKSUM"));
  EXPECT_EQ(CountBlobs(archive.get()), 0u);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.Join("data/store/staging")),
                          std::filesystem::directory_iterator()),
            0);
  EXPECT_FALSE(archive->catalog()->GetPackage(plan.objid).value().has_value());
}

// The store's own SHA-256 of the bytes it wrote is what the declared
// checksum is checked against; other algorithms are hashed by the validator.
// A large file goes through the store's hashing and writing threads.
TEST(IngesterTest, DeclaredChecksumsAreCheckedAgainstTheBytesStoredInEveryAlgorithm) {
  TempDir dir;
  auto archive = OpenArchiveOrDie(dir.Join("data"));
  uint64_t seed = 40;
  for (DigestAlgorithm alg : {DigestAlgorithm::kSha256, DigestAlgorithm::kSha512, DigestAlgorithm::kMd5}) {
    SCOPED_TRACE(MetsChecksumName(alg));
    sipgen::SipSpec spec;
    spec.seed = ++seed;
    spec.files = 2;
    spec.min_file_size = spec.max_file_size = 12 << 20;  // past the point where the store's threads take over
    spec.checksum = alg;
    sipgen::SipPlan plan = sipgen::PlanSip(spec);
    IngestOutcome good = IngestOrDie(archive.get(), testing::WritePackage(plan, "tar", dir, "good" + std::to_string(seed)));
    EXPECT_TRUE(good.archived);
    bool changed = false;
    for (auto& e : plan.entries) {
      if (e.content != sipgen::ContentKind::kLiteral && e.size >= (12u << 20)) {
        e.content_seed += 1;  // same size, other bytes: the declared checksum is now wrong
        changed = true;
        break;
      }
    }
    ASSERT_TRUE(changed);
    Ingester ingester(archive.get(), testing::Schemas());
    auto bad = ingester.Ingest(testing::WritePackage(plan, "tar", dir, "bad" + std::to_string(seed)));
    ASSERT_TRUE(bad.ok());
    EXPECT_FALSE(bad->archived);
    EXPECT_TRUE(bad->report.Has("FILE-CHECKSUM")) << testing::Describe(bad->report);
  }
  testing::ExpectAuditClean(archive.get());
}

TEST(IngesterTest, FilesSharedByPackagesAreStoredOnceAndFoundByDigest) {
  TempDir dir;
  auto archive = OpenArchiveOrDie(dir.Join("data"));
  IngestOutcome a = IngestOrDie(archive.get(), GeneratePackage(dir, 17));
  IngestOutcome b = IngestOrDie(archive.get(), GeneratePackage(dir, 18));
  // Both packages carry the same schema files.
  const storage::FileRecord& xsd = *std::find_if(a.record.files.begin(), a.record.files.end(),
                                                 [](const auto& f) { return f.path.find("mets.xsd") != std::string::npos; });
  std::set<std::string> holders;
  ASSERT_TRUE(archive->catalog()
                  ->ForEachHolder(xsd.sha256,
                                  [&](const std::string& id, uint32_t, const std::string&) {
                                    holders.insert(id);
                                    return Status::OK();
                                  })
                  .ok());
  EXPECT_EQ(holders, (std::set<std::string>{a.record.package_id, b.record.package_id}));
  EXPECT_LT(b.stored.new_blobs, b.record.files.size());
}

TEST(IngesterTest, PublicSamplesAreArchived) {
  if (!std::filesystem::exists(BEVARA_SHARED_SAMPLES)) GTEST_SKIP() << "no shared samples here";
  TempDir dir;
  auto archive = OpenArchiveOrDie(dir.Join("data"));
  for (const auto& e : std::filesystem::directory_iterator(BEVARA_SHARED_SAMPLES)) {
    if (e.path().extension() != ".zip") continue;
    IngestOutcome out = IngestOrDie(archive.get(), e.path().string());
    EXPECT_TRUE(out.archived) << e.path();
  }
  testing::ExpectAuditClean(archive.get());
}

}  // namespace
}  // namespace bevara::ingest
