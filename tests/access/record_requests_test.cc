#include "src/access/record_requests.h"

#include <gtest/gtest.h>

#include <fstream>

#include "tests/test_util.h"

namespace bevara::access {
namespace {

const std::string kRecord = "r0123456789abcdef01234567";

TEST(RecordRequests, SurviveReopenWithTheirDecisionsAndOnlyTheTokenFindsThem) {
  testing::TempDir dir;
  std::string token, id;
  {
    auto requests = RecordRequests::Open(Env::Default(), dir.path());
    ASSERT_TRUE(requests.ok());
    auto created = (*requests)->Create({{kRecord}, "", "beslutet", "a@b.se"}, "2026-11-24T10:00:00Z");
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    id = created->first.id;
    token = created->second;
    EXPECT_TRUE(created->first.open());
    auto decided = (*requests)->Decide(id, {kRecord, "deny", "OSL 26 kap. 1 §", {"x"}, "t1", "2026-11-24T11:00:00Z"});
    ASSERT_TRUE(decided.ok());
    EXPECT_FALSE(decided->open());
    EXPECT_TRUE(decided->decisions.at(kRecord).files.empty()) << "a denial releases nothing";
  }
  // Nothing but the digest of the token is stored.
  std::ifstream in(dir.Join("requests.log"));
  std::string text((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(text.find(token), std::string::npos);
  std::ofstream(dir.Join("requests.log"), std::ios::app) << "00000070 00000000 {\"type\":\"decision\",\"request\":\"" << id;  // torn

  auto reopened = RecordRequests::Open(Env::Default(), dir.path());
  ASSERT_TRUE(reopened.ok());
  auto found = (*reopened)->FindByToken(token);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(found->id, id);
  EXPECT_EQ(found->decisions.at(kRecord).decision, "deny");
  std::string other = token;
  other[10] = other[10] == 'a' ? 'b' : 'a';
  EXPECT_FALSE((*reopened)->FindByToken(other).has_value());
  EXPECT_FALSE((*reopened)->FindByToken(id).has_value());
  // After the torn append, appends still work and read back.
  ASSERT_TRUE((*reopened)->Decide(id, {kRecord, "release", "", {"f"}, "t1", "now"}).ok());
  auto again = RecordRequests::Open(Env::Default(), dir.path());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ((*again)->Find(id)->decisions.at(kRecord).decision, "release");
}

TEST(RecordRequests, RefuseWhatIsIncomplete) {
  testing::TempDir dir;
  auto requests = RecordRequests::Open(Env::Default(), dir.path());
  ASSERT_TRUE(requests.ok());
  auto& r = **requests;
  EXPECT_FALSE(r.Create({{}, "", "d", "c"}, "now").ok());
  EXPECT_FALSE(r.Create({{"R0123456789ABCDEF01234567"}, "", "d", "c"}, "now").ok());
  EXPECT_FALSE(r.Create({{kRecord}, "", "", "c"}, "now").ok());
  EXPECT_FALSE(r.Create({{kRecord}, "", "d", ""}, "now").ok());
  auto ok = r.Create({{}, "KS 2024-12", "d", "c"}, "now");
  ASSERT_TRUE(ok.ok());
  EXPECT_FALSE(r.Decide(ok->first.id, {kRecord, "partial", "", {"f"}, "", ""}).ok());
  EXPECT_FALSE(r.Decide(ok->first.id, {kRecord, "partial", "maskerat", {}, "", ""}).ok());
  EXPECT_FALSE(r.Decide(ok->first.id, {kRecord, "maybe", "", {}, "", ""}).ok());
  EXPECT_TRUE(r.Decide("req-none", {kRecord, "release", "", {}, "", ""}).status().IsNotFound());
  EXPECT_EQ(r.List(true).size(), 1u);
}

}  // namespace
}  // namespace bevara::access
