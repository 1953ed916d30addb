#include "src/search/docid_sample.h"

#include <gtest/gtest.h>

#include <vector>

namespace bevara::search {
namespace {

// The ids the source walks through with next().
std::vector<Xapian::docid> Walk(DocidSample s) {
  std::vector<Xapian::docid> ids;
  s.init(Xapian::Database());
  for (s.next(0); !s.at_end(); s.next(0)) ids.push_back(s.get_docid());
  return ids;
}

TEST(DocidSampleTest, TakesTheFirstPartOfEveryStride) {
  EXPECT_EQ(Walk(DocidSample(1, 10, 4, 2)), (std::vector<Xapian::docid>{1, 2, 5, 6, 9, 10}));
  EXPECT_EQ(Walk(DocidSample(3, 9, 3, 1)), (std::vector<Xapian::docid>{3, 6, 9}));
  EXPECT_EQ(DocidSample(1, 10, 4, 2).get_termfreq_est(), 6u);
  EXPECT_EQ(DocidSample(1, 11, 4, 2).get_termfreq_max(), 6u);  // 9, 10 — 11 is past the take
  EXPECT_EQ(DocidSample(1, 8, 4, 1).get_termfreq_est(), 2u);  // a quarter of the range
}

TEST(DocidSampleTest, AWindowIsEveryIdInRange) {
  EXPECT_EQ(Walk(DocidSample(5, 8, 4, 4)), (std::vector<Xapian::docid>{5, 6, 7, 8}));
  EXPECT_EQ(DocidSample(5, 8, 4, 4).get_termfreq_est(), 4u);  // all of it
}

TEST(DocidSampleTest, SkipToLandsOnTheNextSampledIdAndNeverGoesBack) {
  DocidSample s(1, 100, 10, 3);  // 1-3, 11-13, ...
  s.init(Xapian::Database());
  s.skip_to(5, 0);
  EXPECT_EQ(s.get_docid(), 11u);
  s.skip_to(12, 0);
  EXPECT_EQ(s.get_docid(), 12u);
  s.skip_to(2, 0);  // behind: stays
  EXPECT_EQ(s.get_docid(), 12u);
  s.skip_to(99, 0);
  EXPECT_TRUE(s.at_end());  // 91-93 was the last part
}

TEST(DocidSampleTest, LimitsAQueryToItsIds) {
  Xapian::WritableDatabase db(std::string(), Xapian::DB_BACKEND_INMEMORY);
  for (int i = 0; i < 40; ++i) {
    Xapian::Document doc;
    doc.add_term("ord");
    db.add_document(doc);
  }
  Xapian::Enquire enquire(db);
  enquire.set_query(Xapian::Query(Xapian::Query::OP_FILTER, Xapian::Query("ord"),
                                  Xapian::Query((new DocidSample(1, 40, 10, 2))->release())));
  Xapian::MSet mset = enquire.get_mset(0, 100);
  std::vector<Xapian::docid> ids;
  for (auto it = mset.begin(); it != mset.end(); ++it) ids.push_back(*it);
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(ids, (std::vector<Xapian::docid>{1, 2, 11, 12, 21, 22, 31, 32}));
}

}  // namespace
}  // namespace bevara::search
