#include "src/web/sessions.h"

#include <gtest/gtest.h>

#include "src/web/page.h"
#include "tests/support/fault_injection_env.h"
#include "tests/test_util.h"

namespace bevara::web {
namespace {

using testing::FaultInjectionEnv;
using testing::TempDir;

TEST(Sessions, EndAfterIdleTimeLogoutAndDisabling) {
  TempDir dir;
  FaultInjectionEnv env(Env::Default());
  env.SetNowMicros(1'000'000'000'000);
  auto users = access::UserStore::Open(&env, dir.path());
  ASSERT_TRUE(users.ok());
  ASSERT_TRUE((*users)->Create("anna", access::Role::kArchivist, "").ok());
  Sessions sessions(&env, users->get(), 60);
  access::UserInfo anna{"anna", access::Role::kArchivist};
  const std::string a = sessions.Start(anna), b = sessions.Start(anna);
  EXPECT_NE(a, b);
  auto found = sessions.Find(a);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->user, "anna");
  EXPECT_EQ(found->csrf.size(), 64u);
  EXPECT_NE(found->csrf, sessions.Find(b)->csrf);
  EXPECT_FALSE(sessions.Find(a.substr(1) + "0"));
  EXPECT_FALSE(sessions.Find(""));
  // Used within the idle time, it lives on; left alone longer, it ends.
  env.SetNowMicros(1'000'000'000'000 + 50'000'000);
  EXPECT_TRUE(sessions.Find(a));
  env.SetNowMicros(1'000'000'000'000 + 100'000'000);
  EXPECT_TRUE(sessions.Find(a));
  EXPECT_FALSE(sessions.Find(b));  // idle for 100 s
  sessions.End(a);
  EXPECT_FALSE(sessions.Find(a));
  const std::string c = sessions.Start(anna);
  ASSERT_TRUE((*users)->Disable("anna").ok());
  EXPECT_FALSE(sessions.Find(c));
}

TEST(LoginThrottle, HoldsAfterTheFailuresUntilTheWindowPassed) {
  FaultInjectionEnv env(Env::Default());
  env.SetNowMicros(5'000'000'000'000);
  LoginThrottle throttle(&env, 3, 60);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(throttle.WaitFor("user:anna"), 0);
    throttle.Failed("user:anna");
  }
  EXPECT_GT(throttle.WaitFor("user:anna"), 0);
  EXPECT_EQ(throttle.WaitFor("user:bo"), 0);
  env.SetNowMicros(5'000'000'000'000 + 61'000'000);
  EXPECT_EQ(throttle.WaitFor("user:anna"), 0);
  throttle.Failed("user:bo");
  throttle.Succeeded("user:bo");
  EXPECT_EQ(throttle.WaitFor("user:bo"), 0);
}

TEST(WebPage, OnlyLocalPathsAreReturnedTo) {
  EXPECT_EQ(SafeReturnPath("/sok?q=x"), "/sok?q=x");
  for (const char* bad : {"", "//evil.example/", "/\\evil.example", "https://evil.example/", "javascript:alert(1)",
                          "/a\r\nSet-Cookie: x=1", "sok"}) {
    EXPECT_EQ(SafeReturnPath(bad), "/") << bad;
  }
  EXPECT_EQ(HumanBytes(0), "0 B");
  EXPECT_EQ(HumanBytes(1500), "1.5 kB");
  EXPECT_EQ(HumanBytes(2'000'000'000), "2.0 GB");
}

}  // namespace
}  // namespace bevara::web
