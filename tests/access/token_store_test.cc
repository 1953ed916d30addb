#include "src/access/token_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

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
  std::string file = testing::ReadFile(dir.Join("tokens.log"));
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

// A revocation must never be lost quietly: damage to the token log stops
// the store from opening (and a server that finds it can no longer read
// the log authenticates no one), naming the file.
TEST(TokenStore, DamageToTheTokenLogIsAnErrorAndATornTailIsSetAside) {
  TempDir dir;
  std::string secret;
  {
    auto store = TokenStore::Open(Env::Default(), dir.path());
    auto a = (*store)->Create({Role::kArchivist, "", "", "a"});
    auto b = (*store)->Create({Role::kArchivist, "", "", "b"});
    ASSERT_TRUE(a.ok() && b.ok());
    secret = a->secret;
    ASSERT_TRUE((*store)->Revoke(a->info.id).ok());
  }
  const std::string intact = testing::ReadFile(dir.Join("tokens.log"));
  // The revocation cut off.
  testing::WriteFile(dir.Join("tokens.log"), intact.substr(0, intact.rfind("\n0000") + 1));
  auto cut = TokenStore::Open(Env::Default(), dir.path());
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.status().message().find("tokens.log"), std::string::npos) << cut.status().ToString();
  // A byte changed.
  std::string flipped = intact;
  flipped[intact.size() / 2] ^= 0x01;
  testing::WriteFile(dir.Join("tokens.log"), flipped);
  EXPECT_EQ(TokenStore::Open(Env::Default(), dir.path()).status().code(), StatusCode::kCorruption);
  // A torn append after the acknowledged end: set aside, the rest holds.
  testing::WriteFile(dir.Join("tokens.log"), intact + "00000099 00000000 {\"op\":\"cre");
  auto store = TokenStore::Open(Env::Default(), dir.path());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  Principal who;
  EXPECT_EQ((*store)->Authenticate(secret, "2026-01-01T00:00:00.000Z", &who), AuthOutcome::kRevoked);
}

TEST(TokenStore, AServerThatCannotReadNewChangesAuthenticatesNoOne) {
  TempDir dir;
  auto server = TokenStore::Open(Env::Default(), dir.path());
  auto a = (*server)->Create({Role::kArchivist, "", "", ""});
  ASSERT_TRUE(a.ok());
  Principal who;
  EXPECT_EQ((*server)->Authenticate(a->secret, "2026-01-01T00:00:00.000Z", &who), AuthOutcome::kOk);
  // `bevara token revoke` beside it, and then the revocation's bytes damaged.
  const size_t before = testing::ReadFile(dir.Join("tokens.log")).size();
  {
    auto cli = TokenStore::Open(Env::Default(), dir.path());
    ASSERT_TRUE((*cli)->Revoke(a->info.id).ok());
  }
  std::string log = testing::ReadFile(dir.Join("tokens.log"));
  log[before + 30] ^= 0x02;
  testing::WriteFile(dir.Join("tokens.log"), log);
  EXPECT_EQ((*server)->Authenticate(a->secret, "2026-01-01T00:00:00.000Z", &who), AuthOutcome::kUnknown);
  // And a head that vanished under a running server is no licence either.
  log[before + 30] ^= 0x02;
  testing::WriteFile(dir.Join("tokens.log"), log + "00000010 00000000 {\"op\":\"revoke\"}\n");
  std::filesystem::remove(dir.Join("tokens.log.head"));
  EXPECT_EQ((*server)->Authenticate(a->secret, "2026-01-01T00:00:00.000Z", &who), AuthOutcome::kUnknown);
}

}  // namespace
}  // namespace bevara::access
