#include "src/search/facet_counter.h"

#include <gtest/gtest.h>

namespace bevara::search {
namespace {

Xapian::Document WithFacets(const std::string& creator, const std::string& year) {
  Xapian::Document doc;
  const std::string sep(1, kFacetSeparator);
  doc.add_value(kSlotFacets, creator + sep + "1.1" + sep + "beslut" + sep + year + sep + "incoming" + sep);
  return doc;
}

TEST(FacetCounterTest, CountsEachFieldOfThePackedValue) {
  FacetCounter counter;
  counter(WithFacets("Nämnd A", "2024"), 0);
  counter(WithFacets("Nämnd B", "2024"), 0);
  counter(WithFacets("Nämnd A", ""), 0);  // no date: no year counted
  EXPECT_EQ(counter.counted(), 3u);
  auto creators = counter.Top(kFacetCreator, 10, 1.0);
  ASSERT_EQ(creators.size(), 2u);
  EXPECT_EQ(creators[0].value, "Nämnd A");
  EXPECT_EQ(creators[0].count, 2u);
  EXPECT_EQ(creators[1].value, "Nämnd B");
  auto years = counter.Top(kFacetYear, 10, 1.0);
  ASSERT_EQ(years.size(), 1u);
  EXPECT_EQ(years[0].count, 2u);
  EXPECT_TRUE(counter.Top(kFacetAccessState, 10, 1.0).empty());  // empty field
  EXPECT_EQ(counter.Top(kFacetRecordType, 10, 1.0)[0].count, 3u);
}

TEST(FacetCounterTest, CountsAboutOneInNAndScales) {
  // Every 4th record is the board's: a counter taking every 4th match
  // would see only those, or none. One chosen by id is not fooled.
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  for (int i = 0; i < 4000; ++i) db.add_document(WithFacets(i % 4 == 0 ? "Nämnd A" : "Nämnd B", "2020"));
  FacetCounter counter(4);
  for (Xapian::docid id = 1; id <= 4000; ++id) counter(db.get_document(id), 0);
  EXPECT_GT(counter.counted(), 800u);
  EXPECT_LT(counter.counted(), 1200u);
  const double scale = 4000.0 / counter.counted();
  for (const FacetCount& c : counter.Top(kFacetCreator, 10, scale)) {
    EXPECT_NEAR(c.count, c.value == "Nämnd A" ? 1000 : 3000, 150) << c.value;
  }
  EXPECT_EQ(counter.Top(kFacetCreator, 10, scale).size(), 2u);
  counter.Reset(1);
  EXPECT_EQ(counter.counted(), 0u);
  EXPECT_TRUE(counter.Top(kFacetCreator, 10, 1.0).empty());
}

TEST(FacetCounterTest, KeepsTheMostFrequentValues) {
  FacetCounter counter;
  for (int v = 0; v < 30; ++v) {
    for (int i = 0; i <= v; ++i) counter(WithFacets("N" + std::to_string(v), "2020"), 0);
  }
  auto top = counter.Top(kFacetCreator, 3, 1.0);
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[0].value, "N29");
  EXPECT_EQ(top[2].value, "N27");
}

}  // namespace
}  // namespace bevara::search
