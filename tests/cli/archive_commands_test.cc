// bevara ingest, audit, verify, export, gc and rebuild, run as a user would.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/cli/run_bevara.h"
#include "tests/support/archive_fixture.h"

namespace bevara {
namespace {

using testing::RunBevara;

TEST(ArchiveCommandsTest, IngestAuditVerifyExportGcRebuild) {
  testing::TempDir dir;
  const std::string data = "--data " + dir.Join("data");
  ASSERT_EQ(RunBevara("init " + data).exit_code, 0);
  std::string package = testing::GeneratePackage(dir, 61);

  auto ingest = RunBevara("ingest " + data + " --receipt " + dir.Join("receipt.json") + " " + package);
  ASSERT_EQ(ingest.exit_code, 0) << ingest.out;
  auto receipt = nlohmann::json::parse(ingest.out);
  EXPECT_TRUE(receipt["archived"].get<bool>());
  const std::string id = receipt["package_id"];
  EXPECT_EQ(nlohmann::json::parse(testing::ReadFile(dir.Join("receipt.json"))), receipt);

  EXPECT_EQ(RunBevara("audit " + data).exit_code, 0);
  EXPECT_EQ(RunBevara("verify " + data + " " + id).exit_code, 0);
  EXPECT_EQ(RunBevara("verify " + data + " no-such-id").exit_code, 2);
  EXPECT_EQ(RunBevara("export " + data + " " + id + " " + dir.Join("out")).exit_code, 0);
  EXPECT_EQ(RunBevara("validate " + dir.Join("out/submission")).exit_code, 0);
  EXPECT_EQ(RunBevara("export " + data + " --ocfl " + dir.Join("ocfl")).exit_code, 0);
  EXPECT_TRUE(std::filesystem::exists(dir.Join("ocfl/0=ocfl_1.1")));
  EXPECT_EQ(RunBevara("gc " + data).exit_code, 0);
  EXPECT_EQ(RunBevara("rebuild " + data).exit_code, 0);
  EXPECT_EQ(RunBevara("audit " + data).exit_code, 0);
}

TEST(ArchiveCommandsTest, BitRotMakesAuditFailAndNameThePackageAndPath) {
  testing::TempDir dir;
  const std::string data = "--data " + dir.Join("data");
  ASSERT_EQ(RunBevara("init " + data).exit_code, 0);
  auto ingest = RunBevara("ingest " + data + " " + testing::GeneratePackage(dir, 62));
  ASSERT_EQ(ingest.exit_code, 0);
  auto receipt = nlohmann::json::parse(ingest.out);
  std::string path, sha;
  for (const auto& f : receipt["aip"]["files"]) {
    if (f["path"].get<std::string>().find("handling-000001") == std::string::npos) continue;
    path = f["path"];
    sha = f["sha256"];
  }
  ASSERT_FALSE(sha.empty());
  {
    std::fstream blob(dir.Join("data/store/blobs/sha256/" + sha.substr(0, 2) + "/" + sha),
                      std::ios::in | std::ios::out | std::ios::binary);
    blob.seekp(10);
    blob.put('#');
  }
  auto audit = RunBevara("audit --format json " + data);
  EXPECT_EQ(audit.exit_code, 1);
  auto report = nlohmann::json::parse(audit.out);
  ASSERT_EQ(report["problems"].size(), 1u) << audit.out;
  EXPECT_EQ(report["problems"][0]["kind"], "corrupt");
  EXPECT_EQ(report["problems"][0]["affected"][0]["package_id"], receipt["package_id"]);
  EXPECT_EQ(report["problems"][0]["affected"][0]["path"], path);
  EXPECT_EQ(RunBevara("verify " + data + " " + receipt["package_id"].get<std::string>()).exit_code, 1);
}

TEST(ArchiveCommandsTest, RejectedPackageExitsOneAndStoresNothing) {
  testing::TempDir dir;
  sipgen::SipSpec spec;
  spec.seed = 63;
  sipgen::SipPlan plan = sipgen::PlanSip(spec);
  plan.EditMets("CHECKSUMTYPE=\"SHA-256\"", "CHECKSUMTYPE=\"CRC32\"");
  ASSERT_EQ(RunBevara("init --data " + dir.Join("data")).exit_code, 0);
  auto run = RunBevara("ingest --data " + dir.Join("data") + " " + testing::WritePackage(plan, "tar", dir));
  EXPECT_EQ(run.exit_code, 1);
  auto receipt = nlohmann::json::parse(run.out);
  EXPECT_FALSE(receipt["archived"].get<bool>());
  EXPECT_FALSE(receipt["validation"]["valid"].get<bool>());
  EXPECT_TRUE(std::filesystem::is_empty(dir.Join("data/store/blobs/sha256")));
  EXPECT_EQ(RunBevara("ingest --data " + dir.Join("data") + " /nonexistent.tar").exit_code, 2);
}

// Damage to the version log stops every command that would act on it, with
// the file and the offset named; nothing is removed or replaced meanwhile.
TEST(ArchiveCommandsTest, ADamagedVersionLogIsNamedAndNothingActsOnIt) {
  testing::TempDir dir;
  const std::string data = "--data " + dir.Join("data");
  ASSERT_EQ(RunBevara("init " + data).exit_code, 0);
  const std::string log = dir.Join("data/store/versions.log");
  for (uint64_t seed : {67, 68}) ASSERT_EQ(RunBevara("ingest " + data + " " + testing::GeneratePackage(dir, seed)).exit_code, 0);
  const std::string intact = testing::ReadFile(log);
  auto blob_count = [&] {
    size_t n = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir.Join("data/store/blobs"))) n += e.is_regular_file();
    return n;
  };
  const size_t blobs = blob_count();
  std::string flipped = intact;
  flipped[intact.size() / 2] ^= 0x04;
  for (const std::string& damaged : {intact.substr(0, intact.size() - 5), flipped}) {
    testing::WriteFile(log, damaged);
    for (const char* command : {"audit", "gc", "rebuild", "export --ocfl " /* + dir */}) {
      std::string args = std::string(command) + " " + data;
      if (std::string(command).rfind("export", 0) == 0) args += " " + dir.Join("ocfl-out");
      auto run = RunBevara(args, /*with_stderr=*/true);
      EXPECT_EQ(run.exit_code, 2) << command << ": " << run.out;
      EXPECT_NE(run.out.find("versions.log"), std::string::npos) << command << ": " << run.out;
      EXPECT_NE(run.out.find("offset"), std::string::npos) << command << ": " << run.out;
    }
    EXPECT_EQ(blob_count(), blobs);
    EXPECT_FALSE(std::filesystem::exists(dir.Join("data/catalog.rebuild")));
  }
  testing::WriteFile(log, intact);
  EXPECT_EQ(RunBevara("audit " + data).exit_code, 0);
}

}  // namespace
}  // namespace bevara
