#include "ingest/validate/profile_checks.h"

#include "ingest/mets/xsd_values.h"

#include <gtest/gtest.h>

#include <tuple>

namespace bevara::ingest {
namespace {

TEST(XsdDateTimeTest, AcceptsValidDateTimes) {
  for (const char* s : {"2024-02-29T10:00:00", "2021-06-15T14:23:08.571+01:00", "2025-03-27T11:34:45.204Z",
                        "1999-12-31T23:59:59-05:00", "2024-01-01T24:00:00", "12024-01-01T00:00:00Z"}) {
    EXPECT_TRUE(IsXsdDateTime(s)) << s;
  }
}

TEST(XsdDateTimeTest, RejectsInvalidOnes) {
  for (const char* s : {"2023-02-29T10:00:00", "2024-02-30T10:00:00", "2024-13-01T00:00:00", "2024-00-10T00:00:00",
                        "2024-01-01", "2024-01-01T25:00:00", "2024-01-01T10:60:00", "2024-01-01T10:00:00+15:00",
                        "2024-1-01T10:00:00", "2024-01-01 10:00:00", "2024-01-01T10:00:00.", "yesterday", "",
                        "2024-01-01T24:00:01", "02024-01-01T00:00:00"}) {
    EXPECT_FALSE(IsXsdDateTime(s)) << s;
  }
}

TEST(ProfileChecksTest, AMinimalCsipRootBreaksTheExpectedRules) {
  MetsDocument doc;  // nothing at all
  ValidationReport report;
  CheckRootMets(doc, PackageProfile::kFgs2, MetsPlace{"METS.xml", "pkg"}, &report);
  for (const char* rule : {"CSIP1", "CSIP2", "CSIP6", "CSIP117", "CSIP58", "CSIP80"}) {
    EXPECT_TRUE(report.Has(rule)) << rule;
  }
  EXPECT_FALSE(report.valid());
}

TEST(ProfileChecksTest, Fgs1DoesNotRequireCsipOnlyRules) {
  MetsDocument doc;
  doc.has_objid = doc.has_type = doc.has_profile = true;
  doc.objid = "x";
  doc.type = "ERMS";
  doc.profile = "http://xml.ra.se/e-arkiv/METS/CommonSpecificationSwedenPackageProfile.xml";
  doc.has_header = true;
  doc.create_date = "2012-04-26T12:45:00+01:00";
  doc.has_file_sec = true;
  doc.file_sec_id = "fs";
  doc.ext_header = {{"OAISSTATUS", "SIP"}};
  doc.alt_record_ids = {{"SUBMISSIONAGREEMENT", "RA 13-2011/5329", 3}};
  for (auto [role, type, other] : {std::tuple{"ARCHIVIST", "ORGANIZATION", ""}, {"CREATOR", "ORGANIZATION", ""},
                                   {"IPOWNER", "ORGANIZATION", ""}, {"ARCHIVIST", "OTHER", "SOFTWARE"}}) {
    MetsAgent a;
    a.role = role;
    a.type = type;
    a.other_type = other;
    doc.agents.push_back(a);
  }
  ASSERT_EQ(DetectProfile(doc, /*root_file_is_sip_xml=*/false), PackageProfile::kFgs12);
  ValidationReport report;
  CheckRootMets(doc, PackageProfile::kFgs12, MetsPlace{"sip.xml", "pkg"}, &report);
  EXPECT_FALSE(report.Has("CSIP9"));
  EXPECT_FALSE(report.Has("CSIP10"));
  EXPECT_FALSE(report.Has("CSIP80"));
  EXPECT_FALSE(report.Has("CSIP17"));  // FGS 1.x keeps descriptive metadata in content/
  EXPECT_FALSE(report.Has("CSIP60"));  // and names its own file groups
  EXPECT_TRUE(report.valid()) << report.ToText();
}

// Declaring FGS 1.x buys no leniency a hostile package could use: the 1.x
// rules hold it to its own profile, to SIP, and to a simple xlink.
TEST(ProfileChecksTest, Fgs1IsNoWayAroundTheRules) {
  MetsDocument doc;
  doc.has_objid = doc.has_type = doc.has_profile = doc.has_header = true;
  doc.objid = "x";
  doc.type = "ERMS";
  doc.profile = "https://example.org/anything.xml";
  doc.create_date = "2012-04-26T12:45:00+01:00";
  doc.ext_root = {{"OAISTYPE", "AIP"}};
  FileDeclaration f;
  f.id = "f1";
  f.has_href = f.has_mimetype = f.has_size = f.has_created = f.has_checksum = f.has_checksum_type = true;
  f.mimetype = "text/plain";
  f.loctype_url = true;
  f.flocat_count = 1;
  f.has_xlink_type = true;  // xlink:type="extended"
  doc.files.push_back(f);
  ASSERT_EQ(DetectProfile(doc, false), PackageProfile::kFgs10);
  ValidationReport report;
  CheckRootMets(doc, PackageProfile::kFgs10, MetsPlace{"METS.xml", "x"}, &report);
  for (const char* rule : {"FGS1-PROFILE", "FGS1-OAISSTATUS", "CSIP78", "FGS1-AGENTS", "FGS1-SUBMISSIONAGREEMENT"}) {
    EXPECT_TRUE(report.Has(rule)) << rule;
  }
  // An E-ARK profile URL is CSIP/SIP, whatever ext: attributes ride along.
  doc.profile = "https://earksip.dilcis.eu/profile/E-ARK-SIP.xml";
  EXPECT_EQ(DetectProfile(doc, false), PackageProfile::kFgs2);
  // Only the real CSIP profile softens SIP2; a look-alike URL does not.
  doc.profile = "http://attacker.example/earkcsip.dilcis.eu/profile/x.xml";
  doc.ext_root.clear();
  ValidationReport sip;
  CheckRootMets(doc, PackageProfile::kFgs2, MetsPlace{"METS.xml", "x"}, &sip);
  bool sip2_error = false;
  for (const Finding& finding : sip.findings()) sip2_error = sip2_error || (finding.rule == "SIP2" && finding.severity == Severity::kError);
  EXPECT_TRUE(sip2_error);
}

// 20,000 nested divisions with an fptr each: the structMap checks stay
// linear (collecting each division's subtree would hold 200 million ids).
TEST(ProfileChecksTest, DeeplyNestedDivisionsCostLinearMemory) {
  MetsDocument doc;
  doc.struct_maps.push_back({"s", "PHYSICAL", "CSIP", true, true, 1});
  for (int i = 0; i < 20000; ++i) {
    StructDiv d;
    d.id = "d" + std::to_string(i);
    d.label = i == 0 ? "x" : "Documentation";
    d.depth = i + 1;
    d.parent = i - 1;
    d.fptr_fileids.push_back("g" + std::to_string(i));
    doc.divs.push_back(std::move(d));
  }
  ValidationReport report;
  CheckRootMets(doc, PackageProfile::kFgs2, MetsPlace{"METS.xml", "x"}, &report);
  EXPECT_FALSE(report.valid());
}

// A hostile METS cannot make the report as large as itself.
TEST(ProfileChecksTest, FindingsAreCappedPerRuleAndCountedAll) {
  ValidationReport report;
  for (int i = 0; i < 1000; ++i) report.Add("CSIP68", std::string(5000, 'x'));
  EXPECT_EQ(report.error_count(), 1000u);
  EXPECT_EQ(report.findings().size(), ValidationReport::kMaxFindingsKeptPerRule);
  EXPECT_LE(report.findings()[0].message.size(), ValidationReport::kMaxMessageBytes + 4);
  EXPECT_NE(report.ToJson().find("\"finding_count\": 1000"), std::string::npos);
}

TEST(ParseSizeTest, AcceptsOnlyByteCounts) {
  EXPECT_EQ(ParseSize("0"), 0);
  EXPECT_EQ(ParseSize("784099"), 784099);
  EXPECT_EQ(ParseSize("-1"), -1);
  EXPECT_EQ(ParseSize("12a"), -1);
  EXPECT_EQ(ParseSize(""), -1);
  EXPECT_EQ(ParseSize("9999999999999999999"), -1);
}

}  // namespace
}  // namespace bevara::ingest
