#include "src/server/rate_limiter.h"

#include <gtest/gtest.h>

namespace bevara::server {
namespace {

using std::chrono::milliseconds;

TEST(RateLimiter, BurstThenRateThenRetryAfter) {
  RateLimiter limiter(2, 3);
  auto t = RateLimiter::Clock::now();
  for (int i = 0; i < 3; ++i) EXPECT_EQ(limiter.Admit("a", t), 0);
  EXPECT_GE(limiter.Admit("a", t), 1);
  EXPECT_EQ(limiter.Admit("b", t), 0) << "clients are apart";
  EXPECT_EQ(limiter.Admit("a", t + milliseconds(500)), 0) << "2 per second refill";
  EXPECT_GE(limiter.Admit("a", t + milliseconds(500)), 1);
}

TEST(RateLimiter, ManyAddressesShareOneBucketBeyondTheLimit) {
  RateLimiter limiter(1, 1, 10);
  auto t = RateLimiter::Clock::now();
  int admitted = 0;
  for (int i = 0; i < 100; ++i) admitted += limiter.Admit("10.0.0." + std::to_string(i), t) == 0;
  EXPECT_EQ(admitted, 11) << "10 buckets and the shared overflow";
  EXPECT_EQ(limiter.Admit("10.0.0.200", t + std::chrono::seconds(5)), 0) << "idle buckets are dropped";
}

TEST(RateLimiter, ZeroTurnsItOff) {
  RateLimiter limiter(0, 1);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(limiter.Admit("a"), 0);
}

}  // namespace
}  // namespace bevara::server
