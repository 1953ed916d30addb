// The job store: jobs and their results survive a restart in one record
// log, unfinished ones are handed back, damage is named, and the job files
// of an older bevara are taken over.
#include "src/services/job_store.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "src/common/record_log.h"
#include "src/services/idempotency.h"
#include "tests/support/fault_injection_env.h"
#include "tests/test_util.h"

namespace bevara::services {
namespace {

using testing::TempDir;

Job Deposit(const std::string& id, const std::string& key = "", const std::string& sha = "aa") {
  Job j;
  j.id = id;
  j.kind = JobKind::kDeposit;
  j.token_id = "tok";
  j.created = "2026-11-30T10:00:00.000Z";
  j.idempotency_key = key;
  j.body_sha256 = sha;
  j.size = 42;
  return j;
}

TEST(JobStoreTest, JobsAndResultsSurviveARestartAndUnfinishedOnesAreHandedBack) {
  TempDir dir;
  {
    auto store = JobStore::Open(Env::Default(), dir.path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->Add(Deposit("a")).ok());
    ASSERT_TRUE((*store)->Add(Deposit("b")).ok());
    EXPECT_TRUE((*store)->Add(Deposit("a")).IsAlreadyExists());
    ASSERT_TRUE((*store)->SetRunning("a").ok());
    Job done = *(*store)->Find("a");
    done.state = JobState::kArchived;
    done.package_id = "pkg";
    done.version = 2;
    done.finished = "2026-11-30T10:00:05.000Z";
    ASSERT_TRUE((*store)->Finish(done, {{"outcome", "archived"}, {"receipt", {{"record", "r"}}}}).ok());
    EXPECT_FALSE((*store)->Finish(Deposit("b"), {}).ok()) << "a job finishes in a state that says how";
    // A job ends once.
    Job again = done;
    again.state = JobState::kFailed;
    EXPECT_EQ((*store)->Finish(again, {}).code(), StatusCode::kInvalidArgument);
    EXPECT_EQ((*store)->SetRunning("a").code(), StatusCode::kInvalidArgument);
    EXPECT_EQ((*store)->Find("a")->state, JobState::kArchived);
    EXPECT_TRUE((*store)->ResultOf("b").status().IsNotFound());
  }
  auto store = JobStore::Open(Env::Default(), dir.path());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto a = (*store)->Find("a");
  ASSERT_TRUE(a.has_value());
  EXPECT_EQ(a->state, JobState::kArchived);
  EXPECT_EQ(a->version, 2u);
  EXPECT_EQ((*(*store)->ResultOf("a"))["receipt"]["record"], "r");
  auto unfinished = (*store)->Unfinished(JobKind::kDeposit);
  ASSERT_EQ(unfinished.size(), 1u);
  EXPECT_EQ(unfinished[0].id, "b");
  EXPECT_TRUE((*store)->Unfinished(JobKind::kAudit).empty());
  EXPECT_EQ((*store)->List(JobKind::kDeposit).front().id, "b");  // newest first
}

// A second end recorded for a finished job (an earlier build could write
// one) is not damage: the log opens, and the first end stands.
TEST(JobStoreTest, ASecondEndOfAJobInTheLogLeavesTheFirst) {
  TempDir dir;
  {
    auto store = JobStore::Open(Env::Default(), dir.path());
    ASSERT_TRUE((*store)->Add(Deposit("a")).ok());
    Job done = *(*store)->Find("a");
    done.state = JobState::kArchived;
    ASSERT_TRUE((*store)->Finish(done, {{"outcome", "archived"}}).ok());
  }
  {
    auto log = RecordLog::Open(Env::Default(), dir.Join("jobs.log"));
    ASSERT_TRUE(log.ok());
    const nlohmann::json failed = {{"id", "a"},          {"kind", "deposit"},      {"state", "failed"},
                                   {"token_id", "tok"},  {"producer", ""},         {"created", ""},
                                   {"finished", ""},     {"idempotency_key", ""},  {"body_sha256", "aa"},
                                   {"size", 42},         {"package_id", ""},       {"version", 0}};
    nlohmann::json record = {{"event", "finished"}, {"id", "a"}, {"job", failed}, {"result", {{"outcome", "failed"}}}};
    ASSERT_TRUE((*log)->Append(record.dump()).ok());
  }
  auto store = JobStore::Open(Env::Default(), dir.path());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->Find("a")->state, JobState::kArchived);
  EXPECT_EQ((*(*store)->ResultOf("a"))["outcome"], "archived");
}

TEST(JobStoreTest, DamageToTheJobLogIsAnErrorNamingIt) {
  TempDir dir;
  {
    auto store = JobStore::Open(Env::Default(), dir.path());
    ASSERT_TRUE((*store)->Add(Deposit("a")).ok());
    ASSERT_TRUE((*store)->Add(Deposit("b")).ok());
  }
  const std::string intact = testing::ReadFile(dir.Join("jobs.log"));
  testing::WriteFile(dir.Join("jobs.log"), intact.substr(0, intact.size() - 4));
  auto store = JobStore::Open(Env::Default(), dir.path());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kCorruption);
  EXPECT_NE(store.status().message().find("jobs.log"), std::string::npos) << store.status().ToString();
}

