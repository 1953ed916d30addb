// `bevara ingest --config` with a copy that must confirm (acknowledge = all):
// the receipt, which is the acknowledgement, is printed only once the copy
// holds every blob of the version; a copy that cannot be reached leaves the
// package archived here and unacknowledged.
#include <gtest/gtest.h>

#include <fstream>

#include "tests/cli/run_bevara.h"
#include "tests/support/archive_fixture.h"
#include "tests/support/object_store.h"

namespace bevara::testing {
namespace {

std::string WriteConfig(const TempDir& dir, const storage::S3Settings& s) {
  const std::string path = dir.Join("bevara.ini");
  std::ofstream(path) << "[copy.offsite]\ntype = s3\nendpoint = " << s.endpoint << "\nbucket = " << s.bucket
                      << "\naccess_key_id = " << s.access_key_id << "\nsecret_access_key = " << s.secret_access_key
                      << "\nacknowledge = all\n";
  return path;
}

TEST(IngestCopies, TheReceiptWaitsForTheCopy) {
  TempDir dir;
  const std::string data = dir.Join("data");
  ASSERT_EQ(RunBevara("init --data " + data).exit_code, 0);
  const std::string config = WriteConfig(dir, FreshBucket());
  const std::string package = GeneratePackage(dir, 41, 3, "tar", "i41");
  CommandRun ingest = RunBevara("ingest --data " + data + " --config " + config + " " + package);
  ASSERT_EQ(ingest.exit_code, 0) << ingest.out;
  EXPECT_NE(ingest.out.find("\"package_id\""), std::string::npos) << "the receipt";
  CommandRun status = RunBevara("copies status --data " + data + " --config " + config);
  EXPECT_EQ(status.exit_code, 0) << status.out;
}

TEST(IngestCopies, ACopyOutOfReachLeavesThePackageArchivedButUnacknowledged) {
  TempDir dir;
  const std::string data = dir.Join("data");
  ASSERT_EQ(RunBevara("init --data " + data).exit_code, 0);
  storage::S3Settings gone = FreshBucket();
  gone.endpoint = "http://127.0.0.1:9";  // nothing listens
  const std::string config = WriteConfig(dir, gone);
  const std::string package = GeneratePackage(dir, 42, 3, "tar", "i42");
  CommandRun ingest = RunBevara("ingest --data " + data + " --config " + config + " " + package, /*with_stderr=*/true);
  EXPECT_EQ(ingest.exit_code, 2) << ingest.out;
  EXPECT_NE(ingest.out.find("not acknowledged"), std::string::npos) << ingest.out;
  EXPECT_EQ(ingest.out.find("\"package_id\""), std::string::npos) << "no receipt: " << ingest.out;
  EXPECT_EQ(ingest.out.find(gone.secret_access_key), std::string::npos);
  EXPECT_EQ(RunBevara("audit --data " + data).exit_code, 0) << "archived here, whole";
}

}  // namespace
}  // namespace bevara::testing
