#include "src/web/sessions.h"

#include <gtest/gtest.h>

#include <chrono>

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
  auto listed = (*users)->List();
  ASSERT_TRUE(listed.ok());
  const access::UserInfo anna = listed->front();
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
  // New credentials end the sessions of the old ones, also after a disabling.
  env.SetNowMicros(1'000'000'000'000 + 200'000'000);
  ASSERT_TRUE((*users)->Reset("anna", "").ok());
  EXPECT_FALSE(sessions.Find(c));
  listed = (*users)->List();
  const std::string d = sessions.Start(listed->front());
  EXPECT_TRUE(sessions.Find(d));
  env.SetNowMicros(1'000'000'000'000 + 200'000'000 + 5'000'000);
  ASSERT_TRUE((*users)->Reset("anna", "").ok());
  EXPECT_FALSE(sessions.Find(d));
  // Twelve hours end any session, however busy.
  Sessions busy(&env, users->get(), 4 * 3600);
  listed = (*users)->List();
  const std::string e = busy.Start(listed->front());
  for (int h = 1; h <= 12; ++h) {
    env.SetNowMicros(1'000'000'000'000 + 205'000'000 + h * 3'540'000'000LL);
    EXPECT_TRUE(busy.Find(e)) << h;
  }
  env.SetNowMicros(1'000'000'000'000 + 205'000'000 + 12 * 3'600'000'000LL + 1'000'000);
  EXPECT_FALSE(busy.Find(e));
}

TEST(LoginThrottle, EachAttemptCountsUntilItSucceedsAndEachKeyHasItsLimit) {
  FaultInjectionEnv env(Env::Default());
  env.SetNowMicros(5'000'000'000'000);
  LoginThrottle throttle(&env, 60);
  const std::vector<LoginThrottle::Key> anna = {{"addr:a", 30}, {"pair:anna|a", 3}};
  // Reserved before the password is checked: parallel attempts are counted.
  for (int i = 0; i < 3; ++i) EXPECT_EQ(throttle.Reserve(anna), 0) << i;
  EXPECT_GT(throttle.Reserve(anna), 0);
  // Another name from the same address is not held by anna's count.
  const std::vector<LoginThrottle::Key> bo = {{"addr:a", 30}, {"pair:bo|a", 3}};
  EXPECT_EQ(throttle.Reserve(bo), 0);
  throttle.Succeeded(bo);
  EXPECT_EQ(throttle.Reserve(bo), 0);
  throttle.Succeeded(bo);
  env.SetNowMicros(5'000'000'000'000 + 61'000'000);
  EXPECT_EQ(throttle.Reserve(anna), 0);
  // Anna from another address is not held by the guesses from "a".
  EXPECT_EQ(throttle.Reserve({{"addr:b", 30}, {"pair:anna|b", 3}}), 0);
  // One login per address at a time, and at most four in all.
  EXPECT_TRUE(throttle.Enter("a"));
  EXPECT_FALSE(throttle.Enter("a"));
  EXPECT_TRUE(throttle.Enter("b"));
  EXPECT_TRUE(throttle.Enter("c"));
  EXPECT_TRUE(throttle.Enter("d"));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(throttle.Enter("e"));  // waited, then refused
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
  throttle.Leave("a");
  EXPECT_TRUE(throttle.Enter("e"));
  EXPECT_EQ(LoginThrottle::AddressKey("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
  EXPECT_EQ(LoginThrottle::AddressKey("2001:db8:1:2::1"), LoginThrottle::AddressKey("2001:db8:1:2:ffff::9"));
  EXPECT_EQ(LoginThrottle::AddressKey("192.0.2.7"), "192.0.2.7");
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
