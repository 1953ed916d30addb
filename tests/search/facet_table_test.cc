#include "src/search/facet_table.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "src/search/facet_counter.h"
#include "src/search/record_document.h"

namespace bevara::search {
namespace {

std::string Packed(const std::string& creator, const std::string& year) {
  const std::string sep(1, kFacetSeparator);
  return creator + sep + "1.1" + sep + "beslut" + sep + year + sep + "incoming" + sep;
}

TEST(FacetTableTest, LoadsEveryDocumentsValueAndFollowsChanges) {
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  for (int i = 0; i < 10; ++i) {
    Xapian::Document doc;
    if (i != 4) doc.add_value(kSlotFacets, Packed(i % 2 ? "Nämnd A" : "Nämnd B", "2020"));
    db.add_document(doc);
  }
  FacetTable table;
  table.Load(db);
  EXPECT_EQ(table.Packed(table.Find(2)), Packed("Nämnd A", "2020"));
  EXPECT_EQ(table.Packed(table.Find(1)), Packed("Nämnd B", "2020"));
  EXPECT_EQ(table.Find(1), table.Find(3));  // one copy of each distinct value
  EXPECT_EQ(table.Find(5), 0u);             // document 5 has no value
  EXPECT_EQ(table.Find(11), 0u);            // nor is there a document 11
  EXPECT_EQ(table.Find(4000000000u), 0u);   // far past anything set

  table.Set(2, Packed("Nämnd C", "2021"));
  table.Set(4000000000u, Packed("Nämnd D", "2022"));
  EXPECT_EQ(table.Packed(table.Find(2)), Packed("Nämnd C", "2021"));
  EXPECT_EQ(table.Packed(table.Find(4000000000u)), Packed("Nämnd D", "2022"));
}

TEST(FacetTableTest, ReadersSeeWhatTheWriterSetsWhileItGrows) {
  FacetTable table;
  std::atomic<Xapian::docid> published{0};
  std::atomic<bool> wrong{false};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      for (Xapian::docid seen = 0; seen < 200000;) {
        seen = published.load(std::memory_order_acquire);
        for (Xapian::docid d = seen; d > 0 && d + 50 > seen; --d) {
          const uint32_t id = table.Find(d);
          if (id == 0 || table.Packed(id) != Packed("N" + std::to_string(d % 5000), "2020")) wrong = true;
        }
      }
    });
  }
  // Documents in chunks of 65,536 and 5,000 distinct values in chunks of
  // 4,096: both directories grow while the readers read.
  for (Xapian::docid d = 1; d <= 200000; ++d) {
    table.Set(d, Packed("N" + std::to_string(d % 5000), "2020"));
    published.store(d, std::memory_order_release);
  }
  for (auto& r : readers) r.join();
  EXPECT_FALSE(wrong);
}

TEST(FacetTableTest, CountsFromTheTableEqualCountsFromTheIndex) {
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  for (int i = 0; i < 3000; ++i) {
    Xapian::Document doc;
    doc.add_value(kSlotFacets, Packed("Nämnd " + std::to_string(i % 7), std::to_string(2000 + i % 13)));
    db.add_document(doc);
  }
  FacetTable table, empty;
  table.Load(db);
  FacetCounter from_index(3), from_table(3, &table), not_in_table(3, &empty);
  for (Xapian::docid d = 1; d <= 3000; ++d) {
    for (FacetCounter* c : {&from_index, &from_table, &not_in_table}) (*c)(db.get_document(d), 0);
  }
  ASSERT_GT(from_index.counted(), 0u);
  for (FacetField f : {kFacetCreator, kFacetYear, kFacetRecordType}) {
    const auto expected = from_index.Top(f, 20, 1.0);
    for (const FacetCounter* c : {&from_table, &not_in_table}) {
      const auto got = c->Top(f, 20, 1.0);
      ASSERT_EQ(got.size(), expected.size());
      for (size_t i = 0; i < got.size(); ++i) {
        EXPECT_EQ(got[i].value, expected[i].value);
        EXPECT_EQ(got[i].count, expected[i].count);
      }
    }
  }
}

TEST(FacetTableTest, TheTablesNewerValueIsCounted) {
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  Xapian::Document doc;
  doc.add_value(kSlotFacets, Packed("Nämnd A", "2020"));
  db.add_document(doc);
  FacetTable table;
  table.Load(db);
  table.Set(1, Packed("Nämnd B", "2021"));  // as Put does before the commit a reader will see
  FacetCounter counter(1, &table);
  counter(db.get_document(1), 0);
  ASSERT_EQ(counter.Top(kFacetCreator, 10, 1.0).size(), 1u);
  EXPECT_EQ(counter.Top(kFacetCreator, 10, 1.0)[0].value, "Nämnd B");
}

}  // namespace
}  // namespace bevara::search
