// The deposit service on its own, where its timing can be controlled: two
// identical deposits at once while the first is still being recorded.
#include "src/services/deposit_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "src/access/audit_log.h"
#include "tests/support/archive_fixture.h"
#include "tests/test_util.h"

namespace bevara::services {
namespace {

using testing::TempDir;

// Every fsync of the job log takes a while: the window in which a deposit
// is remembered but not yet recorded stays open long enough to be hit. And
// the next one may be made to fail.
class SlowJobLogEnv final : public EnvWrapper {
 public:
  explicit SlowJobLogEnv(Env* base) : EnvWrapper(base) {}
  Result<std::unique_ptr<WritableFile>> OpenForAppend(const std::string& path) override {
    auto file = EnvWrapper::OpenForAppend(path);
    if (!file.ok() || path.find("jobs.log") == std::string::npos) return file;
    return std::unique_ptr<WritableFile>(new SlowFile(std::move(*file), &fail_next_sync_));
  }
  void FailNextSync() { fail_next_sync_ = true; }

 private:
  class SlowFile final : public WritableFile {
   public:
    SlowFile(std::unique_ptr<WritableFile> base, std::atomic<bool>* fail) : base_(std::move(base)), fail_(fail) {}
    Status Append(const char* data, size_t n) override { return base_->Append(data, n); }
    Status Sync() override {
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
      if (fail_->exchange(false)) return Status::IOError("fsync jobs.log: injected");
      return base_->Sync();
    }
    Status Close() override { return base_->Close(); }

   private:
    std::unique_ptr<WritableFile> base_;
    std::atomic<bool>* fail_;
  };
  std::atomic<bool> fail_next_sync_{false};
};

struct Service {
  explicit Service(const TempDir& dir) : slow(Env::Default()) {
    archive = testing::OpenArchiveOrDie(dir.Join("data"));
    jobs = JobStore::Open(&slow, dir.Join("server")).value();
    log = access::AuditLog::Open(Env::Default(), dir.Join("server")).value();
    DepositOptions options;
    options.server_dir = dir.Join("server");
    deposits = DepositService::Start(archive.get(), testing::Schemas(), log.get(), jobs.get(), options).value();
  }
  // Deposits a zip body (written to an upload file, not streamed: no worker
  // timing involved) with an Idempotency-Key.
  void Deposit(Result<Job>* out, bool* repeat) {
    access::Principal who;
    who.role = access::Role::kArchivist;
    who.token_id = "tok";
    const std::string body = "PK not really a zip";
    auto pending = deposits->Begin(who);
    ASSERT_TRUE(pending.ok()) << pending.status().ToString();
    ASSERT_TRUE((*pending)->Write(body.data(), body.size()).ok());
    *out = (*pending)->Finish("key-1", repeat);
  }

  SlowJobLogEnv slow;
  std::unique_ptr<storage::Archive> archive;
  std::unique_ptr<JobStore> jobs;
  std::unique_ptr<access::AuditLog> log;
  std::unique_ptr<DepositService> deposits;
};

TEST(DepositServiceTest, AnIdenticalDepositWhileTheFirstIsRecordedGetsTheFirstJob) {
  TempDir dir;
  Service service(dir);
  Result<Job> first = Status::Internal("unset"), second = Status::Internal("unset");
  bool first_repeat = true, second_repeat = true;
  std::thread a([&] { service.Deposit(&first, &first_repeat); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // inside the first's recording
  std::thread b([&] { service.Deposit(&second, &second_repeat); });
  a.join();
  b.join();
  // Which thread got in first is up to the scheduler; what must hold is
  // that one job was made and the other deposit was told it is a repeat.
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  EXPECT_EQ(first->id, second->id);
  EXPECT_NE(first_repeat, second_repeat) << "exactly one of the two is a repeat";
  EXPECT_EQ(service.jobs->List(JobKind::kDeposit).size(), 1u);
}

// The first could not be recorded (its client hears so): the identical one
// that waited on it is not a repeat of nothing, but a deposit of its own.
TEST(DepositServiceTest, AnIdenticalDepositWhileTheFirstFailsToBeRecordedIsItsOwn) {
  TempDir dir;
  Service service(dir);
  service.slow.FailNextSync();
  Result<Job> first = Status::Internal("unset"), second = Status::Internal("unset");
  bool first_repeat = true, second_repeat = true;
  std::thread a([&] { service.Deposit(&first, &first_repeat); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  std::thread b([&] { service.Deposit(&second, &second_repeat); });
  a.join();
  b.join();
  // One was the deposit whose recording failed (its client hears so); the
  // other is a job of its own, not a repeat of one that does not exist.
  ASSERT_NE(first.ok(), second.ok()) << first.status().ToString() << " / " << second.status().ToString();
  const Result<Job>& failed = first.ok() ? second : first;
  const bool made_repeat = first.ok() ? first_repeat : second_repeat;
  EXPECT_EQ(failed.status().code(), StatusCode::kIOError) << failed.status().ToString();
  EXPECT_FALSE(made_repeat);
  EXPECT_EQ(service.jobs->List(JobKind::kDeposit).size(), 1u);
}

}  // namespace
}  // namespace bevara::services
