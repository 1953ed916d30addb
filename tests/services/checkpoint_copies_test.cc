// Audit-log checkpoints on a locked object-store copy (Ceph RGW with Object
// Lock): written by `bevara log checkpoint --config`, impossible to delete
// or replace with bevara's own credentials, and still proving the log when
// the data directory's checkpoints are gone or a delete hid the object.
#include "src/services/checkpoint_copies.h"

#include <gtest/gtest.h>

#include <fstream>

#include "src/access/audit_log.h"
#include "tests/cli/run_bevara.h"
#include "tests/support/object_store.h"

namespace bevara::services {
namespace {

using testing::RunBevara;
using testing::TempDir;

struct LockedCopy {
  TempDir dir;
  std::string data = dir.Join("data"), keys = dir.Join("keys");
  storage::S3Settings bucket = testing::FreshBucket(/*object_lock=*/true);
  std::string config = dir.Join("bevara.ini");

  LockedCopy() {
    EXPECT_EQ(RunBevara("init --data " + data).exit_code, 0);
    auto log = access::AuditLog::Open(Env::Default(), data + "/access");
    EXPECT_TRUE(log.ok());
    for (int i = 0; i < 4; ++i) {
      EXPECT_TRUE((*log)->Append({"tok", "archivist", "file.read", "pkg/" + std::to_string(i), "ok", "", "local"}, true).ok());
    }
    std::ofstream(config) << "[server]\ndata_dir = " << data << "\n[copy.offsite]\ntype = s3\nendpoint = " << bucket.endpoint
                          << "\nbucket = " << bucket.bucket << "\naccess_key_id = " << bucket.access_key_id
                          << "\nsecret_access_key = " << bucket.secret_access_key << "\nobject_lock_days = 1\n";
    EXPECT_EQ(RunBevara("log keygen --private-key " + keys + ".key --public-key " + keys + ".pub").exit_code, 0);
  }
  testing::CommandRun Verify(const std::string& how) {
    return RunBevara("log verify --data " + data + " --public-key " + keys + ".pub " + how, true);
  }
  testing::CommandRun VerifyFromCopy() { return Verify("--config " + config + " --checkpoints-from-copy offsite"); }
  void ExpectNotProvenFromCopy() {
    auto v = VerifyFromCopy();
    EXPECT_EQ(v.exit_code, 1) << v.out;
    EXPECT_NE(v.out.find("NOT PROVEN"), std::string::npos) << v.out;
  }
  testing::CommandRun Checkpoint() {
    return RunBevara("log checkpoint --data " + data + " --private-key " + keys + ".key --config " + config, true);
  }
};

TEST(CheckpointCopies, ACheckpointOnALockedCopyOutlivesTheDataDirectorysCheckpointsAndADelete) {
  LockedCopy c;
  auto made = c.Checkpoint();
  ASSERT_EQ(made.exit_code, 0) << made.out;
  EXPECT_NE(made.out.find("checkpoint stored on copy offsite"), std::string::npos) << made.out;
  EXPECT_EQ(made.out.find(c.bucket.secret_access_key), std::string::npos);

  auto client = storage::S3Client::Make(c.bucket);
  ASSERT_TRUE(client.ok());
  std::vector<std::string> keys;
  ASSERT_TRUE((*client)->List("audit-checkpoints/", [&](const storage::S3Object& o) {
    keys.push_back(o.key);
    return Status::OK();
  }).ok());
  ASSERT_EQ(keys.size(), 1u);
  auto retention = (*client)->Retention(keys[0]);
  ASSERT_TRUE(retention.ok()) << retention.status().ToString();
  EXPECT_EQ(retention->rfind("COMPLIANCE", 0), 0u) << *retention;

  // Whoever holds the data directory (and bevara's S3 keys) removes the
  // proof: the local checkpoints, and the object on the copy.
  ASSERT_EQ(std::remove(access::CheckpointsPath(c.data + "/access").c_str()), 0);
  ASSERT_TRUE((*client)->Delete(keys[0]).ok());
  auto versions = (*client)->Versions(keys[0]);
  ASSERT_TRUE(versions.ok());
  ASSERT_EQ(versions->size(), 1u);
  EXPECT_EQ((*client)->DeleteVersion(keys[0], (*versions)[0]).code(), StatusCode::kPermissionDenied);

  EXPECT_EQ(c.Verify("").exit_code, 1) << "nothing left here to prove with";
  auto proven = c.VerifyFromCopy();
  EXPECT_EQ(proven.exit_code, 0) << proven.out;
  EXPECT_NE(proven.out.find("1 signed checkpoints hold"), std::string::npos) << proven.out;
}

// The copy's checkpoints prove the log only while it holds what they signed.
TEST(CheckpointCopies, TheCopysCheckpointsCatchARewrittenLog) {
  LockedCopy c;
  ASSERT_EQ(c.Checkpoint().exit_code, 0);
  // The log rewritten without its entries (a fresh, consistent chain).
  ASSERT_EQ(std::remove((c.data + "/access/audit.log").c_str()), 0);
  (void)std::remove((c.data + "/access/audit.log.head").c_str());
  {
    auto log = access::AuditLog::Open(Env::Default(), c.data + "/access");
    ASSERT_TRUE(log.ok());
    for (int i = 0; i < 5; ++i) ASSERT_TRUE((*log)->Append({"x", "archivist", "file.read", "p", "ok", "", "local"}, true).ok());
  }
  c.ExpectNotProvenFromCopy();
}

// A checkpoint planted on the copy without the key proves nothing.
TEST(CheckpointCopies, ACheckpointPlantedOnTheCopyWithoutTheKeyProvesNothing) {
  LockedCopy c;
  ASSERT_EQ(c.Checkpoint().exit_code, 0);
  TempDir other;
  ASSERT_TRUE(access::GenerateCheckpointKey(Env::Default(), other.Join("k"), other.Join("p")).ok());
  auto forged = access::WriteCheckpoint(Env::Default(), c.data, other.Join("k"));
  ASSERT_TRUE(forged.ok()) << forged.status().ToString();
  storage::CopyPolicy policy = storage::LocalOnlyPolicy();
  policy.copies.push_back({.name = "offsite", .s3 = c.bucket});
  std::vector<std::string> stored;
  ASSERT_TRUE(StoreCheckpointOnCopies(policy, *forged, &stored).ok());
  EXPECT_EQ(stored, std::vector<std::string>{"offsite"});
  c.ExpectNotProvenFromCopy();
}

}  // namespace
}  // namespace bevara::services
