// Signed checkpoints prove the audit log to someone without the key's
// trust in the data directory: a rewritten chain, entries removed, a
// checkpoint forged or deleted: each is caught.
#include "src/access/log_checkpoint.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include "src/access/audit_log.h"
#include "src/common/file_util.h"
#include "tests/test_util.h"

namespace bevara::access {
namespace {

using testing::TempDir;

void Write(const std::string& dir, int n, const std::string& who) {
  auto log = AuditLog::Open(Env::Default(), dir).value();
  for (int i = 0; i < n; ++i) {
    ASSERT_TRUE(log->Append({who, "archivist", "file.read", "pkg/" + std::to_string(i), "ok", "", "local"}, true).ok());
  }
}

// What someone who can write the data directory but has no key does: a
// fresh, self-consistent chain without the entries they dislike.
void Rewrite(const TempDir& data, int n) {
  const std::string dir = data.Join("access");
  ASSERT_TRUE(RemoveTree(Env::Default(), dir + "/audit.log").ok());
  (void)Env::Default()->RemoveFile(dir + "/audit.log.head");
  Write(dir, n, "rewritten");
}

struct Keys {
  TempDir dir;  // outside the data directory
  std::string priv = dir.Join("audit.key"), pub = dir.Join("audit.pub");
  Keys() { EXPECT_TRUE(GenerateCheckpointKey(Env::Default(), priv, pub).ok()); }
};

TEST(LogCheckpoint, ACheckpointHoldsWhileTheLogDoes) {
  TempDir data;
  Keys keys;
  Write(data.Join("access"), 5, "tok");
  auto c = WriteCheckpoint(Env::Default(), data.path(), keys.priv);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->entries, 5u);
  Write(data.Join("access"), 2, "tok");  // the log goes on after it
  auto cps = ReadCheckpoints(Env::Default(), CheckpointsPath(data.Join("access"))).value();
  ASSERT_EQ(cps.size(), 1u);
  auto v = VerifyCheckpoints(Env::Default(), data.Join("access"), keys.pub, cps).value();
  EXPECT_TRUE(v.ok()) << v.problem;
  EXPECT_EQ(v.entries, 7u);
  EXPECT_EQ(v.checkpoints, 1u);
  // The key file is PEM an operator can use with openssl; only the owner reads the private one.
  EXPECT_NE(testing::ReadFile(keys.pub).find("BEGIN PUBLIC KEY"), std::string::npos);
  struct stat st {};
  ASSERT_EQ(::stat(keys.priv.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(LogCheckpoint, ARewrittenChainIsCaught) {
  TempDir data;
  Keys keys;
  Write(data.Join("access"), 5, "tok");
  ASSERT_TRUE(WriteCheckpoint(Env::Default(), data.path(), keys.priv).ok());
  const auto cps = ReadCheckpoints(Env::Default(), CheckpointsPath(data.Join("access"))).value();
  Rewrite(data, 3);
  ASSERT_TRUE(VerifyAuditLog(Env::Default(), data.Join("access")).value().ok()) << "the keyless chain is fooled";
  auto shorter = VerifyCheckpoints(Env::Default(), data.Join("access"), keys.pub, cps).value();
  EXPECT_NE(shorter.problem.find("entries were removed"), std::string::npos) << shorter.problem;
  Rewrite(data, 6);
  auto rewritten = VerifyCheckpoints(Env::Default(), data.Join("access"), keys.pub, cps).value();
  EXPECT_NE(rewritten.problem.find("rewritten"), std::string::npos) << rewritten.problem;
}

TEST(LogCheckpoint, ForgedOrDeletedCheckpointsAreCaught) {
  TempDir data;
  Keys keys, other;
  Write(data.Join("access"), 4, "tok");
  TempDir elsewhere;
  auto c = WriteCheckpoint(Env::Default(), data.path(), keys.priv).value();
  ASSERT_TRUE(AppendCheckpoint(Env::Default(), elsewhere.Join("copy.log"), c).ok());
  // Signed by another key: not this archive's.
  auto forged = WriteCheckpoint(Env::Default(), data.path(), other.priv).value();
  auto v = VerifyCheckpoints(Env::Default(), data.Join("access"), keys.pub, {forged}).value();
  EXPECT_NE(v.problem.find("not signed by this key"), std::string::npos) << v.problem;
  // A signature that was edited.
  LogCheckpoint edited = c;
  edited.entries = 3;
  v = VerifyCheckpoints(Env::Default(), data.Join("access"), keys.pub, {edited}).value();
  EXPECT_FALSE(v.ok());
  // The checkpoints deleted from the data directory, and the log rewritten:
  // the copy kept elsewhere still catches it.
  ASSERT_TRUE(Env::Default()->RemoveFile(CheckpointsPath(data.Join("access"))).ok());
  Rewrite(data, 4);
  auto none = ReadCheckpoints(Env::Default(), CheckpointsPath(data.Join("access"))).value();
  v = VerifyCheckpoints(Env::Default(), data.Join("access"), keys.pub, none).value();
  EXPECT_NE(v.problem.find("no signed checkpoint"), std::string::npos) << v.problem;
  auto copy = ReadCheckpoints(Env::Default(), elsewhere.Join("copy.log")).value();
  v = VerifyCheckpoints(Env::Default(), data.Join("access"), keys.pub, copy).value();
  EXPECT_NE(v.problem.find("rewritten"), std::string::npos) << v.problem;
}

TEST(LogCheckpoint, RefusesAKeyInsideTheDataDirectoryOrOneThatCannotSign) {
  TempDir data;
  Write(data.Join("access"), 2, "tok");
  const std::string inside = data.Join("audit.key");
  ASSERT_TRUE(GenerateCheckpointKey(Env::Default(), inside, data.Join("audit.pub")).ok());
  auto refused = WriteCheckpoint(Env::Default(), data.path(), inside);
  EXPECT_EQ(refused.status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(Env::Default()->Stat(CheckpointsPath(data.Join("access"))).ok()) << "nothing was signed";
  EXPECT_EQ(GenerateCheckpointKey(Env::Default(), inside, data.Join("x.pub")).code(), StatusCode::kInvalidArgument)
      << "an existing key is never overwritten";
  Keys keys;
  EXPECT_EQ(WriteCheckpoint(Env::Default(), data.path(), keys.pub).status().code(), StatusCode::kInvalidArgument)
      << "a public key cannot sign";
}

}  // namespace
}  // namespace bevara::access
