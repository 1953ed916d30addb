// Queries that match many records (ranked and counted over a sample),
// stopwords, and the index's format. Real Xapian databases on disk.
#include <gtest/gtest.h>

#include <xapian.h>

#include <set>

#include "src/search/search_index.h"
#include "tests/test_util.h"

namespace bevara::search {
namespace {

constexpr char kToday[] = "2026-11-24";

IndexedRecord Numbered(int n, const std::string& text) {
  IndexedRecord r;
  r.package_id = "p" + std::to_string(n / 50);
  r.record_id = r.package_id + "-r" + std::to_string(n);
  r.id = RecordSearchId(r.package_id, r.record_id);
  r.version = 1;
  r.creator = n % 4 == 0 ? "Kommunstyrelsen" : "Byggnadsnämnden";
  r.title = "Handling " + std::to_string(n);
  r.record_type = "beslut";
  r.date = std::to_string(2000 + n % 25) + "-01-" + std::to_string(10 + n % 18);
  r.text = text;
  r.visible_from = kVisibleNow;
  r.access_state = "public";
  return r;
}

class BroadSearchTest : public ::testing::Test {
 protected:
  void Open() {
    auto index = SearchIndex::Open(Env::Default(), dir_.Join("index"));
    ASSERT_TRUE(index.ok()) << index.status().ToString();
    index_ = std::move(*index);
  }
  void SetUp() override { Open(); }
  // `n` records with "vanlig" in every text and "udda" in every other one.
  void PutMany(int n) {
    for (int i = 0; i < n; ++i) {
      ASSERT_TRUE(index_->Put(Numbered(i, i % 2 ? "vanlig udda" : "vanlig jämn"), kToday).ok());
    }
    ASSERT_TRUE(index_->Commit().ok());
  }
  SearchResult Search(SearchQuery q) {
    auto r = index_->Search(q, Audience::kPublic);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : SearchResult{};
  }
  static uint64_t CountOf(const SearchResult& r, const std::string& facet, const std::string& value) {
    for (const auto& [name, counts] : r.facets) {
      for (const FacetCount& c : counts) {
        if (name == facet && c.value == value) return c.count;
      }
    }
    return 0;
  }

