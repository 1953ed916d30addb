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
