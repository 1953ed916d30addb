#include "ingest/xml/parallel_parse.h"

#include <cstring>

#include <gtest/gtest.h>

#include "ingest/mets/mets_handler.h"
#include "tests/test_util.h"

namespace bevara::ingest {
namespace {

// A METS with `n` files; `extra` is inserted into the first file element.
std::string BigMets(int n, const std::string& extra = "") {
  std::string x = "<mets xmlns=\"http://www.loc.gov/METS/\" xmlns:xlink=\"http://www.w3.org/1999/xlink\">"
                  "<fileSec><fileGrp USE=\"Data\">";
  for (int i = 0; i < n; ++i) {
    x += "<file ID=\"F" + std::to_string(i) + "\" SIZE=\"1\"" + (i == 0 ? extra : "") +
         "><FLocat LOCTYPE=\"URL\" xlink:type=\"simple\" xlink:href=\"data/" + std::to_string(i) + "\"/></file>";
  }
  return x + "</fileGrp></fileSec><structMap><div><fptr FILEID=\"F0\"/></div></structMap></mets>";
}

struct Parsed {
  SaxOutcome outcome;
  MetsDocument doc;
  size_t bytes_read = 0;
};

Parsed ParseBoth(const std::string& xml, SaxOptions options = {}) {
  SecureSaxParser validating(testing::Schemas()), building(testing::Schemas());
  Parsed p;
  MetsHandler handler(&p.doc, 1'000'000);
  p.outcome = ParseTwiceInParallel(&validating, &building, testing::StringSource(xml, &p.bytes_read), "big.xml",
                                   &handler, options);
  return p;
}

TEST(ParallelParseTest, ValidatesAndBuildsTheModelFromOneRead) {
  std::string xml = BigMets(30000);
  ASSERT_GT(xml.size(), 2u << 20);
  Parsed p = ParseBoth(xml);
  EXPECT_FALSE(p.outcome.HasErrors());
  EXPECT_TRUE(p.outcome.schema_validated);
  EXPECT_EQ(p.doc.files.size(), 30000u);
  EXPECT_EQ(p.doc.files.back().href, "data/29999");
  EXPECT_EQ(p.bytes_read, xml.size());
}

TEST(ParallelParseTest, ReportsTheValidatorsFindings) {
  Parsed p = ParseBoth(BigMets(20000, " COLOUR=\"red\""));
  EXPECT_TRUE(p.outcome.HasErrors());
  ASSERT_FALSE(p.outcome.issues.empty());
  EXPECT_NE(p.outcome.issues[0].message.find("COLOUR"), std::string::npos);
  EXPECT_EQ(p.doc.files.size(), 20000u);  // the model is built all the same
}

TEST(ParallelParseTest, StopsCleanlyWhenBothParsersStopEarly) {
  // A DOCTYPE stops both parsers at once; the reader must not hang, and
  // stops reading once both are done (at most the queued chunks, 2 MiB, more).
  std::string xml = "<?xml version=\"1.0\"?><!DOCTYPE m [<!ENTITY x \"y\">]>" + BigMets(80000);
  Parsed p = ParseBoth(xml);
  EXPECT_TRUE(p.outcome.doctype_refused);
  EXPECT_LT(p.bytes_read, xml.size());
  // A size limit stops both too.
  SaxOptions small;
  small.max_bytes = 100000;
  Parsed q = ParseBoth(BigMets(20000), small);
  EXPECT_TRUE(q.outcome.too_large);
}

TEST(ParallelParseTest, OneParserStoppingDoesNotStallTheOther) {
  // Many schema errors stop the validator at max_issues; the builder reads on.
  std::string xml = "<mets xmlns=\"http://www.loc.gov/METS/\">";
  for (int i = 0; i < 60000; ++i) xml += "<bogus n=\"" + std::to_string(i) + "\"/>";
  xml += "</mets>";
  SaxOptions options;
  options.max_issues = 5;
  Parsed p = ParseBoth(xml, options);
  EXPECT_TRUE(p.outcome.truncated_issues);
  EXPECT_EQ(p.bytes_read, xml.size());
}

}  // namespace
}  // namespace bevara::ingest
