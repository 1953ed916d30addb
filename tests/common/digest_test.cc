#include "src/common/digest.h"

#include <string>

#include <gtest/gtest.h>

namespace bevara {
namespace {

// Known answers from FIPS 180 / RFC 1321 for "abc".
TEST(DigestTest, KnownAnswersForAbc) {
  MultiDigester d(DigestSet::Of(DigestAlgorithm::kSha256)
                      .With(DigestAlgorithm::kSha512)
                      .With(DigestAlgorithm::kSha1)
                      .With(DigestAlgorithm::kMd5));
  d.Update("abc", 3);
  d.Finish();
  EXPECT_EQ(d.Hex(DigestAlgorithm::kSha256), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(d.Hex(DigestAlgorithm::kSha1), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(d.Hex(DigestAlgorithm::kMd5), "900150983cd24fb0d6963f7d28e17f72");
  EXPECT_EQ(d.Hex(DigestAlgorithm::kSha512).substr(0, 32), "ddaf35a193617abacc417349ae204131");
  EXPECT_EQ(d.bytes(), 3u);
}

TEST(DigestTest, StreamingEqualsOneShot) {
  std::string data(100000, 'x');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 31);
  MultiDigester chunks(DigestSet::Of(DigestAlgorithm::kSha256));
  for (size_t i = 0; i < data.size(); i += 777) chunks.Update(data.data() + i, std::min<size_t>(777, data.size() - i));
  chunks.Finish();
  EXPECT_EQ(chunks.Hex(DigestAlgorithm::kSha256), Sha256Hex(data));
}

TEST(DigestTest, ParsesMetsChecksumNames) {
  EXPECT_EQ(ParseMetsChecksumType("SHA-256"), DigestAlgorithm::kSha256);
  EXPECT_EQ(ParseMetsChecksumType("MD5"), DigestAlgorithm::kMd5);
  EXPECT_FALSE(ParseMetsChecksumType("Adler-32").has_value());
  EXPECT_FALSE(ParseMetsChecksumType("sha-256").has_value());
}

TEST(DigestTest, HexComparisonIgnoresDeclaredCase) {
  EXPECT_TRUE(HexDigestEquals("ABCDEF01", "abcdef01"));
  EXPECT_FALSE(HexDigestEquals("ABCDEF02", "abcdef01"));
  EXPECT_FALSE(HexDigestEquals("ABCDEF", "abcdef01"));
}

}  // namespace
}  // namespace bevara
