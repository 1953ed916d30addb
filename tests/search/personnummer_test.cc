#include "src/search/personnummer.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace bevara::search
