#include "src/search/search_index.h"

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace bevara::search {
namespace {

constexpr char kToday[] = "2026-11-24";

IndexedRecord Record(const std::string& package, int n, const std::string& title, const std::string& text,
                     const std::string& visible_from = kVisibleNow) {
  IndexedRecord r;
  r.package_id = package;
  r.record_id = package + "-r" + std::to_string(n);
  r.id = RecordSearchId(r.package_id, r.record_id);
  r.version = 1;
  r.case_number = package == "p1" ? "KS 2024-0012" : "BN 2023-0450";
  r.case_title = "Ansökan om bygglov";
  r.creator = package == "p1" ? "Exempelby kommun" : "Byggnadsnämnden";
  r.classification_code = package == "p1" ? "3.2.1" : "4.1";
  r.title = title;
  r.record_type = n % 2 ? "beslut" : "ansökan";
  r.direction = n % 2 ? "outgoing" : "incoming";
  r.date = "2024-0" + std::to_string(1 + n % 9) + "-15";
  r.text = text;
  r.visible_from = visible_from;
  r.access_state = visible_from == kVisibleNow ? "public" : "secret";
  return r;
}

class SearchIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto index = SearchIndex::Open(Env::Default(), dir_.Join("index"));
    ASSERT_TRUE(index.ok()) << index.status().ToString();
    index_ = std::move(*index);
  }
  void Put(const IndexedRecord& r) { ASSERT_TRUE(index_->Put(r, kToday).ok()); }
  SearchResult Search(SearchQuery q, Audience audience = Audience::kArchive) {
    auto r = index_->Search(q, audience);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : SearchResult{};
  }
  static std::vector<std::string> Titles(const SearchResult& r) {
    std::vector<std::string> out;
    for (const auto& h : r.hits) out.push_back(h.Json().value("title", ""));
    return out;
  }

  testing::TempDir dir_;
  std::unique_ptr<SearchIndex> index_;
};

TEST_F(SearchIndexTest, NothingIsSearchableBeforeCommit) {
  Put(Record("p1", 1, "Beslut", "beviljas"));
  EXPECT_EQ(Search({.text = "beviljas"}).total, 0u);
  ASSERT_TRUE(index_->Commit().ok());
  EXPECT_EQ(Search({.text = "beviljas"}).total, 1u);
}

TEST_F(SearchIndexTest, SwedishStemmingPhrasesAndTitles) {
  Put(Record("p1", 1, "Beslutet om bygglov", "Nämnden beviljar bygglovet för fastigheten Åby 1:2."));
  Put(Record("p1", 2, "Grannyttrande", "Grannen motsätter sig att bygglov beviljas."));
  ASSERT_TRUE(index_->Commit().ok());
  EXPECT_EQ(Search({.text = "beviljade"}).total, 2u);  // "beviljar", "beviljas" and "beviljade" stem to "bevilj"
  EXPECT_EQ(Search({.text = "beslutet"}).total, 1u);
  EXPECT_EQ(Search({.text = "\"bygglov beviljas\""}).total, 1u);
  EXPECT_EQ(Search({.text = "title:grannyttrande"}).total, 1u);
  EXPECT_EQ(Search({.text = "bygglov -grannen"}).total, 1u);
  SearchResult r = Search({.text = "fastigheten"});
  ASSERT_EQ(r.hits.size(), 1u);
  EXPECT_NE(r.hits[0].snippet.find("<mark>fastigheten</mark>"), std::string::npos) << r.hits[0].snippet;
}

TEST_F(SearchIndexTest, FieldFiltersDatesFacetsAndPages) {
  for (int n = 1; n <= 9; ++n) Put(Record(n <= 6 ? "p1" : "p2", n, "Handling " + std::to_string(n), "text"));
  ASSERT_TRUE(index_->Commit().ok());
  EXPECT_EQ(Search({.case_number = "ks 2024-0012"}).total, 6u);  // case-insensitive
  EXPECT_EQ(Search({.creator = "Byggnadsnämnden"}).total, 3u);
  EXPECT_EQ(Search({.classification = "3.2.1", .record_type = "beslut"}).total, 3u);
  EXPECT_EQ(Search({.date_from = "2024-03-01", .date_to = "2024-05-31"}).total, 3u);  // months 3, 4, 5
  SearchResult all = Search({.text = "text"});
  ASSERT_FALSE(all.facets.empty());
  for (const auto& [name, counts] : all.facets) {
    if (name != "creator") continue;
    ASSERT_EQ(counts.size(), 2u);
    EXPECT_EQ(counts[0].value, "Exempelby kommun");
    EXPECT_EQ(counts[0].count, 6u);
    EXPECT_EQ(counts[1].count, 3u);
  }
  // Pages cover every hit exactly once.
  std::set<std::string> seen;
  for (uint32_t offset = 0; offset < 9; offset += 4) {
    for (const auto& h : Search({.text = "text", .offset = offset, .limit = 4}).hits) seen.insert(h.id);
  }
  EXPECT_EQ(seen.size(), 9u);
}

