#include "src/search/snippet.h"

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
  const std::string source(SnippetSource(text, {"bygglov", "strandskydd"}));  // capitalised in the text
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

TEST(SnippetTest, WildcardWordsComeFromTheQueryText) {
  const auto words = QueryWords(Xapian::Query("Zbevilj"), "title:Bygg* beviljat \"strand skydd\" -riv*");
  EXPECT_EQ(words, (std::vector<std::string>{"bygg*", "riv*", "bevilj"}));
}

TEST(SnippetTest, MarksQueryWordsTheirInflectionsAndWildcards) {
  const Xapian::Stem sv("swedish");
  // Swedish Snowball: beviljade, bevilja -> bevilj; bygglovs -> bygglov; bygglovet -> bygglovet.
  EXPECT_EQ(MakeSnippet(sv, {"bevilj", "bygglov"}, "Nämnden beviljade bygglovs... Bygglov BYGGLOV bygglovet."),
            "Nämnden <mark>beviljade</mark> <mark>bygglovs</mark>... <mark>Bygglov</mark> <mark>BYGGLOV</mark> bygglovet.");
  EXPECT_EQ(MakeSnippet(sv, {"bygg*"}, "Ett byggnadsärende om Byggnaden, inte om ombyggnad."),
            "Ett <mark>byggnadsärende</mark> om <mark>Byggnaden</mark>, inte om ombyggnad.");
  EXPECT_EQ(MakeSnippet(sv, {sv("ärende")}, "Ärenden och ärende, men inte ärendet eller ärlig."),
            "<mark>Ärenden</mark> och <mark>ärende</mark>, men inte ärendet eller ärlig.");
}

TEST(SnippetTest, EscapesHtmlAndMarksWhereTextIsLeftOut) {
  const Xapian::Stem sv("swedish");
  EXPECT_EQ(MakeSnippet(sv, {"villkor"}, "<b>Villkor</b> & \"krav\""),
            "&lt;b&gt;<mark>Villkor</mark>&lt;/b&gt; &amp; &quot;krav&quot;");
  const std::string text = Filler(2000) + "beslutet om strandskydd gäller " + Filler(2000);
  const std::string snippet = MakeSnippet(sv, {"strandskydd"}, text);
  EXPECT_EQ(snippet.rfind("…", 0), 0u) << snippet;  // begins with an ellipsis
  EXPECT_TRUE(snippet.ends_with("…")) << snippet;
  EXPECT_NE(snippet.find("beslutet om <mark>strandskydd</mark> gäller"), std::string::npos) << snippet;
  EXPECT_LE(snippet.size(), kSnippetBytes + 2 * std::string("…").size() + std::string("<mark></mark>").size());
  // No query word in the text: its start.
  EXPECT_EQ(MakeSnippet(sv, {"saknas"}, "kort text"), "kort text");
  EXPECT_EQ(MakeSnippet(sv, {"saknas"}, ""), "");
}

}  // namespace
}  // namespace bevara::search
