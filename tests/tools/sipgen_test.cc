#include "tools/sipgen/sip_generator.h"

#include <gtest/gtest.h>

#include "tests/test_util.h"
#include "tools/sipgen/sip_writer.h"

namespace bevara::sipgen {
namespace {

TEST(SipGeneratorTest, IsDeterministicPerSeed) {
  SipSpec spec;
  spec.seed = 42;
  spec.files = 20;
  SipPlan a = PlanSip(spec), b = PlanSip(spec);
  ASSERT_EQ(a.entries.size(), b.entries.size());
  EXPECT_EQ(a.Mets(), b.Mets());
  spec.seed = 43;
  EXPECT_NE(PlanSip(spec).Mets(), a.Mets());
}

TEST(SipGeneratorTest, HonoursTheRequestedShape) {
  SipSpec spec;
  spec.files = 7;
  spec.representations = 2;
  spec.min_file_size = 100;
  spec.max_file_size = 200;
  SipPlan plan = PlanSip(spec);
  int data_files = 0;
  for (const PlannedEntry& e : plan.entries) {
    if (e.path.find("/data/") == std::string::npos) continue;
    ++data_files;
    EXPECT_GE(ContentSize(e), 100u);
    EXPECT_LE(ContentSize(e), 200u);
  }
  EXPECT_EQ(data_files, 14);
  EXPECT_NE(plan.Find("metadata/descriptive/erms.xml"), nullptr);
  EXPECT_NE(plan.Mets().find("OAISPACKAGETYPE=\"SIP\""), std::string::npos);
}

TEST(SipGeneratorTest, LargeFilesStreamWithoutBeingHeldInMemory) {
  PlannedEntry e;
  e.content = ContentKind::kBinary;
  e.size = 64 << 20;
  e.content_seed = 9;
  ContentStream s(e);
  std::vector<char> buf(1 << 16);
  uint64_t total = 0;
  while (size_t n = s.Read(buf.data(), buf.size())) total += n;
  EXPECT_EQ(total, e.size);
  EXPECT_EQ(ContentDigest(e, DigestAlgorithm::kSha256), ContentDigest(e, DigestAlgorithm::kSha256));
}

}  // namespace
}  // namespace bevara::sipgen
