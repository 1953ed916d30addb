#include "src/access/totp.h"

#include <gtest/gtest.h>

namespace bevara::access {
namespace {

// RFC 6238 appendix B, SHA-1, with the last six of its eight digits.
TEST(Totp, TheRfc6238TestVectors) {
  const std::string secret = Base32Encode("12345678901234567890");
  EXPECT_EQ(secret, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  for (auto [unix_time, code] : {std::pair<uint64_t, const char*>{59, "287082"}, {1111111109, "081804"},
                                 {1111111111, "050471"}, {1234567890, "005924"}, {2000000000, "279037"},
                                 {20000000000, "353130"}}) {
    EXPECT_EQ(TotpCode(secret, unix_time / 30).value_or(""), code) << unix_time;
  }
}

TEST(Totp, OneStepOfDriftEachWayAndNoMore) {
  const std::string secret = NewTotpSecret();
  ASSERT_EQ(secret.size(), 32u);  // 20 bytes
  const uint64_t now = 1'800'000'000 / 30;
  for (int64_t d : {-1, 0, 1}) {
    auto code = TotpCode(secret, now + d);
    ASSERT_TRUE(code);
    EXPECT_EQ(MatchTotp(secret, *code, now).value_or(0), now + d);
  }
  for (int64_t d : {-3, -2, 2, 3}) {
    auto code = TotpCode(secret, now + d);
    // Another step's code may by chance equal one inside the window.
    if (*code != *TotpCode(secret, now - 1) && *code != *TotpCode(secret, now) && *code != *TotpCode(secret, now + 1)) {
      EXPECT_FALSE(MatchTotp(secret, *code, now)) << d;
    }
  }
  EXPECT_FALSE(MatchTotp(secret, "12345", now));
  EXPECT_FALSE(MatchTotp(secret, "1234567", now));
  EXPECT_FALSE(MatchTotp(secret, "abcdef", now));
}

TEST(Totp, Base32RoundTripsAndRefusesWhatIsNotBase32) {
  for (std::string bytes : {std::string(), std::string("f"), std::string("fo"), std::string("foobar"),
                            std::string("\x00\xff\x10", 3)}) {
    EXPECT_EQ(Base32Decode(Base32Encode(bytes)).value_or("?"), bytes);
  }
  EXPECT_EQ(Base32Encode("foobar"), "MZXW6YTBOI");  // RFC 4648 section 10, unpadded
  EXPECT_FALSE(Base32Decode("MZXW6YTB0I"));          // '0' is not in the alphabet
  EXPECT_FALSE(TotpCode("!!!", 1));
  EXPECT_FALSE(TotpCode("", 1));
}

}  // namespace
}  // namespace bevara::access
