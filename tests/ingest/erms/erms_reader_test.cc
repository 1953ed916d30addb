#include "ingest/erms/erms_reader.h"

#include <gtest/gtest.h>

#include "src/common/percent_encoding.h"
#include "tests/test_util.h"
#include "tools/sipgen/sip_generator.h"

namespace bevara::ingest {
namespace {

std::string Erms(const std::string& records) {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<erms xmlns="https://DILCIS.eu/XML/ERMS">
  <control><identification identificationType="arkivbildare">Exempelby kommun</identification></control>
  <aggregations><aggregation systemIdentifier="a1" aggregationType="caseFile">
    <objectId>KS 2024-17</objectId><title>Ansökan</title>
    <records>)" + records + R"(</records>
  </aggregation></aggregations>
</erms>
)";
}

std::string Record(const std::string& id, const std::string& inside) {
  return "<record systemIdentifier=\"" + id + "\" recordType=\"handling\"><objectId>KS 2024-17:1</objectId>"
         "<title>Handling</title>" + inside + "<documents><document href=\"data/" + id + ".pdf\"/></documents></record>";
}

std::string Secrecy(const std::string& end_date) {
  std::string dates = end_date.empty() ? "" : "<dates><date dateType=\"end\">" + end_date + "T00:00:00Z</date></dates>";
  return "<restriction restrictionType=\"confidential\"><explanatoryText>Socialtjänst</explanatoryText>"
         "<regulation>OSL 26 kap. 1 §</regulation>" + dates + "</restriction>";
}

TEST(ErmsReader, ReadsTheGeneratedCaseAndItsRecords) {
  sipgen::SipSpec spec;
  spec.seed = 5;
  spec.files = 30;
  sipgen::SipPlan plan = sipgen::PlanSip(spec);
  const sipgen::PlannedEntry* erms = plan.Find("metadata/descriptive/erms.xml");
  ASSERT_NE(erms, nullptr);
  auto meta = ReadCaseMetadata(testing::Schemas(), erms->literal, "erms.xml");
  ASSERT_TRUE(meta.ok()) << meta.status().ToString();
  EXPECT_EQ(meta->creator, "Exempelby kommun, kommunstyrelsen");
  EXPECT_EQ(meta->creator_id, "212000-0001");
  EXPECT_EQ(meta->case_number.rfind("KS 20", 0), 0u) << meta->case_number;
  EXPECT_EQ(meta->title.rfind("Ansökan om bygglov", 0), 0u) << meta->title;
  EXPECT_EQ(meta->classification_code, "3.2.1");
  EXPECT_EQ(meta->classification, "Bygglov");
  EXPECT_EQ(meta->status, "closed");
  EXPECT_FALSE(meta->opened.empty());
  EXPECT_FALSE(meta->closed.empty());
  ASSERT_EQ(meta->agents.size(), 1u);
  ASSERT_EQ(meta->records.size(), 30u);
  int secret = 0;
  for (const RecordMetadata& r : meta->records) {
    EXPECT_EQ(r.object_id.rfind(meta->case_number + ":", 0), 0u);
    ASSERT_EQ(r.documents.size(), 1u);
    std::string path;  // hrefs are percent-encoded, relative to the package root
    ASSERT_TRUE(PercentDecode(r.documents[0], &path));
    EXPECT_NE(plan.Find(path), nullptr) << r.documents[0] << " names no file of the package";
    EXPECT_FALSE(r.direction.empty());
    if (r.secrecy) {
      ++secret;
      EXPECT_EQ(r.secrecy->chapter, 26);
      EXPECT_EQ(r.secrecy->section, 1);
      EXPECT_EQ(DeriveAccess(r, "2026-11-24").state, AccessState::kSecret);
    } else {
      EXPECT_EQ(DeriveAccess(r, "2026-11-24").state, AccessState::kPublic);
    }
  }
  EXPECT_GT(secret, 0) << "sipgen marks about one record in five secret";
}

TEST(ErmsReader, SecrecyLapsesTheDayAfterItEnds) {
  auto meta = ReadCaseMetadata(testing::Schemas(),
                               Erms(Record("r1", Secrecy("2026-11-23")) + Record("r2", Secrecy("2026-11-24")) +
                                    Record("r3", Secrecy(""))),
                               "erms.xml");
  ASSERT_TRUE(meta.ok()) << meta.status().ToString();
  ASSERT_EQ(meta->records.size(), 3u);
  // Ended yesterday: public today.
  EXPECT_EQ(DeriveAccess(meta->records[0], "2026-11-24").state, AccessState::kPublic);
  // Ends today: secret until tomorrow.
  RecordAccess today = DeriveAccess(meta->records[1], "2026-11-24");
  EXPECT_EQ(today.state, AccessState::kSecret);
  EXPECT_EQ(today.ground, "OSL 26 kap. 1 §");
  EXPECT_EQ(today.public_from, "2026-11-25");
  // No end date: secret however late it is.
  EXPECT_EQ(DeriveAccess(meta->records[2], "2199-01-01").state, AccessState::kSecret);
  EXPECT_EQ(DeriveAccess(meta->records[2], "2199-01-01").public_from, "");
}

TEST(ErmsReader, PersonalDataRestrictsARecord) {
  auto meta = ReadCaseMetadata(
      testing::Schemas(),
      Erms(Record("r1", "<restriction restrictionType=\"personalData\"><explanatoryText>Uppgifter om enskild"
                        "</explanatoryText></restriction>") +
           Record("r2", "<agents><agent agentType=\"part\"><name>A Person</name>"
                        "<idNumber idNumberType=\"personnummer\">19121212-1212</idNumber></agent></agents>") +
           Record("r3", Secrecy("2020-12-31") + "<restriction restrictionType=\"personalData\"><explanatoryText>Hälsa"
                        "</explanatoryText></restriction>")),
      "erms.xml");
  ASSERT_TRUE(meta.ok()) << meta.status().ToString();
  for (const RecordMetadata& r : meta->records) {
    RecordAccess a = DeriveAccess(r, "2026-11-24");
    EXPECT_EQ(a.state, AccessState::kRestricted) << r.system_id;
    EXPECT_EQ(a.ground, "personal data");
  }
}

TEST(ErmsReader, RefusesWhatIsNotValidErms) {
  auto doctype = ReadCaseMetadata(testing::Schemas(),
                                  "<?xml version=\"1.0\"?><!DOCTYPE erms [<!ENTITY x \"y\">]>"
                                  "<erms xmlns=\"https://DILCIS.eu/XML/ERMS\"/>",
                                  "erms.xml");
  ASSERT_FALSE(doctype.ok());
  EXPECT_EQ(doctype.status().rule(), "ERMS-INVALID");
  auto other = ReadCaseMetadata(testing::Schemas(), "<mets xmlns=\"http://www.loc.gov/METS/\"/>", "x.xml");
  ASSERT_FALSE(other.ok());
  EXPECT_EQ(other.status().rule(), "ERMS-INVALID");
  auto invalid = ReadCaseMetadata(testing::Schemas(), Erms("<record><nonsense/></record>"), "erms.xml");
  ASSERT_FALSE(invalid.ok());
  EXPECT_NE(invalid.status().message().find("line"), std::string::npos) << invalid.status().message();
  auto broken = ReadCaseMetadata(testing::Schemas(), "<erms xmlns=\"https://DILCIS.eu/XML/ERMS\">", "erms.xml");
  EXPECT_FALSE(broken.ok());
}

TEST(ErmsReader, ParsesOslReferencesAsTheyAreWritten) {
  int c = 0, s = 0;
  EXPECT_TRUE(ParseOslReference("OSL 26 kap. 1 §", &c, &s));
  EXPECT_EQ(c, 26);
  EXPECT_EQ(s, 1);
  EXPECT_TRUE(ParseOslReference("21 kap 7 § offentlighets- och sekretesslagen", &c, &s));
  EXPECT_EQ(c, 21);
  EXPECT_EQ(s, 7);
  EXPECT_TRUE(ParseOslReference("25:1 OSL", &c, &s));
  EXPECT_EQ(c, 25);
  EXPECT_EQ(s, 1);
  EXPECT_FALSE(ParseOslReference("sekretess", &c, &s));
}


// Metadata written so that a careless reader would find no restriction in
// force: each must come out secret or restricted.
struct HostileCase {
  const char* name;
  std::string case_inside;    // inside the case aggregation, before its records
  std::string record_inside;  // inside the record
  AccessState at_least;
};

std::string ErmsWithCase(const std::string& case_inside, const std::string& records) {
  return R"(<?xml version="1.0" encoding="UTF-8"?>
<erms xmlns="https://DILCIS.eu/XML/ERMS">
  <control><identification identificationType="arkivbildare">Exempelby kommun</identification></control>
  <aggregations><aggregation systemIdentifier="series" aggregationType="series">
  <aggregation systemIdentifier="a1" aggregationType="caseFile">
    <objectId>KS 2024-17</objectId><title>Ansökan</title>)" + case_inside + R"(
    <records>)" + records + R"(</records>
  </aggregation></aggregation></aggregations>
</erms>
)";
}

