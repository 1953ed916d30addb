#include "src/access/access_decisions.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/test_util.h"

namespace bevara::access {
namespace {

using testing::TempDir;

TEST(AccessDecisions, TheLatestDecisionHoldsAndSurvivesATornAppend) {
  TempDir dir;
  {
    auto d = AccessDecisions::Open(Env::Default(), dir.path());
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    ASSERT_TRUE((*d)->Record({"p1", "r1", "secret", "prövning", "tok", "2026-11-24T10:00:00.000Z", 1, {}}).ok());
    ASSERT_TRUE((*d)->Record({"p1", "r1", "public", "utlämnas", "tok", "2026-11-24T11:00:00.000Z", 1, {}}).ok());
    EXPECT_FALSE((*d)->Record({"p1", "r2", "open", "x", "tok", ""}).ok());
    EXPECT_FALSE((*d)->Record({"p1", "r2", "public", "", "tok", ""}).ok());
  }
  const std::string intact = testing::ReadFile(dir.Join("access-decisions.log"));
  std::ofstream(dir.Join("access-decisions.log"), std::ios::app) << "00000060 00000000 {\"package_id\":\"p1\",\"rec";  // a crash
  {
    auto d = AccessDecisions::Open(Env::Default(), dir.path());
    ASSERT_TRUE(d.ok());
    EXPECT_EQ((*d)->Find("p1", "r1")->state, "public");
    EXPECT_FALSE((*d)->Find("p1", "r2"));
    ASSERT_TRUE((*d)->Record({"p1", "r2", "restricted", "personuppgifter", "tok", "", 1, {}}).ok());
  }
  auto d = AccessDecisions::Open(Env::Default(), dir.path());
  ASSERT_TRUE(d.ok());
  EXPECT_EQ((*d)->Find("p1", "r1")->reason, "utlämnas");
  ASSERT_TRUE((*d)->Find("p1", "r2"));
  EXPECT_EQ((*d)->Find("p1", "r2")->state, "restricted");
}

// A decision that made a record secret must never quietly fall away.
TEST(AccessDecisions, DamageToTheDecisionsIsAnErrorNamingTheFile) {
  TempDir dir;
  {
    auto d = AccessDecisions::Open(Env::Default(), dir.path());
    ASSERT_TRUE((*d)->Record({"p1", "r1", "public", "prövad", "tok", "t1", 1, {}}).ok());
    ASSERT_TRUE((*d)->Record({"p1", "r1", "secret", "OSL 21 kap. 7 §", "tok", "t2", 1, {}}).ok());
  }
  const std::string intact = testing::ReadFile(dir.Join("access-decisions.log"));
  for (const std::string& damaged : {intact.substr(0, intact.size() - 3), intact.substr(0, intact.rfind("\n0000") + 1),
                                     intact.substr(0, intact.size() / 2) + "X" + intact.substr(intact.size() / 2 + 1)}) {
    testing::WriteFile(dir.Join("access-decisions.log"), damaged);
    auto d = AccessDecisions::Open(Env::Default(), dir.path());
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.status().code(), StatusCode::kCorruption);
    EXPECT_NE(d.status().message().find("access-decisions.log"), std::string::npos) << d.status().ToString();
  }
}

}  // namespace
}  // namespace bevara::access
