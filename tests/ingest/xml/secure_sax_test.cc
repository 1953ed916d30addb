#include "ingest/xml/secure_sax.h"

#include <cstring>

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace bevara::ingest {
namespace {

SaxOutcome ParseString(const std::string& xml, SaxOptions options = {}) {
  SecureSaxParser parser(testing::Schemas());
  size_t read = 0;
  return parser.Parse(testing::StringSource(xml, &read), "test.xml", nullptr, options);
}

const char* kMinimalMets =
    "<mets xmlns=\"http://www.loc.gov/METS/\"><structMap><div/></structMap></mets>";

TEST(SecureSaxTest, ValidatesAgainstEmbeddedGrammarWithoutHints) {
  SaxOutcome ok = ParseString(kMinimalMets);
  EXPECT_TRUE(ok.schema_validated);
  EXPECT_FALSE(ok.HasErrors());
  SaxOutcome bad = ParseString("<mets xmlns=\"http://www.loc.gov/METS/\"><bogus/></mets>");
  EXPECT_TRUE(bad.well_formed);
  EXPECT_TRUE(bad.HasErrors());
}

TEST(SecureSaxTest, RefusesBillionLaughs) {
  std::string xml = "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n";
  for (int i = 1; i <= 9; ++i) {
    xml += "<!ENTITY lol" + std::to_string(i) + " \"";
    for (int k = 0; k < 10; ++k) xml += "&lol" + (i == 1 ? std::string() : std::to_string(i - 1)) + ";";
    xml += "\">\n";
  }
  xml += "]>\n<mets xmlns=\"http://www.loc.gov/METS/\">&lol9;</mets>";
  SaxOutcome out = ParseString(xml);
  EXPECT_TRUE(out.doctype_refused);
  EXPECT_FALSE(out.well_formed);
  EXPECT_LT(out.bytes, 100000u);
}

TEST(SecureSaxTest, RefusesExternalEntitiesAndNeverConnects) {
  testing::LoopbackTrap trap;
  for (std::string system_id : {std::string("file:///etc/passwd"), trap.url("/xxe")}) {
    std::string xml = "<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY x SYSTEM \"" + system_id +
                      "\">]><mets xmlns=\"http://www.loc.gov/METS/\">&x;</mets>";
    SaxOutcome out = ParseString(xml);
    EXPECT_TRUE(out.doctype_refused) << system_id;
    for (const XmlIssue& i : out.issues) EXPECT_EQ(i.message.find("root:"), std::string::npos);
  }
  std::string external_dtd = "<?xml version=\"1.0\"?><!DOCTYPE mets SYSTEM \"" + trap.url("/m.dtd") +
                             "\"><mets xmlns=\"http://www.loc.gov/METS/\"/>";
  EXPECT_TRUE(ParseString(external_dtd).doctype_refused);
  EXPECT_EQ(trap.connections(), 0);
}

TEST(SecureSaxTest, NeverFetchesSchemaHints) {
  testing::LoopbackTrap trap;
  std::string xml = "<mets xmlns=\"http://www.loc.gov/METS/\" "
                    "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                    "xsi:schemaLocation=\"http://www.loc.gov/METS/ " + trap.url("/mets.xsd") +
                    "\"><structMap><div/></structMap></mets>";
  SaxOutcome out = ParseString(xml);
  EXPECT_FALSE(out.HasErrors());
  ASSERT_EQ(out.remote_schema_locations.size(), 1u);
  EXPECT_NE(out.remote_schema_locations[0].find(std::to_string(trap.port())), std::string::npos);
  std::string no_ns = "<doc xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
                      "xsi:noNamespaceSchemaLocation=\"" + trap.url("/doc.xsd") + "\"/>";
  ParseString(no_ns);
  EXPECT_EQ(trap.connections(), 0);
}

TEST(SecureSaxTest, StopsAtTheSizeLimit) {
  std::string xml = "<mets xmlns=\"http://www.loc.gov/METS/\"><!--" + std::string(100000, 'x') + "--></mets>";
  SaxOptions options;
  options.max_bytes = 10000;
  SaxOutcome out = ParseString(xml, options);
  EXPECT_TRUE(out.too_large);
  EXPECT_FALSE(out.well_formed);
  EXPECT_LE(out.bytes, 10000u + 65536u);
}

TEST(SecureSaxTest, UnknownNamespaceIsOnlyCheckedForWellFormedness) {
  SaxOutcome out = ParseString("<dc xmlns=\"http://purl.org/dc/elements/1.1/\"><title>x</title></dc>");
  EXPECT_FALSE(out.schema_validated);
  EXPECT_FALSE(out.HasErrors());
  EXPECT_EQ(out.root_name, "dc");
  EXPECT_FALSE(ParseString("<dc><title>x</dc>").well_formed);
}

TEST(SecureSaxTest, CapsTheNumberOfIssues) {
  std::string xml = "<mets xmlns=\"http://www.loc.gov/METS/\">";
  for (int i = 0; i < 500; ++i) xml += "<bogus" + std::to_string(i) + "/>";
  xml += "</mets>";
  SaxOptions options;
  options.max_issues = 10;
  SaxOutcome out = ParseString(xml, options);
  EXPECT_TRUE(out.truncated_issues);
  EXPECT_LE(out.issues.size(), 10u);
}

TEST(SecureSaxTest, ParserIsReusable) {
  SecureSaxParser parser(testing::Schemas());
  for (int i = 0; i < 3; ++i) {
    std::string xml = i == 1 ? "<broken" : kMinimalMets;
    size_t read = 0;
    SaxOutcome out = parser.Parse(testing::StringSource(xml, &read), "t", nullptr, SaxOptions{});
    EXPECT_EQ(out.well_formed, i != 1) << i;
  }
}

}  // namespace
}  // namespace bevara::ingest
