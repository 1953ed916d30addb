#include "src/access/access_decisions.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/test_util.h"

namespace bevara::access {
namespace {

using testing::TempDir;

TEST(AccessDecisions, TheLatestDecisionHoldsAndSurvivesATornLine) {
  TempDir dir;
  {
    auto d = AccessDecisions::Open(Env::Default(), dir.path());
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    ASSERT_TRUE((*d)->Record({"p1", "r1", "secret", "prövning", "tok", "2026-11-24T10:00:00.000Z"}).ok());
    ASSERT_TRUE((*d)->Record({"p1", "r1", "public", "utlämnas", "tok", "2026-11-24T11:00:00.000Z"}).ok());
    EXPECT_FALSE((*d)->Record({"p1", "r2", "open", "x", "tok", ""}).ok());
    EXPECT_FALSE((*d)->Record({"p1", "r2", "public", "", "tok", ""}).ok());
  }
  std::ofstream(dir.Join("access-decisions.jsonl"), std::ios::app) << "{\"package_id\":\"p1\",\"rec";  // a crash
  {
    auto d = AccessDecisions::Open(Env::Default(), dir.path());
    ASSERT_TRUE(d.ok());
    EXPECT_EQ((*d)->Find("p1", "r1")->state, "public");
    EXPECT_FALSE((*d)->Find("p1", "r2"));
    ASSERT_TRUE((*d)->Record({"p1", "r2", "restricted", "personuppgifter", "tok", ""}).ok());
  }
  auto d = AccessDecisions::Open(Env::Default(), dir.path());
  ASSERT_TRUE(d.ok());
  EXPECT_EQ((*d)->Find("p1", "r1")->reason, "utlämnas");
  ASSERT_TRUE((*d)->Find("p1", "r2"));
  EXPECT_EQ((*d)->Find("p1", "r2")->state, "restricted");
}

}  // namespace
}  // namespace bevara::access