  testing::TempDir dir_;
  std::unique_ptr<SearchIndex> index_;
};

TEST_F(BroadSearchTest, ABroadQueryIsRankedAndCountedOverASample) {
  PutMany(3000);
  SearchResult r = Search({.text = "vanlig"});
  EXPECT_TRUE(r.sampled);
  EXPECT_FALSE(r.exact);
  EXPECT_EQ(r.total, 3000u);  // one word: its record count is known exactly
  EXPECT_EQ(r.hits.size(), 20u);
  // A quarter of the records are the board's: the estimate from the sample is close.
  const uint64_t board = CountOf(r, "creator", "Kommunstyrelsen");
  EXPECT_GT(board, 600u);
  EXPECT_LT(board, 900u);
  // Pages of one sample do not repeat a hit.
  std::set<std::string> ids;
  for (uint32_t offset = 0; offset < 200; offset += 20) {
    for (const auto& h : Search({.text = "vanlig", .offset = offset}).hits) EXPECT_TRUE(ids.insert(h.id).second);
  }
  EXPECT_EQ(ids.size(), 200u);
  // A page past what the sample holds grows it until the page is full.
  EXPECT_EQ(Search({.text = "vanlig", .offset = 2900, .limit = 100}).hits.size(), 100u);
}

TEST_F(BroadSearchTest, ANarrowQueryStaysExact) {
  PutMany(3000);
  SearchResult r = Search({.text = "udda", .creator = "kommunstyrelsen"});  // odd and divisible by 4: none
  EXPECT_FALSE(r.sampled);
  EXPECT_TRUE(r.exact);
  EXPECT_EQ(r.total, 0u);
  r = Search({.text = "udda", .date_from = "2024-01-01"});  // n % 25 == 24 and odd: 60 records
  EXPECT_FALSE(r.sampled);
  EXPECT_EQ(r.total, 60u);
}

TEST_F(BroadSearchTest, BrowsingWithoutWordsListsTheNewestOfTheLatestArchived) {
  PutMany(3000);
  SearchResult r = Search({});
  EXPECT_TRUE(r.sampled);
  EXPECT_EQ(r.total, 3000u);
  ASSERT_EQ(r.hits.size(), 20u);
  for (size_t i = 1; i < r.hits.size(); ++i) {
    EXPECT_GE(r.hits[i - 1].Json()["date"].get<std::string>(), r.hits[i].Json()["date"].get<std::string>());
  }
  EXPECT_GT(CountOf(r, "creator", "Kommunstyrelsen"), 600u);
}

TEST_F(BroadSearchTest, StopwordsAreLeftOutOfQueriesButNotOfPhrases) {
  ASSERT_TRUE(index_->Put(Numbered(1, "beslut i fråga om bygglov"), kToday).ok());
  ASSERT_TRUE(index_->Put(Numbered(2, "beslut om bygglov och strandskydd"), kToday).ok());
  ASSERT_TRUE(index_->Commit().ok());
  EXPECT_EQ(Search({.text = "beslut om bygglov"}).total, 2u);  // "om" is not required
  EXPECT_EQ(Search({.text = "\"beslut om bygglov\""}).total, 1u);
  EXPECT_EQ(Search({.text = "och"}).total, 1u);  // nothing but stopwords: they are kept
}

TEST_F(BroadSearchTest, AWordInMostRecordsOfALargeIndexIsLeftOut) {
  PutMany(10000);
  // "vanlig" is in every record: the query is "udda" alone, with all its matches.
  SearchResult both = Search({.text = "vanlig udda"});
  SearchResult one = Search({.text = "udda"});
  EXPECT_EQ(both.total, one.total);
  ASSERT_EQ(both.hits.size(), one.hits.size());
  for (size_t i = 0; i < one.hits.size(); ++i) EXPECT_EQ(both.hits[i].id, one.hits[i].id);
  EXPECT_EQ(Search({.text = "vanlig"}).total, 10000u);  // alone, it is kept
}

TEST_F(BroadSearchTest, AnIndexOfAnotherFormatStartsOverEmpty) {
  ASSERT_TRUE(index_->Put(Numbered(1, "text"), kToday).ok());
  ASSERT_TRUE(index_->SetIndexedVersion("p0", 1).ok());
  ASSERT_TRUE(index_->Commit().ok());
  index_.reset();
  Open();
  EXPECT_EQ(*index_->Count(Audience::kArchive), 1u);  // the same format: kept
  index_.reset();
  {
    Xapian::WritableDatabase all(dir_.Join("index") + "/all", Xapian::DB_OPEN);
    all.set_metadata("format", "1");
    all.commit();
  }
  Open();
  EXPECT_EQ(*index_->Count(Audience::kArchive), 0u);
  EXPECT_EQ(*index_->Count(Audience::kPublic), 0u);
  EXPECT_EQ(*index_->IndexedVersion("p0"), 0u);
}

TEST_F(BroadSearchTest, ACompactedIndexAnswersTheSameAndTakesWrites) {
  PutMany(3000);
  const SearchResult before = Search({.text = "udda", .date_from = "2024-01-01"});
  index_.reset();
  ASSERT_TRUE(SearchIndex::Compact(Env::Default(), dir_.Join("index"), dir_.Join("compact")).ok());
  EXPECT_FALSE(SearchIndex::Compact(Env::Default(), dir_.Join("index"), dir_.Join("compact")).ok());  // never over an existing one
  auto compacted = SearchIndex::Open(Env::Default(), dir_.Join("compact"));
  ASSERT_TRUE(compacted.ok()) << compacted.status().ToString();
  index_ = std::move(*compacted);
  EXPECT_EQ(*index_->Count(Audience::kArchive), 3000u);  // the same format: not emptied
  const SearchResult after = Search({.text = "udda", .date_from = "2024-01-01"});
  EXPECT_EQ(after.total, before.total);
  ASSERT_TRUE(index_->Put(Numbered(5000, "udda efteråt"), kToday).ok());
  ASSERT_TRUE(index_->Commit().ok());
  EXPECT_EQ(Search({.text = "efteråt"}).total, 1u);
}

}  // namespace
}  // namespace bevara::search