void WriteOldJobFiles(const TempDir& dir) {
  std::filesystem::create_directories(dir.Join("jobs"));
  std::filesystem::create_directories(dir.Join("audits"));
  testing::WriteFile(dir.Join("jobs/j1.json"),
                     R"({"id":"j1","state":"archived","created":"2026-01-01T00:00:00.000Z","token":"t","producer":"",)"
                     R"("idempotency_key":"k","sha256":"s1","size":10,"finished":"2026-01-01T00:00:01.000Z",)"
                     R"("package_id":"p","version":1,"receipt":{"archived":true,"aip":{"package_id":"p"}}})");
  testing::WriteFile(dir.Join("jobs/j2.json"),
                     R"({"id":"j2","state":"queued","created":"2026-01-02T00:00:00.000Z","token":"t","producer":"",)"
                     R"("idempotency_key":"","sha256":"s2","size":10})");
  testing::WriteFile(dir.Join("jobs/j3.json.tmp-abc"), "half");
  testing::WriteFile(dir.Join("audits/a1.json"),
                     R"({"id":"a1","package_id":"","requested_by":"t","state":"clean","started":"s","finished":"f",)"
                     R"("blobs_done":3,"blobs_total":3,"bytes_done":99,"seconds":0.5,"report":"{\"clean\":true}"})");
}

TEST(JobStoreTest, TheJobFilesOfAnOlderBevaraAreTakenOver) {
  TempDir dir;
  WriteOldJobFiles(dir);
  auto store = JobStore::Open(Env::Default(), dir.path());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ((*store)->Find("j1")->state, JobState::kArchived);
  EXPECT_EQ((*(*store)->ResultOf("j1"))["receipt"]["aip"]["package_id"], "p");
  ASSERT_EQ((*store)->Unfinished(JobKind::kDeposit).size(), 1u);
  EXPECT_EQ((*store)->Unfinished(JobKind::kDeposit)[0].id, "j2");
  EXPECT_EQ((*store)->Find("a1")->kind, JobKind::kAudit);
  EXPECT_EQ((*(*store)->ResultOf("a1"))["report"]["clean"], true);
  EXPECT_FALSE(std::filesystem::exists(dir.Join("jobs")));
  EXPECT_TRUE(std::filesystem::exists(dir.Join("jobs.migrated/j1.json")));
  store->reset();
  // Once: opened again, nothing is taken over twice.
  auto again = JobStore::Open(Env::Default(), dir.path());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ((*again)->List(JobKind::kDeposit).size(), 2u);
}

// A crash at every step of the taking over: the next open finishes it, and
// a finished job is never left created but unfinished (it would run again).
TEST(JobStoreTest, ATakeOverCutShortIsFinishedAtTheNextOpen) {
  for (int crash_after = 1; crash_after < 30; ++crash_after) {
    SCOPED_TRACE("crash after " + std::to_string(crash_after));
    TempDir dir;
    WriteOldJobFiles(dir);
    {
      testing::FaultInjectionEnv env(Env::Default());
      env.CrashAfter(static_cast<uint64_t>(crash_after));
      (void)JobStore::Open(&env, dir.path());
      env.DropUnsyncedData();
    }
    auto store = JobStore::Open(Env::Default(), dir.path());
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ASSERT_TRUE((*store)->Find("j1").has_value());
    EXPECT_EQ((*store)->Find("j1")->state, JobState::kArchived);
    EXPECT_EQ((*store)->Find("a1")->state, JobState::kClean);
    auto unfinished = (*store)->Unfinished(JobKind::kDeposit);
    ASSERT_EQ(unfinished.size(), 1u);
    EXPECT_EQ(unfinished[0].id, "j2");
  }
}

TEST(IdempotencyIndexTest, ARepeatIsTheSameKeyWithTheSameBytesOrTheSameBytes) {
  IdempotencyIndex index;
  index.Remember(Deposit("first", "k", "s1"));
  EXPECT_FALSE(index.FirstOf(Deposit("x", "other", "s2")).has_value());
  EXPECT_EQ(*(*index.FirstOf(Deposit("x", "k", "s1"))), "first");
  EXPECT_EQ(*(*index.FirstOf(Deposit("x", "", "s1"))), "first");
  auto reused = index.FirstOf(Deposit("x", "k", "s2"));
  ASSERT_TRUE(reused.has_value());
  EXPECT_EQ(reused->status().rule(), "IDEMPOTENCY-KEY-REUSED");
  Job another_token = Deposit("x", "k", "s1");
  another_token.token_id = "other";
  EXPECT_FALSE(index.FirstOf(another_token).has_value());
  index.Forget(Deposit("first", "k", "s1"));
  EXPECT_FALSE(index.FirstOf(Deposit("x", "k", "s1")).has_value());
}

}  // namespace
}  // namespace bevara::services
