#include "src/search/personnummer.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace bevara::search {
namespace {

TEST(Personnummer, FindsTheWrittenForms) {
  for (const char* text : {"pnr 811218-9876 här", "19811218-9876", "811218+9876", "8112189876 (utan streck)",
                           "198112189876", "samordningsnummer 701263-2399"}) {
    EXPECT_TRUE(ContainsPersonnummer(text)) << text;
  }
}

TEST(Personnummer, LeavesOtherNumbersAlone) {
  for (const char* text : {"KS 2024-0012", "2024-11-24", "organisationsnummer 212000-0142", "tel 08-123 456 78",
                           "8112189875" /* Luhn fails */, "811318-9876" /* month 13 */, "1234567", "811218-98765",
                           "9811218-9876", "bygglov 3.2.1"}) {
    EXPECT_FALSE(ContainsPersonnummer(text)) << text;
  }
}

TEST(Personnummer, MasksDigitsAndKeepsTheRest) {
  std::string text = "Sökande 19811218-9876 och 8112189876, ärende KS 2024-0012.";
  EXPECT_EQ(MaskPersonnummer(&text), 2u);
  EXPECT_EQ(text, "Sökande XXXXXXXX-XXXX och XXXXXXXXXX, ärende KS 2024-0012.");
  EXPECT_FALSE(ContainsPersonnummer(text));
}


TEST(Personnummer, FindsEverydaySpellings) {
  for (const char* text : {
           "19121212\u20131212",          // en dash
           "19121212\u20111212",          // non-breaking hyphen
           "19121212\u22121212",          // minus sign
           "19121212 1212", "121212 1212", "121212\u00a01212",
           "19121212-\n1212",             // a hyphen at a line break
           "191212-\r\n1212",
           "1912 1212 1212",              // a kerning gap in a PDF text run
           "1912121 21212",
           "19121212\u00ad1212",          // soft hyphen
           "121212+1212",                 // over 100
           "19121212\u200b1212",          // zero-width space
       }) {
    EXPECT_TRUE(ContainsPersonnummer(text)) << text;
  }
}

TEST(Personnummer, MasksSpellingsWithTheirSeparators) {
  std::string text = "Part 19121212\u20131212 och 1912 1212 1212.";
  EXPECT_EQ(MaskPersonnummer(&text), 2u);
  EXPECT_EQ(text, "Part XXXXXXXX\u2013XXXX och XXXX XXXX XXXX.");
}

TEST(Personnummer, RawBytesInAnyEncodingAreSeen) {
  auto scan = [](const std::string& bytes, size_t piece) {
    RawPersonnummerScanner s;
    for (size_t i = 0; i < bytes.size(); i += piece) s.Feed(bytes.data() + i, std::min(piece, bytes.size() - i));
    return s.Finish();
  };
  std::string utf16;
  for (char c : std::string("Part 19121212-1212.")) utf16 += std::string{c, '\0'};
  const std::string cp1252 = "Part 19121212\x96" "1212.";
  const std::string html = "<p title=\"19121212-1212\">x</p><!-- 121212-1212 -->";
  const std::string long_prefix(200000, 'a');
  for (size_t piece : {1u, 7u, 4096u, 1u << 20}) {
    EXPECT_TRUE(scan(utf16, piece)) << piece;
    EXPECT_TRUE(scan(cp1252, piece)) << piece;
    EXPECT_TRUE(scan(html, piece)) << piece;
    EXPECT_TRUE(scan(long_prefix + "19121212-1212", piece)) << piece;  // past the first window
    EXPECT_FALSE(scan(long_prefix + "KS 2024-0012, 2024-11-24", piece)) << piece;
  }
}

}  // namespace
}  // namespace bevara::search

namespace bevara::search {
namespace {

TEST(IsPersonnummerTest, OneNumberWithARightCheckDigitAndNothingElse) {
  for (const char* yes : {"19121212-1212", "121212-1212", "191212121212", "121212+1212", "19121272-1219"}) {
    EXPECT_TRUE(IsPersonnummer(yes)) << yes;
  }
  for (const char* no : {"19121212-1213", "121212 1212", "121212-121", "tel 121212-1212", "", "12121-21212x",
                         "17121212-1212", "121312-1212"}) {
    EXPECT_FALSE(IsPersonnummer(no)) << no;
  }
}

}  // namespace
}  // namespace bevara::search
