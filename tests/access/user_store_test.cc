#include "src/access/user_store.h"

#include <gtest/gtest.h>

#include "src/access/totp.h"
#include "tests/test_util.h"

namespace bevara::access {
namespace {

using testing::TempDir;

constexpr uint64_t kNow = 1'900'000'000;

std::string Code(const UserInfo& u, uint64_t at = kNow) { return *TotpCode(u.totp_secret, at / 30); }

UserInfo Find(UserStore* store, const std::string& name) {
  auto all = store->List();
  if (!all.ok()) return {};
  std::vector<UserInfo> users = std::move(*all);
  for (const UserInfo& u : users) {
    if (u.name == name) return u;
  }
  return {};
}

TEST(UserStore, APasswordAndTheCurrentCodeLogIn_OnceACode) {
  TempDir dir;
  auto store = UserStore::Open(Env::Default(), dir.path());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto made = (*store)->Create("anna", Role::kArchivist, "");
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  EXPECT_EQ(made->password.size(), 24u);  // generated: 96 bits
  EXPECT_NE(made->totp_uri.find("otpauth://totp/bevara:anna?secret=" + made->totp_secret), std::string::npos);
  // Only the password's hash is kept.
  const std::string file = testing::ReadFile(dir.Join("users.log"));
  EXPECT_EQ(file.find(made->password), std::string::npos);
  EXPECT_NE(file.find("$argon2id$"), std::string::npos);

  UserInfo u = Find(store->get(), "anna");
  UserInfo who;
  EXPECT_EQ((*store)->Verify("anna", made->password + "x", Code(u), kNow, &who), LoginOutcome::kBadPassword);
  EXPECT_EQ((*store)->Verify("anna", made->password, "000000" == Code(u) ? "111111" : "000000", kNow, &who),
            LoginOutcome::kBadCode);
  EXPECT_EQ((*store)->Verify("nobody", made->password, Code(u), kNow, &who), LoginOutcome::kUnknown);
  ASSERT_EQ((*store)->Verify("anna", made->password, Code(u), kNow, &who), LoginOutcome::kOk);
  EXPECT_EQ(who.role, Role::kArchivist);
  // The same code again, or the step before it, is not a second login.
  EXPECT_EQ((*store)->Verify("anna", made->password, Code(u), kNow, &who), LoginOutcome::kReplayed);
  EXPECT_EQ((*store)->Verify("anna", made->password, Code(u, kNow - 30), kNow, &who), LoginOutcome::kReplayed);
  EXPECT_EQ((*store)->Verify("anna", made->password, Code(u, kNow + 30), kNow + 30, &who), LoginOutcome::kOk);
}

TEST(UserStore, DisableResetAndAnotherProcessSeeingIt) {
  TempDir dir;
  auto server = UserStore::Open(Env::Default(), dir.path());
  auto cli = UserStore::Open(Env::Default(), dir.path());
  ASSERT_TRUE(server.ok() && cli.ok());
  auto made = (*cli)->Create("bo", Role::kAuditor, "ett-langt-losenord");
  ASSERT_TRUE(made.ok());
  EXPECT_EQ(made->password, "ett-langt-losenord");
  EXPECT_TRUE((*server)->Active("bo"));
  ASSERT_TRUE((*cli)->Disable("bo").ok());
  EXPECT_FALSE((*server)->Active("bo"));  // the server reads what the CLI appended
  UserInfo who;
  UserInfo u = Find(server->get(), "bo");
  EXPECT_EQ((*server)->Verify("bo", "ett-langt-losenord", Code(u), kNow, &who), LoginOutcome::kDisabled);
  auto reset = (*cli)->Reset("bo", "");
  ASSERT_TRUE(reset.ok());
  EXPECT_NE(reset->totp_secret, made->totp_secret);
  EXPECT_TRUE((*server)->Active("bo"));
  EXPECT_EQ((*server)->Verify("bo", "ett-langt-losenord", *TotpCode(reset->totp_secret, kNow / 30), kNow, &who),
            LoginOutcome::kBadPassword);  // the old password is gone
  EXPECT_EQ((*server)->Verify("bo", reset->password, *TotpCode(reset->totp_secret, kNow / 30), kNow, &who),
            LoginOutcome::kOk);
  // A new instance reads the same people back.
  auto reopened = UserStore::Open(Env::Default(), dir.path());
  ASSERT_TRUE(reopened.ok());
  EXPECT_TRUE((*reopened)->Active("bo"));
  EXPECT_EQ(Find(reopened->get(), "bo").role, Role::kAuditor);
}

TEST(UserStore, RefusesWhatCannotBeAUserOrAPassword) {
  TempDir dir;
  auto store = UserStore::Open(Env::Default(), dir.path());
  ASSERT_TRUE(store.ok());
  for (const char* name : {"", "Anna", "anna smith", "-anna", ".anna", "ånna", "a/b"}) {
    EXPECT_EQ((*store)->Create(name, Role::kArchivist, "").status().code(), StatusCode::kInvalidArgument) << name;
  }
  EXPECT_EQ((*store)->Create(std::string(65, 'a'), Role::kArchivist, "").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*store)->Create("eva", Role::kEService, "").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ((*store)->Create("eva", Role::kArchivist, "kort").status().code(), StatusCode::kInvalidArgument);
  ASSERT_TRUE((*store)->Create("eva", Role::kArchivist, "").ok());
  EXPECT_EQ((*store)->Create("eva", Role::kAdmin, "").status().code(), StatusCode::kAlreadyExists);
  EXPECT_TRUE((*store)->Reset("nobody", "").status().IsNotFound());
  EXPECT_TRUE((*store)->Disable("nobody").IsNotFound());
  UserInfo who;
  EXPECT_EQ((*store)->Verify("eva", std::string(5000, 'x'), "123456", kNow, &who), LoginOutcome::kBadPassword);
}

TEST(UserStore, AChangeItDoesNotKnowIsDamage) {
  TempDir dir;
  {
    auto store = UserStore::Open(Env::Default(), dir.path());
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->Create("eva", Role::kArchivist, "").ok());
  }
  auto log = RecordLog::Open(Env::Default(), dir.Join("users.log"));
  ASSERT_TRUE(log.ok());
  ASSERT_TRUE((*log)->Append(R"({"op":"promote","name":"eva"})").ok());
  auto store = UserStore::Open(Env::Default(), dir.path());
  EXPECT_EQ(store.status().code(), StatusCode::kCorruption);
}

}  // namespace
}  // namespace bevara::access
