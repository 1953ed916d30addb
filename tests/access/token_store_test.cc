#include "src/access/token_store.h"

#include <gtest/gtest.h>

#include "src/common/digest.h"
#include "tests/server/server_fixture.h"
#include "tests/test_util.h"

namespace bevara::access {
namespace {

using testing::TempDir;

TEST(TokenStore, OnlyTheHashIsStoredAndTheSecretAuthenticates) {
  TempDir dir;
  auto store = TokenStore::Open(Env::Default(), dir.path());
  ASSERT_TRUE(store.ok());
  auto issued = (*store)->Create({Role::kEService, "212000-0001", "", "e-tjänst"});
  ASSERT_TRUE(issued.ok()) << issued.status().ToString();
  EXPECT_EQ(issued->secret.size(), 4u + 64u);
  std::string file = testing::ReadFile(dir.Join("tokens.jsonl"));
  EXPECT_EQ(file.find(issued->secret), std::string::npos);
  EXPECT_EQ(file.find(issued->secret.substr(4)), std::string::npos);
  EXPECT_NE(file.find(Sha256Hex(issued->secret)), std::string::npos);

  Principal who;
  EXPECT_EQ((*store)->Authenticate(issued->secret, "2026-01-01T00:00:00.000Z", &who), AuthOutcome::kOk);
  EXPECT_EQ(who.role, Role::kEService);
  EXPECT_EQ(who.producer, "212000-0001");
  std::string wrong = issued->secret;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  EXPECT_EQ((*store)->Authenticate(wrong, "2026-01-01T00:00:00.000Z", &who), AuthOutcome::kUnknown);
}

TEST(TokenStore, RevocationAndExpiryAreSeenByAnotherInstance) {
  TempDir dir;
  auto server = TokenStore::Open(Env::Default(), dir.path());
  auto cli = TokenStore::Open(Env::Default(), dir.path());
  auto a = (*cli)->Create({Role::kArchivist, "", "2026-06-30", ""});
  ASSERT_TRUE(a.ok());
  Principal who;
  EXPECT_EQ((*server)->Authenticate(a->secret, "2026-06-30T23:00:00.000Z", &who), AuthOutcome::kOk);
  EXPECT_EQ((*server)->Authenticate(a->secret, "2026-07-01T00:00:00.000Z", &who), AuthOutcome::kExpired);
  ASSERT_TRUE((*cli)->Revoke(a->info.id).ok());
  EXPECT_EQ((*server)->Authenticate(a->secret, "2026-06-01T00:00:00.000Z", &who), AuthOutcome::kRevoked);
  EXPECT_TRUE((*server)->Revoke("nope").IsNotFound());
}

TEST(TokenStore, RolesAndProducersMustFit) {
  TempDir dir;
  auto store = TokenStore::Open(Env::Default(), dir.path());
  EXPECT_FALSE((*store)->Create({Role::kEService, "", "", ""}).ok());
  EXPECT_FALSE((*store)->Create({Role::kArchivist, "212000-0001", "", ""}).ok());
  EXPECT_FALSE((*store)->Create({Role::kArchivist, "", "tomorrow", ""}).ok());
  EXPECT_FALSE((*store)->Create({Role::kArchivist, "", "2026-13-01", ""}).ok());
  EXPECT_EQ(*TokenStore::NormalizeExpiry("2027-01-31"), "2027-01-31T23:59:59.999Z");
  EXPECT_EQ(*TokenStore::NormalizeExpiry("2027-01-31T10:00:00Z"), "2027-01-31T10:00:00.000Z");
}

}  // namespace
}  // namespace bevara::access
