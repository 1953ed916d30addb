#include "src/common/units.h"

#include <gtest/gtest.h>

namespace bevara {
namespace {

TEST(UnitsTest, Sizes) {
  EXPECT_EQ(ParseSize("4096"), 4096u);
  EXPECT_EQ(ParseSize("64GiB"), 64ull << 30);
  EXPECT_EQ(ParseSize(" 512 MiB "), 512ull << 20);
  EXPECT_EQ(ParseSize("10GB"), 10000000000ull);
  EXPECT_EQ(ParseSize("1.5K"), 1536u);
  EXPECT_EQ(ParseSize("0"), 0u);
  for (const char* bad : {"", "GiB", "-1", "1.5", "12 parsecs", "1e3", "0x10", "99999999999TiB", "1 2", "nan"}) {
    EXPECT_FALSE(ParseSize(bad).has_value()) << bad;
  }
}

TEST(UnitsTest, Durations) {
  EXPECT_EQ(ParseDuration("30"), 30.0);
  EXPECT_EQ(ParseDuration("30s"), 30.0);
  EXPECT_EQ(ParseDuration("10min"), 600.0);
  EXPECT_EQ(ParseDuration("2 h"), 7200.0);
  EXPECT_EQ(ParseDuration("500ms"), 0.5);
  for (const char* bad : {"", "s", "-3s", "soon", "3 fortnights", "inf"}) {
    EXPECT_FALSE(ParseDuration(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace bevara
