#include "src/common/status.h"

#include <cerrno>

#include <gtest/gtest.h>

#include "src/common/result.h"

namespace bevara {
namespace {

TEST(StatusTest, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  EXPECT_EQ(s.ToString(), "OK");
}

TEST(StatusTest, RejectedCarriesRuleAndLocation) {
  Status s = Status::Rejected("PKG-DOTDOT", "bad name", "a/../b");
  EXPECT_TRUE(s.IsRejected());
  EXPECT_EQ(s.rule(), "PKG-DOTDOT");
  EXPECT_EQ(s.location(), "a/../b");
  EXPECT_EQ(s.ToString(), "Rejected [PKG-DOTDOT]: bad name (a/../b)");
}

TEST(StatusTest, FromErrnoMapsCommonCodes) {
  EXPECT_TRUE(Status::FromErrno(ENOENT, "open x").IsNotFound());
  EXPECT_TRUE(Status::FromErrno(EEXIST, "create x").IsAlreadyExists());
  EXPECT_EQ(Status::FromErrno(ENOSPC, "write x").code(), StatusCode::kNoSpace);
  EXPECT_EQ(Status::FromErrno(EIO, "fsync x").code(), StatusCode::kIOError);
}

TEST(ResultTest, HoldsValueOrStatus) {
  Result<int> good = 42;
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 42);
  Result<int> bad = Status::NotFound("nope");
  EXPECT_FALSE(bad.ok());
  EXPECT_TRUE(bad.status().IsNotFound());
}

}  // namespace
}  // namespace bevara