std::string Restricted(const std::string& attrs, const std::string& inside = "") {
  return "<restriction " + attrs + "><regulation>OSL 26 kap. 1 §</regulation>" + inside + "</restriction>";
}

std::string End(const std::string& date) { return "<dates><date dateType=\"end\">" + date + "</date></dates>"; }

TEST(ErmsReader, HostileRestrictionsFailClosed) {
  const std::vector<HostileCase> cases = {
      {"secrecy on the case, not the record", Restricted("restrictionType=\"confidential\""), "", AccessState::kSecret},
      {"a lapsed restriction after an active one", "",
       Restricted("restrictionType=\"confidential\"") + Restricted("restrictionType=\"confidential\"", End("2001-01-01T00:00:00Z")),
       AccessState::kSecret},
      {"a lapsed restriction before an active one", "",
       Restricted("restrictionType=\"confidential\"", End("2001-01-01T00:00:00Z")) + Restricted("restrictionType=\"confidential\""),
       AccessState::kSecret},
      {"Confidential in capitals", "", Restricted("restrictionType=\"Confidential\""), AccessState::kSecret},
      {"a space before confidential", "", Restricted("restrictionType=\" confidential\""), AccessState::kSecret},
      {"other_type naming secrecy", "",
       Restricted("restrictionType=\"other_type\" otherRestrictionType=\"sekretess\""), AccessState::kSecret},
      {"other_type naming something unknown", "",
       Restricted("restrictionType=\"other_type\" otherRestrictionType=\"nämndbeslut\""), AccessState::kRestricted},
      {"a type nobody knows", "", Restricted("restrictionType=\"hush-hush\""), AccessState::kRestricted},
      {"an end in year 10000", "", Restricted("restrictionType=\"confidential\"", End("10000-01-01T00:00:00Z")),
       AccessState::kSecret},
      {"two end dates, one passed", "",
       Restricted("restrictionType=\"confidential\"", End("2001-01-01T00:00:00Z") + End("2999-01-01T00:00:00Z")),
       AccessState::kSecret},
      {"protected identity", "", Restricted("restrictionType=\"protectedIdentity\""), AccessState::kRestricted},
      {"a foreign record inside additionalXMLData", "",
       "<additionalXMLData><x:record xmlns:x=\"urn:other\"/><record xmlns=\"urn:other\"><title>t</title></record>"
       "</additionalXMLData>" + Restricted("restrictionType=\"confidential\""),
       AccessState::kSecret},
      {"a record inside notes", "",
       "<notes><record systemIdentifier=\"x\"><title>t</title></record></notes>" +
           Restricted("restrictionType=\"confidential\""),
       AccessState::kSecret},
      {"a record inside documents", "",
       "<documents><record systemIdentifier=\"y\"/></documents>" + Restricted("restrictionType=\"confidential\""),
       AccessState::kSecret},
      {"more restrictions than are read, the last one in force", "",
       [] {
         std::string many;
         for (int i = 0; i < 1001; ++i) {
           many += Restricted("restrictionType=\"confidential\"", End("2001-01-01T00:00:00Z"));
         }
         return many + Restricted("restrictionType=\"confidential\"");
       }(),
       AccessState::kSecret},
      {"an agent with a samordningsnummer", "",
       "<agents><agent agentType=\"part\"><name>P</name><idNumber idNumberType=\"samordningsnummer\">701263-2384"
       "</idNumber></agent></agents>",
       AccessState::kRestricted},
  };
  for (const HostileCase& c : cases) {
    // The outer series also carries nothing, so only what the case says counts.
    const std::string xml = ErmsWithCase(c.case_inside, Record("r1", c.record_inside));
    auto meta = ReadCaseMetadata(testing::Schemas(), xml, "erms.xml");
    ASSERT_TRUE(meta.ok()) << c.name << ": " << meta.status().ToString();
    ASSERT_EQ(meta->records.size(), 1u) << c.name;
    EXPECT_EQ(meta->records[0].system_id, "r1") << c.name;
    RecordAccess a = DeriveAccess(meta->records[0], "2026-11-30");
    EXPECT_GE(Strictness(a.state), Strictness(c.at_least)) << c.name << ": came out " << AccessStateName(a.state);
  }
}

