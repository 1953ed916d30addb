#include <gtest/gtest.h>

#include "src/common/hex.h"
#include "src/common/path.h"

namespace bevara {
namespace {

TEST(HexTest, EncodesAndDecodesBothCases) {
  EXPECT_EQ(HexEncode(std::string("\x00\x1f\xab\xff", 4)), "001fabff");
  std::string upper;
  const unsigned char slash = '/';
  AppendHex(&upper, &slash, 1, /*upper=*/true);
  EXPECT_EQ(upper, "2F");
  std::string bytes;
  ASSERT_TRUE(HexDecode("001FabfF", &bytes));
  EXPECT_EQ(bytes, std::string("\x00\x1f\xab\xff", 4));
  EXPECT_FALSE(HexDecode("abc", &bytes));
  EXPECT_FALSE(HexDecode("zz", &bytes));
  EXPECT_TRUE(IsLowerHex("0123456789abcdef"));
  EXPECT_FALSE(IsLowerHex("ABCDEF"));
  EXPECT_FALSE(IsLowerHex(""));
  EXPECT_FALSE(IsLowerHex("../x"));
}

TEST(PathTest, SplitsDirNameBaseName) {
  EXPECT_EQ(SplitPath("a//b"), (std::vector<std::string_view>{"a", "", "b"}));
  EXPECT_EQ(SplitPath("/a"), (std::vector<std::string_view>{"", "a"}));
  EXPECT_EQ(SplitPath(""), (std::vector<std::string_view>{""}));
  EXPECT_EQ(DirName("a/b/c"), "a/b");
  EXPECT_EQ(DirName("c"), ".");
  EXPECT_EQ(DirName("/c"), "/");
  EXPECT_EQ(BaseName("a/b/c"), "c");
  EXPECT_EQ(BaseName("c"), "c");
  EXPECT_TRUE(IsSafeRelativePath("submission/METS.xml"));
  for (const char* bad : {"", "/etc/passwd", "a/../b", "a//b", "./a", "a/", ".."}) {
    EXPECT_FALSE(IsSafeRelativePath(bad)) << bad;
  }
}

}  // namespace
}  // namespace bevara
