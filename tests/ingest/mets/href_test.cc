#include "ingest/mets/href.h"

#include <gtest/gtest.h>

namespace bevara::ingest {
namespace {

std::string Resolve(std::string_view href, std::string_view base = "") {
  auto r = ResolveHref(href, base);
  return r.ok() ? *r : "!" + r.status().rule();
}

TEST(HrefTest, ResolvesTheFormsFoundInRealPackages) {
  EXPECT_EQ(Resolve("data/a.pdf"), "data/a.pdf");
  EXPECT_EQ(Resolve("./data/a.pdf"), "data/a.pdf");
  EXPECT_EQ(Resolve("data/a.pdf", "representations/rep1"), "representations/rep1/data/a.pdf");
  EXPECT_EQ(Resolve("metadata%2Fdescriptive%2Fdc.xml"), "metadata/descriptive/dc.xml");
  EXPECT_EQ(Resolve("file:data/a.pdf", "r"), "r/data/a.pdf");
  EXPECT_EQ(Resolve("file://./data/a.pdf", "r"), "r/data/a.pdf");
  EXPECT_EQ(Resolve("file:///content/a.pdf", "r"), "content/a.pdf");
  EXPECT_EQ(Resolve("%C3%A5r%202024/x.txt"), "år 2024/x.txt");
  EXPECT_EQ(Resolve("../../schemas/mets.xsd", "representations/rep1"), "schemas/mets.xsd");
}

TEST(HrefTest, RefusesWhatIsNotInThePackage) {
  EXPECT_EQ(Resolve("http://example.org/a.pdf"), "!METS-HREF-REMOTE");
  EXPECT_EQ(Resolve("urn:nbn:se:x"), "!METS-HREF-REMOTE");
  EXPECT_EQ(Resolve("file://server/share/a"), "!METS-HREF-REMOTE");
  EXPECT_EQ(Resolve("../a.pdf"), "!METS-HREF-ESCAPE");
  EXPECT_EQ(Resolve("data/%2E%2E/%2E%2E/x"), "!METS-HREF-ESCAPE");
  EXPECT_EQ(Resolve("data/%zz.pdf"), "!METS-HREF-INVALID");
  EXPECT_EQ(Resolve("data/a%2"), "!METS-HREF-INVALID");
  EXPECT_EQ(Resolve("a%00b"), "!METS-HREF-INVALID");
  EXPECT_EQ(Resolve("."), "!METS-HREF-INVALID");
}

}  // namespace
}  // namespace bevara::ingest