TEST(ErmsReader, RestrictionOnTheSeriesCountsForEveryRecordBelowIt) {
  const std::string xml = std::string(R"(<?xml version="1.0" encoding="UTF-8"?>
<erms xmlns="https://DILCIS.eu/XML/ERMS">
  <control><identification identificationType="arkivbildare">K</identification></control>
  <aggregations><aggregation systemIdentifier="s" aggregationType="series">
    <aggregation systemIdentifier="a1" aggregationType="caseFile"><title>T</title><records>)") +
                          Record("r1", "") + R"(</records></aggregation>
    <restriction restrictionType="personalData"><explanatoryText>Elevakter</explanatoryText></restriction>
  </aggregation></aggregations>
</erms>)";
  auto meta = ReadCaseMetadata(testing::Schemas(), xml, "erms.xml");
  ASSERT_TRUE(meta.ok()) << meta.status().ToString();
  ASSERT_EQ(meta->records.size(), 1u);
  EXPECT_EQ(DeriveAccess(meta->records[0], "2026-11-30").state, AccessState::kRestricted);
  ASSERT_EQ(meta->records[0].restrictions.size(), 1u);
  EXPECT_EQ(meta->records[0].restrictions[0].on, "aggregation s");
}

TEST(ErmsReader, DatesAreReadAsDates) {
  EXPECT_EQ(ParseErmsDate("2026-11-30T23:59:59Z"), "2026-11-30");
  EXPECT_EQ(ParseErmsDate("2026-11-30"), "2026-11-30");
  EXPECT_EQ(ParseErmsDate("2026-11-30+01:00"), "2026-11-30");
  EXPECT_EQ(ParseErmsDate("10000-01-01T00:00:00Z"), "9999-12-31");
  EXPECT_EQ(ParseErmsDate("2026-02-30"), "");
  EXPECT_EQ(ParseErmsDate("2026-13-01"), "");
  EXPECT_EQ(ParseErmsDate("0000-01-01"), "");
  EXPECT_EQ(ParseErmsDate("next year"), "");
  EXPECT_EQ(ParseErmsDate(""), "");
}

}  // namespace
}  // namespace bevara::ingest
