#include "search/snippet.h"

#include <gtest/gtest.h>

namespace bevara::search {
namespace {

std::string Filler(size_t bytes) {
  std::string s;
  while (s.size() < bytes) s += "nämnden har behandlat ärendet ";
  return s;
}

TEST(SnippetTest, QueryWordsAreStemsAndPlainWordsNotFilters) {
  Xapian::Query q(Xapian::Query::OP_FILTER,
                  Xapian::Query(Xapian::Query::OP_AND, Xapian::Query("Zbevilj"), Xapian::Query("bygglov")),
                  Xapian::Query("XCkommunstyrelsen"));
  EXPECT_EQ(QueryWords(q), (std::vector<std::string>{"bevilj", "bygglov"}));
}

TEST(SnippetTest, AShortTextIsUsedWhole) {
  EXPECT_EQ(SnippetSource("kort text", {"text"}), "kort text");
}

TEST(SnippetTest, ALongTextIsCutAroundTheFirstWordFound) {
  const std::string text = Filler(20000) + "Strandskyddet upphävs. " + Filler(20000);
  const std::string source = SnippetSource(text, {"bygglov", "strandskydd"});  // capitalised in the text
  EXPECT_LE(source.size(), kSnippetWindowBytes);
  EXPECT_NE(source.find("Strandskyddet upphävs."), std::string::npos);
  EXPECT_NE(source.front(), ' ');
  EXPECT_EQ(text.find(source) != std::string::npos, true);  // whole words, cut at character boundaries
}

TEST(SnippetTest, ALongTextWithoutTheWordsGivesItsStart) {
  const std::string text = Filler(40000);
  EXPECT_EQ(SnippetSource(text, {"saknas"}), text.substr(0, SnippetSource(text, {"saknas"}).size()));
}

TEST(SnippetTest, SwedishCapitalsAreFound) {
  const std::string text = Filler(10000) + "Ärendenummer KS 2024/12 " + Filler(10000);
  EXPECT_NE(SnippetSource(text, {"ärendenummer"}).find("Ärendenummer"), std::string::npos);
}

}  // namespace
}  // namespace bevara::search
