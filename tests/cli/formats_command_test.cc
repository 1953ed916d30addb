// bevara formats and the [formats] section as `bevara ingest --config` uses
// it: the real binary on a real archive.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/cli/run_bevara.h"
#include "tests/support/archive_fixture.h"

namespace bevara {
namespace {

using testing::RunBevara;

TEST(FormatsCommandTest, ListsFormatsWithTheirPolicyState) {
  testing::TempDir dir;
  const std::string data = dir.Join("data");
  ASSERT_EQ(RunBevara("init --data " + data).exit_code, 0);
  ASSERT_EQ(RunBevara("ingest --data " + data + " " + testing::GeneratePackage(dir, 61, 4)).exit_code, 0);

  auto run = RunBevara("formats --data " + data + " --format json");
  ASSERT_EQ(run.exit_code, 0) << run.out;
  auto j = nlohmann::json::parse(run.out);
  EXPECT_EQ(j["packages"], 1);
  ASSERT_FALSE(j["formats"].empty());
  // The generated package is text and XML: plain text (by its extension,
  // confirmed by libmagic) and XML, both accepted by the default policy.
  bool text = false;
  for (const auto& f : j["formats"]) {
    if (f["puid"] == "x-fmt/111") text = f["policy"] == "accepted" && f["files"].get<int>() >= 4;
  }
  EXPECT_TRUE(text) << run.out;

  // A policy that accepts only PDF/A turns the same files into not accepted.
  std::ofstream(dir.Join("bevara.ini")) << "[formats]\naccepted = fmt/354\npolicy_action = reject\n";
  run = RunBevara("formats --data " + data + " --config " + dir.Join("bevara.ini"));
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("x-fmt/111      not_accepted"), std::string::npos) << run.out;

  // And an ingest under it is rejected, naming the rule.
  run = RunBevara("ingest --data " + data + " --config " + dir.Join("bevara.ini") + " " +
                  testing::GeneratePackage(dir, 62, 2));
  EXPECT_EQ(run.exit_code, 1) << run.out;
  EXPECT_NE(run.out.find("FORMAT-POLICY"), std::string::npos) << run.out;
}

TEST(FormatsCommandTest, BadFormatsConfigurationIsAUsageError) {
  testing::TempDir dir;
  const std::string data = dir.Join("data");
  ASSERT_EQ(RunBevara("init --data " + data).exit_code, 0);
  for (const char* ini : {"[formats]\naccepted = pdf\n", "[formats]\npolicy_action = maybe\n",
                          "[formats]\ndroid_signature_file = /nonexistent\n",
                          "[scan]\nclamav_database = /nonexistent\n", "[scan]\nrequired = yes\n"}) {
    std::ofstream(dir.Join("bad.ini")) << ini;
    auto run = RunBevara("ingest --data " + data + " --config " + dir.Join("bad.ini") + " " +
                             testing::GeneratePackage(dir, 63, 1), true);
    EXPECT_EQ(run.exit_code, 2) << ini << run.out;
    EXPECT_EQ(run.out.find("/nonexistent"), std::string::npos) << "a path in the message: " << run.out;
  }
}

}  // namespace
}  // namespace bevara

namespace bevara {
namespace {

// A signature file "update" that calls every XML file fmt/9001.
const char kNewDroid[] =
    "<?xml version=\"1.0\"?><FFSignatureFile Version=\"999\" DateCreated=\"2026-11-30T00:00:00\" "
    "xmlns=\"http://www.nationalarchives.gov.uk/pronom/SignatureFile\"><InternalSignatureCollection>"
    "<InternalSignature ID=\"1\"><ByteSequence Reference=\"BOFoffset\"><SubSequence Position=\"1\" "
    "SubSeqMinOffset=\"0\" SubSeqMaxOffset=\"0\"><Sequence>3C3F786D6C</Sequence></SubSequence></ByteSequence>"
    "</InternalSignature></InternalSignatureCollection><FileFormatCollection>"
    "<FileFormat ID=\"1\" PUID=\"fmt/9001\" Name=\"Test XML\"><InternalSignatureID>1</InternalSignatureID>"
    "</FileFormat></FileFormatCollection></FFSignatureFile>";

TEST(FormatsCommandTest, IdentifyAgainRecordsChangesAsNewVersions) {
  testing::TempDir dir;
  const std::string data = dir.Join("data");
  ASSERT_EQ(RunBevara("init --data " + data).exit_code, 0);
  auto ingested = RunBevara("ingest --data " + data + " " + testing::GeneratePackage(dir, 64, 3));
  ASSERT_EQ(ingested.exit_code, 0);
  const std::string id = nlohmann::json::parse(ingested.out)["package_id"];

  std::ofstream(dir.Join("droid.xml")) << kNewDroid;
  std::ofstream(dir.Join("containers.xml")) << "<ContainerSignatureMapping signatureVersion=\"9\"/>";
  std::ofstream(dir.Join("bevara.ini")) << "[formats]\ndroid_signature_file = " << dir.Join("droid.xml")
                                        << "\ncontainer_signature_file = " << dir.Join("containers.xml") << "\n";
  auto run = RunBevara("formats --identify --rate 100 --format json --data " + data + " --config " +
                           dir.Join("bevara.ini"), true);
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("1 new versions"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("\"puid\":\"fmt/9001\""), std::string::npos) << run.out;

  // Version 2 holds the same files with their new formats and says why.
  auto events = RunBevara("verify --data " + data + " " + id);
  EXPECT_EQ(events.exit_code, 0) << events.out;
  testing::TempDir out;
  ASSERT_EQ(RunBevara("export --data " + data + " " + id + " " + out.Join("x")).exit_code, 0);
  std::ifstream mets(out.Join("x") + "/METS.xml");
  std::string text((std::istreambuf_iterator<char>(mets)), {});
  EXPECT_NE(text.find("<premis:formatRegistryKey>fmt/9001</premis:formatRegistryKey>"), std::string::npos);
  EXPECT_NE(text.find("identified the files of version 1 again"), std::string::npos);

  // Nothing changed since: no new version.
  run = RunBevara("formats --identify --data " + data + " --config " + dir.Join("bevara.ini"), true);
  ASSERT_EQ(run.exit_code, 0) << run.out;
  EXPECT_NE(run.out.find("0 files changed, 0 new versions"), std::string::npos) << run.out;
  EXPECT_EQ(RunBevara("audit --data " + data).exit_code, 0);
}

}  // namespace
}  // namespace bevara