TEST_F(SearchIndexTest, ThePublicIndexHoldsOnlyVisibleRecordsAndMasksIdentityNumbers) {
  Put(Record("p1", 1, "Öppet beslut", "Sökande 19811218-9876 får bygglov."));
  Put(Record("p1", 2, "Utredning", "hemligtord socialtjänst", kNeverVisible));
  Put(Record("p1", 3, "Utredning", "senareord", "2030-01-01"));
  ASSERT_TRUE(index_->Commit().ok());
  EXPECT_EQ(Search({.text = "hemligtord"}).total, 1u);
  EXPECT_EQ(Search({.text = "hemligtord"}, Audience::kPublic).total, 0u);
  EXPECT_EQ(Search({.text = "senareord"}, Audience::kPublic).total, 0u);
  SearchResult everything = Search({}, Audience::kPublic);
  EXPECT_EQ(everything.total, 1u);
  for (const auto& [name, counts] : everything.facets) {
    for (const FacetCount& c : counts) EXPECT_EQ(c.count, 1u) << name << " " << c.value;
  }
  auto pub = Search({.text = "bygglov"}, Audience::kPublic);
  ASSERT_EQ(pub.hits.size(), 1u);
  EXPECT_NE(pub.hits[0].snippet.find("XXXXXXXX-XXXX"), std::string::npos);
  EXPECT_EQ(pub.hits[0].Json().dump().find("9876"), std::string::npos);
  EXPECT_EQ(Search({.text = "19811218"}, Audience::kPublic).total, 0u);
  EXPECT_FALSE(pub.hits[0].Json().contains("access"));

  IndexedRecord secret = Record("p1", 2, "Utredning", "");
  auto found = index_->Find(secret.id, Audience::kPublic);
  ASSERT_TRUE(found.ok());
  EXPECT_FALSE(found->has_value());
  found = index_->Find(secret.id, Audience::kArchive);
  ASSERT_TRUE(found.ok());
  EXPECT_TRUE(found->has_value());
}

TEST_F(SearchIndexTest, PutMovesARecordInAndOutOfPublicView) {
  IndexedRecord r = Record("p1", 1, "Beslut", "flyttord");
  Put(r);
  ASSERT_TRUE(index_->Commit().ok());
  EXPECT_EQ(Search({.text = "flyttord"}, Audience::kPublic).total, 1u);
  r.visible_from = kNeverVisible;
  Put(r);
  ASSERT_TRUE(index_->Commit().ok());
  EXPECT_EQ(Search({.text = "flyttord"}, Audience::kPublic).total, 0u);
  EXPECT_EQ(Search({.text = "flyttord"}).total, 1u);
  ASSERT_TRUE(index_->DeletePackage("p1").ok());
  ASSERT_TRUE(index_->Commit().ok());
  EXPECT_EQ(Search({.text = "flyttord"}).total, 0u);
}

TEST_F(SearchIndexTest, PackagesBecomingVisibleAfterTheLastPromotion) {
  Put(Record("p1", 1, "Utredning", "x", "2026-11-26"));
  Put(Record("p2", 2, "Utredning", "x", "2026-12-24"));
  ASSERT_TRUE(index_->SetPromotedThrough(kToday).ok());
  ASSERT_TRUE(index_->Commit().ok());
  auto due = index_->PackagesBecomingVisible("2026-11-25");
  ASSERT_TRUE(due.ok());
  EXPECT_TRUE(due->empty());
  due = index_->PackagesBecomingVisible("2026-11-30");
  ASSERT_TRUE(due.ok());
  EXPECT_EQ(*due, std::vector<std::string>{"p1"});
  ASSERT_TRUE(index_->SetPromotedThrough("2026-11-30").ok());
  due = index_->PackagesBecomingVisible("2026-11-30");
  EXPECT_TRUE(due.ok() && due->empty());
}

TEST_F(SearchIndexTest, BadQueriesAreInvalidArguments) {
  auto r = index_->Search({.text = "\"unterminated AND ("}, Audience::kPublic);
  // Xapian's parser forgives most input; what it refuses is a 400, never a crash.
  if (!r.ok()) {
    EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  }
}

TEST_F(SearchIndexTest, ASecondWriterIsRefused) {
  auto second = SearchIndex::Open(Env::Default(), dir_.Join("index"));
  EXPECT_FALSE(second.ok());
}

}  // namespace
}  // namespace bevara::search
