#include "ingest/mets/mets_handler.h"

#include <filesystem>

#include <gtest/gtest.h>

#include "ingest/mets/mets_reader.h"
#include "tests/test_util.h"

namespace bevara::ingest {
namespace {

MetsDocument Read(const std::string& xml, bool parallel = false) {
  static SecureSaxParser validating(testing::Schemas()), building(testing::Schemas());
  MetsDocument doc;
  size_t read = 0;
  ReadMetsDocument(&validating, &building, testing::StringSource(xml, &read), parallel ? kParallelThreshold + 1 : 0,
                   "METS.xml", 1000, SaxOptions{}, &doc);
  return doc;
}

TEST(MetsHandlerTest, ReadsAgentsAndTheirNotes) {
  MetsDocument doc = Read(
      "<mets xmlns=\"http://www.loc.gov/METS/\" xmlns:csip=\"https://DILCIS.eu/XML/METS/CSIPExtensionMETS\">"
      "<metsHdr><agent ROLE=\"CREATOR\" TYPE=\"OTHER\" OTHERTYPE=\"SOFTWARE\"><name>Exempel &amp; co</name>"
      "<note csip:NOTETYPE=\"SOFTWARE VERSION\">2.0</note></agent></metsHdr>"
      "<structMap><div/></structMap></mets>");
  ASSERT_EQ(doc.agents.size(), 1u);
  EXPECT_EQ(doc.agents[0].name, "Exempel & co");
  ASSERT_EQ(doc.agents[0].notes.size(), 1u);
  EXPECT_EQ(doc.agents[0].notes[0].first, "SOFTWARE VERSION");
  EXPECT_EQ(doc.agents[0].notes[0].second, "2.0");
}

// Found by fuzz_mets: agents nested in a <name> grew the agent vector while
// the handler held a pointer into it (a heap use after free under ASan).
TEST(MetsHandlerTest, AgentsNestedInANameAreHarmless) {
  std::string xml = "<mets xmlns=\"http://www.loc.gov/METS/\"><metsHdr><agent ROLE=\"CREATOR\"><name>a";
  for (int i = 0; i < 40; ++i) xml += "<agent ROLE=\"OTHER\"/>b";
  xml += "</name></agent></metsHdr><structMap><div/></structMap></mets>";
  for (bool parallel : {false, true}) {
    MetsDocument doc = Read(xml, parallel);
    EXPECT_EQ(doc.agents.size(), 41u);
    EXPECT_EQ(doc.agents[0].name, "a");  // text after a nested element is not the name's
  }
}

TEST(MetsHandlerTest, FuzzRegressionsParseWithoutHarm) {
  int n = 0;
  for (const auto& f : std::filesystem::directory_iterator(std::string(BEVARA_SOURCE_DIR) +
                                                           "/tests/ingest/mets/fuzz_regressions")) {
    std::string data = testing::ReadFile(f.path());
    for (bool parallel : {false, true}) Read(data, parallel);
    ++n;
  }
  EXPECT_GT(n, 0);
}

}  // namespace
}  // namespace bevara::ingest
