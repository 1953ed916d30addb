#include "ingest/validate/package_validator.h"

#include <unistd.h>

#include <filesystem>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "tests/test_util.h"
#include "tools/sipgen/sip_writer.h"

namespace bevara::ingest {
namespace {

using testing::Describe;
using testing::TempDir;
using testing::ValidateOrDie;
using testing::WritePackage;

sipgen::SipSpec Spec(uint64_t seed, int files) {
  sipgen::SipSpec spec;
  spec.seed = seed;
  spec.files = files;
  return spec;
}

void ExpectCleanlyValid(const ValidationReport& r) {
  EXPECT_TRUE(r.valid()) << Describe(r);
  EXPECT_EQ(r.warning_count(), 0u) << Describe(r);
}

class GeneratedPackageTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GeneratedPackageTest, IsValidWithoutWarnings) {
  TempDir dir;
  sipgen::SipPlan plan = sipgen::PlanSip(Spec(21, 40));
  ValidationReport r = ValidateOrDie(WritePackage(plan, GetParam(), dir));
  ExpectCleanlyValid(r);
  EXPECT_EQ(r.file_count, plan.entries.size());
  EXPECT_EQ(r.objid, plan.objid);
  EXPECT_EQ(r.format, GetParam() == "dir" ? "directory" : GetParam());
}

INSTANTIATE_TEST_SUITE_P(Formats, GeneratedPackageTest, ::testing::Values("tar", "tar.gz", "zip", "dir"));

TEST(PackageValidatorTest, EveryChecksumAlgorithmVerifies) {
  TempDir dir;
  for (DigestAlgorithm alg : {DigestAlgorithm::kSha512, DigestAlgorithm::kSha1, DigestAlgorithm::kMd5,
                              DigestAlgorithm::kSha384}) {
    sipgen::SipSpec spec = Spec(5, 8);
    spec.checksum = alg;
    ExpectCleanlyValid(ValidateOrDie(WritePackage(sipgen::PlanSip(spec), "tar", dir, ShortDigestName(alg))));
  }
}

TEST(PackageValidatorTest, MetsAfterItsFilesWithSha512NeedsASecondPassAndPasses) {
  TempDir dir;
  sipgen::SipSpec spec = Spec(6, 12);
  spec.mets_last = true;
  spec.checksum = DigestAlgorithm::kSha512;
  sipgen::SipPlan plan = sipgen::PlanSip(spec);
  ASSERT_EQ(plan.entries.back().path, plan.root + "METS.xml");
  ExpectCleanlyValid(ValidateOrDie(WritePackage(plan, "tar.gz", dir)));
  // ... and the second pass does find a corruption.
  plan.entries[3].literal.clear();
  plan.entries[3].content = sipgen::ContentKind::kText;
  plan.entries[3].content_seed ^= 1;  // same size, different bytes
  ValidationReport bad = ValidateOrDie(WritePackage(plan, "tar.gz", dir, "bad"));
  EXPECT_TRUE(bad.Has("FILE-CHECKSUM")) << Describe(bad);
}

TEST(PackageValidatorTest, ShapesOfPackages) {
  TempDir dir;
  sipgen::SipSpec spec = Spec(8, 6);
  spec.representations = 3;
  spec.nesting = 5;
  ExpectCleanlyValid(ValidateOrDie(WritePackage(sipgen::PlanSip(spec), "zip", dir, "deep")));
  spec.wrap_in_folder = false;
  spec.nesting = 0;
  ExpectCleanlyValid(ValidateOrDie(WritePackage(sipgen::PlanSip(spec), "tar", dir, "flat")));
  spec = Spec(9, 3);
  spec.min_file_size = 0;
  spec.max_file_size = 0;
  ExpectCleanlyValid(ValidateOrDie(WritePackage(sipgen::PlanSip(spec), "tar", dir, "empty-files")));
}

TEST(PackageValidatorTest, LargeMetsTakesTheTwoThreadPathAndStillFindsEverything) {
  TempDir dir;
  sipgen::SipSpec spec = Spec(13, 4000);
  spec.min_file_size = 0;
  spec.max_file_size = 64;
  sipgen::SipPlan plan = sipgen::PlanSip(spec);
  ASSERT_GT(plan.Mets().size(), 1u << 20) << "the METS must be over the parallel threshold";
  ExpectCleanlyValid(ValidateOrDie(WritePackage(plan, "tar", dir, "good")));
  ASSERT_TRUE(plan.EditMets("ID=\"ID-F003999\"", "ID=\"ID-F000001\""));
  plan.entries[1].content_seed ^= 5;
  plan.entries[1].content = sipgen::ContentKind::kBinary;
  ValidationReport bad = ValidateOrDie(WritePackage(plan, "tar", dir, "bad"));
  EXPECT_TRUE(bad.Has("METS-ID-UNIQUE")) << Describe(bad);
  EXPECT_TRUE(bad.Has("FILE-CHECKSUM")) << Describe(bad);
}

TEST(PackageValidatorTest, OlderFgsLayoutWithSipXml) {
  TempDir dir;
  std::string content = "Protokoll från kommunstyrelsen\n";
  std::string sip =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<mets xmlns=\"http://www.loc.gov/METS/\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
      "xmlns:ext=\"ExtensionMETS\" OBJID=\"GUID:0f3c\" TYPE=\"ERMS\" "
      "PROFILE=\"http://xml.ra.se/e-arkiv/METS/CommonSpecificationSwedenPackageProfile.xml\" "
      "ext:ACCESSRESTRICT=\"Secrecy and PuL\" ext:AGREEMENTFORM=\"AGREEMENT\" ext:APPRAISAL=\"No\" "
      "ext:ARCHIVALNAME=\"Exempelby kommun\" ext:PACKAGENUMBER=\"1\" ext:SYSTEMTYPE=\"Ärendehanteringssystem\">\n"
      " <metsHdr CREATEDATE=\"2014-03-01T10:00:00\" RECORDSTATUS=\"NEW\" ext:OAISSTATUS=\"SIP\">\n"
      "  <agent ROLE=\"ARCHIVIST\" TYPE=\"ORGANIZATION\"><name>Exempelby kommun</name><note>Local:1</note></agent>\n"
      "  <agent ROLE=\"OTHER\" OTHERROLE=\"SUBMITTER\" TYPE=\"ORGANIZATION\"><name>Stadsarkivet</name></agent>\n"
      "  <agent ROLE=\"CREATOR\" TYPE=\"ORGANIZATION\"><name>Exempelby kommun, socialnämnden</name></agent>\n"
      "  <agent ROLE=\"IPOWNER\" TYPE=\"ORGANIZATION\"><name>Exempelby kommun</name></agent>\n"
      "  <agent ROLE=\"ARCHIVIST\" TYPE=\"OTHER\" OTHERTYPE=\"SOFTWARE\"><name>Ärendesystemet 4.2</name></agent>\n"
      "  <altRecordID TYPE=\"SUBMISSIONAGREEMENT\">2014-03</altRecordID>\n"
      " </metsHdr>\n"
      " <fileSec><fileGrp ID=\"g\" USE=\"FILES\">\n"
      "  <file ID=\"f1\" MIMETYPE=\"text/plain\" SIZE=\"" + std::to_string(content.size()) +
      "\" CREATED=\"2014-03-01T10:00:00\" CHECKSUM=\"" + Sha256Hex(content) +
      "\" CHECKSUMTYPE=\"SHA-256\" ext:ORIGINALFILENAME=\"protokoll 12.txt\"><FLocat LOCTYPE=\"URL\" "
      "xlink:type=\"simple\" xlink:href=\"file:///Content/protokoll.txt\"/></file>\n"
      " </fileGrp></fileSec>\n"
      " <structMap><div><fptr FILEID=\"f1\"/></div></structMap>\n"
      "</mets>\n";
  sipgen::SipPlan plan;
  for (auto [path, data] : {std::pair{"sip.xml", sip}, std::pair{"Content/protokoll.txt", content}}) {
    sipgen::PlannedEntry e;
    e.path = path;
    e.literal = data;
    plan.entries.push_back(e);
  }
  ValidationReport r = ValidateOrDie(WritePackage(plan, "zip", dir));
  EXPECT_TRUE(r.valid()) << Describe(r);
  EXPECT_EQ(r.warning_count(), 0u) << Describe(r);
  // ext:OAISSTATUS on metsHdr is FGS 1.2's; METS 1.12 makes fileSec/@ID
  // optional, and CSIP59 is not a 1.x rule.
  EXPECT_EQ(r.profile, "FGS Paketstruktur 1.2 (CommonSpecificationSwedenPackageProfile)");
  EXPECT_FALSE(r.Has("CSIP59")) << Describe(r);

  // Without the agents and the agreement the 1.x profile requires, it fails
  // under the 1.x rules' own ids.
  std::string bare = sip;
  for (const char* cut : {"  <agent ROLE=\"IPOWNER\" TYPE=\"ORGANIZATION\"><name>Exempelby kommun</name></agent>\n",
                          "  <altRecordID TYPE=\"SUBMISSIONAGREEMENT\">2014-03</altRecordID>\n"}) {
    size_t at = bare.find(cut);
    ASSERT_NE(at, std::string::npos) << cut;
    bare.erase(at, std::string(cut).size());
  }
  bare.replace(bare.find("TYPE=\"ERMS\""), 11, "TYPE=\"Textual works\"");
  bare.replace(bare.find("ext:APPRAISAL=\"No\""), 18, "ext:APPRAISAL=\"Maybe\"");
  plan.entries[0].literal = bare;
  ValidationReport b = ValidateOrDie(WritePackage(plan, "zip", dir, "bare"));
  for (const char* rule : {"FGS1-AGENTS", "FGS1-SUBMISSIONAGREEMENT", "FGS1-TYPE", "FGS1-EXT-VALUES"}) {
    EXPECT_TRUE(b.Has(rule)) << rule << "\n" << Describe(b);
  }
  EXPECT_FALSE(b.Has("CSIP2") || b.Has("CSIP10") || b.Has("SIP2")) << Describe(b);
}

// '+' in an href is a literal plus (RFC 3986). commons-ip writes it for a
// space, so a declaration no file answers literally falls back to a space,
// with a warning; it never takes a file that another name answers.
TEST(PackageValidatorTest, APlusInAnHrefIsALiteralPlus) {
  // METS first (files matched as they stream past) and METS last (matched
  // at the end): the same verdicts, whatever the order of the files.
  for (bool mets_last : {false, true}) {
    TempDir dir;
    sipgen::SipSpec spec = Spec(5, 3);
    spec.mets_last = mets_last;
    sipgen::SipPlan plan = sipgen::PlanSip(spec);
    ASSERT_TRUE(plan.EditMets("xlink:href=\"documentation/README.txt\"", "xlink:href=\"documentation/READ+ME.txt\""));
    sipgen::PlannedEntry* readme = plan.Find("documentation/README.txt");
    ASSERT_NE(readme, nullptr);
    readme->path = plan.root + "documentation/READ ME.txt";
    ValidationReport spaced = ValidateOrDie(WritePackage(plan, "tar", dir, "spaced"));
    EXPECT_TRUE(spaced.valid()) << Describe(spaced);
    EXPECT_TRUE(spaced.Has("METS-HREF-PLUS")) << Describe(spaced);

    sipgen::PlannedEntry plus = *plan.Find("documentation/READ ME.txt");
    plus.path = plan.root + "documentation/READ+ME.txt";
    plan.entries.insert(plan.entries.end() - (mets_last ? 1 : 0), plus);  // after the spaced one
    ValidationReport both = ValidateOrDie(WritePackage(plan, "tar", dir, "both"));
    EXPECT_FALSE(both.Has("METS-HREF-PLUS")) << mets_last << Describe(both);
    ASSERT_TRUE(both.Has("FILE-UNDECLARED")) << mets_last << Describe(both);
    for (const Finding& f : both.findings()) {
      if (f.rule == "FILE-UNDECLARED") {
        EXPECT_NE(f.path.find("READ ME.txt"), std::string::npos) << f.path;
      }
    }
  }
}

TEST(PackageValidatorTest, PublicEarkSamplesAreAccepted) {
  std::string dir = BEVARA_SHARED_SAMPLES;
  if (!std::filesystem::exists(dir)) GTEST_SKIP() << "no shared samples at " << dir;
  int seen = 0;
  for (const auto& f : std::filesystem::directory_iterator(dir)) {
    if (f.path().extension() != ".zip") continue;
    ++seen;
    ValidationReport r = ValidateOrDie(f.path());
    EXPECT_TRUE(r.valid()) << f.path() << "\n" << Describe(r);
    EXPECT_FALSE(r.objid.empty());
  }
  EXPECT_GT(seen, 0);
}

TEST(PackageValidatorTest, JsonReportListsEveryRuleCheckedWithItsResult) {
  TempDir dir;
  sipgen::SipPlan plan = sipgen::PlanSip(Spec(4, 3));
  ASSERT_TRUE(plan.EditMets("OBJID=\"", "XOBJID=\""));
  ValidationReport r = ValidateOrDie(WritePackage(plan, "tar", dir));
  auto j = nlohmann::json::parse(r.ToJson());
  EXPECT_FALSE(j["valid"].get<bool>());
  std::map<std::string, nlohmann::json> rules;
  for (const auto& rule : j["rules"]) rules[rule["id"]] = rule;
  EXPECT_GT(rules.size(), 60u);
  EXPECT_EQ(rules["FILE-CHECKSUM"]["result"], "pass");
  EXPECT_EQ(rules["CSIP1"]["result"], "fail");
  EXPECT_EQ(rules["CSIP1"]["severity"], "error");
  EXPECT_EQ(rules["CSIP1"]["findings"][0]["location"]["path"], plan.root + "METS.xml");
  // The schema finding points at the line of the offending attribute.
  ASSERT_TRUE(rules["XML-SCHEMA"].contains("findings"));
  EXPECT_EQ(rules["XML-SCHEMA"]["findings"][0]["location"]["line"], 2);
}

TEST(PackageValidatorTest, ThePackagePathItselfMayBeALink) {
  TempDir dir;
  std::string real = WritePackage(sipgen::PlanSip(Spec(14, 3)), "dir", dir);
  ASSERT_EQ(::symlink(real.c_str(), dir.Join("linked").c_str()), 0);
  ExpectCleanlyValid(ValidateOrDie(dir.Join("linked")));
}

// Validators on several threads share one SchemaSet, as server workers will.
// (Xerces builds content models lazily in the shared grammar unless they are
// built up front; under ASan this test showed the race.)
TEST(PackageValidatorTest, ConcurrentValidationsShareTheSchemas) {
  TempDir dir;
  std::vector<std::string> packages;
  for (int i = 0; i < 4; ++i) {
    sipgen::SipPlan plan = sipgen::PlanSip(Spec(30 + i, 20));
    if (i % 2) plan.EditMets("OBJID=", "XOBJID=");
    packages.push_back(WritePackage(plan, "zip", dir, "p" + std::to_string(i)));
  }
  std::vector<int> valid(packages.size(), -1);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < packages.size(); ++i) {
    threads.emplace_back([&, i] {
      PackageValidator v(Env::Default(), testing::Schemas());
      for (int round = 0; round < 3; ++round) {
        auto r = v.Validate(packages[i]);
        valid[i] = r.ok() ? r->valid() : -2;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(valid, (std::vector<int>{1, 0, 1, 0}));
}

TEST(PackageValidatorTest, MissingPackageCannotBeValidated) {
  PackageValidator v(Env::Default(), testing::Schemas());
  auto r = v.Validate("/nonexistent/package.tar");
  EXPECT_FALSE(r.ok());
  EXPECT_TRUE(r.status().IsNotFound());
}

}  // namespace
}  // namespace bevara::ingest
