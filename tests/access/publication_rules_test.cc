#include "src/access/publication_rules.h"

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace bevara::access {
namespace {

using testing::TempDir;

PublicationRule Rule(const std::string& creator) {
  PublicationRule r;
  r.creator = creator;
  r.reason = "protokoll publiceras";
  r.by = "tok";
  return r;
}

TEST(PublicationRules, MatchWhatTheySayAndNothingMore) {
  PublicationRule r = Rule("Exempelby kommun");
  r.classification_code = "3.2.";
  r.record_type = "protokoll";
  r.date_from = "2015-01-01";
  r.date_to = "2020-12-31";
  EXPECT_TRUE(RuleMatches(r, {"Exempelby kommun", "3.2.1", "protokoll", "2016-05-01"}));
  EXPECT_FALSE(RuleMatches(r, {"exempelby kommun", "3.2.1", "protokoll", "2016-05-01"}));  // exactly
  EXPECT_FALSE(RuleMatches(r, {"Exempelby kommun", "3.20.1", "protokoll", "2016-05-01"}));
  EXPECT_FALSE(RuleMatches(r, {"Exempelby kommun", "3.2.1", "skrivelse", "2016-05-01"}));
  EXPECT_FALSE(RuleMatches(r, {"Exempelby kommun", "3.2.1", "protokoll", "2021-01-01"}));
  EXPECT_FALSE(RuleMatches(r, {"Exempelby kommun", "3.2.1", "protokoll", ""}));  // no date: not in a range
  PublicationRule no_creator = Rule("");
  EXPECT_FALSE(RuleMatches(no_creator, {"", "", "", ""}));
}

TEST(PublicationRules, AreKeptAndRevokedDurably) {
  TempDir dir;
  std::string id;
  {
    auto rules = PublicationRules::Open(Env::Default(), dir.path()).value();
    EXPECT_FALSE(rules->Add(Rule(""), "t").ok()) << "an unlimited rule is refused";
    PublicationRule no_reason = Rule("K");
    no_reason.reason.clear();
    EXPECT_FALSE(rules->Add(no_reason, "t").ok());
    PublicationRule bad_date = Rule("K");
    bad_date.date_from = "2015";
    EXPECT_FALSE(rules->Add(bad_date, "t").ok());
    auto added = rules->Add(Rule("K"), "2026-11-30T10:00:00Z");
    ASSERT_TRUE(added.ok()) << added.status().ToString();
    id = added->id;
    EXPECT_TRUE(rules->Match({"K", "", "", ""}).has_value());
  }
  {
    auto rules = PublicationRules::Open(Env::Default(), dir.path()).value();
    ASSERT_TRUE(rules->Find(id).has_value());
    EXPECT_TRUE(rules->Find(id)->active());
    ASSERT_TRUE(rules->Revoke(id, "tok2", "2026-11-30T11:00:00Z").ok());
    EXPECT_FALSE(rules->Match({"K", "", "", ""}).has_value());
    EXPECT_EQ(rules->Revoke("rule-nope", "t", "t").status().code(), StatusCode::kNotFound);
  }
  auto rules = PublicationRules::Open(Env::Default(), dir.path()).value();
  EXPECT_FALSE(rules->Find(id)->active());
  EXPECT_EQ(rules->Find(id)->revoked_by, "tok2");
}

}  // namespace
}  // namespace bevara::access
