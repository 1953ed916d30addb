// CopyService: the copies at work inside `bevara serve`, on one background
// thread of their own:
//   * replication: every remote copy is brought level with the version log
//     a few seconds after a deposit (Notify) and every minute besides; a
//     copy that does not answer is tried again with growing pauses (up to a
//     minute), and resumes where its ledger stands;
//   * fixity on a schedule: every copy's blobs are re-hashed once per its
//     audit period (FixitySchedule), a share at each tick, within the copy's
//     byte-rate budget; what is found damaged is repaired from a good copy
//     at once, and findings and repairs go to the audit log;
//   * acknowledgement: a deposit whose policy waits for copies asks
//     WaitForCopies before it tells anyone the package is archived;
//   * downloads: a blob damaged locally is repaired from a good copy before
//     it is sent (RepairLocal).
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "src/access/audit_log.h"
#include "src/common/mutex.h"
#include "src/common/result.h"
#include "storage/archive/archive.h"
#include "storage/copies/copy_policy.h"
#include "storage/copies/copy_set.h"
#include "storage/copies/fixity_schedule.h"
#include "storage/copies/replicator.h"

namespace bevara::services {

struct CopyServiceOptions {
  std::chrono::milliseconds replicate_every{60000};  // besides after each Notify
  std::chrono::milliseconds notify_delay{200};      // deposits that come together go together
  std::chrono::milliseconds fixity_every{60000};
  std::chrono::milliseconds max_backoff{60000};
};

class CopyService {
 public:
  // Opens the copies (a store that does not answer yet is waited for).
  // REQUIRES: archive and log outlive the service.
  static Result<std::unique_ptr<CopyService>> Start(storage::Archive* archive, const storage::CopyPolicy& policy,
                                                    access::AuditLog* log, CopyServiceOptions options = {});
  ~CopyService();  // Stop()
  // Stops the thread (a transfer in flight ends first) and lets deposits
  // waiting in WaitForCopies go (as not confirmed). The server calls it
  // before it stops its deposit workers.
  void Stop();

  const storage::CopyPolicy& policy() const { return copies_->policy(); }

  // A deposit or a decision changed the archive: replicate soon.
  void Notify();
  // Waits until every copy the policy acknowledges with holds every blob of
  // the version: OK, or Unavailable naming the copies still missing it when
  // `timeout` passed (the version is archived locally and will be copied).
  Status WaitForCopies(const std::string& package, uint32_t version, std::chrono::milliseconds timeout);
  // Audits copy `name` whole, now (on the service's thread; with `repair`,
  // repairs what it finds). False when one is already waiting to run. Its
  // report is in StatusJson() as the copy's "last_audit".
  bool RequestAudit(const std::string& name, bool repair);
  // Restores a locally damaged blob from a good remote copy. OK when it is
  // whole again; NotFound when no copy could give good bytes.
  Status RepairLocal(const std::string& blob);

  // GET /api/v1/copies and the dashboard: CopiesStatus with, per copy, its
  // last replication and error, and its fixity schedule's progress.
  Result<nlohmann::json> StatusJson();

 private:
  struct CopyWork {
    std::string name;
    std::unique_ptr<storage::FixitySchedule> schedule;
    int64_t next_replication_us = 0;
    int64_t backoff_us = 0;
    int64_t next_fixity_us = 0;
    std::string last_replication, last_error;
  };
  CopyService(storage::Archive* archive, access::AuditLog* log, CopyServiceOptions options)
      : archive_(archive), env_(archive->env()), log_(log), options_(options) {}
  void Loop();
  void ReplicateCopy(CopyWork& work, const storage::OpenCopy& copy);
  void CheckFixity(CopyWork& work, const storage::OpenCopy& copy);
  void AuditWhole(const storage::OpenCopy& copy, bool repair);
  void RecordFindings(const storage::OpenCopy& copy, const storage::CopyAuditReport& report);
  Result<std::vector<storage::HeldBlob>> Held();
  void Audit(const std::string& action, const std::string& target, const std::string& outcome, const std::string& detail);

  storage::Archive* archive_;
  Env* env_;
  access::AuditLog* log_;
  const CopyServiceOptions options_;
  std::unique_ptr<storage::CopySet> copies_;
  std::vector<CopyWork> work_;  // the loop's own; read under mu_ by Status()
  Mutex mu_;
  CondVar wake_;
  CondVar copied_;
  bool notified_ GUARDED_BY(mu_) = false;
  bool stop_ GUARDED_BY(mu_) = false;
  std::map<std::string, std::pair<std::string, std::string>> shown_ GUARDED_BY(mu_);  // copy -> last run, last error
  std::map<std::string, bool> audits_wanted_ GUARDED_BY(mu_);  // copy -> repair
  std::map<std::string, nlohmann::json> last_audit_ GUARDED_BY(mu_);
  std::map<std::string, std::string> fixity_errors_ GUARDED_BY(mu_);   // copy -> why its last share stopped
  std::map<std::string, int64_t> repair_failed_at_ GUARDED_BY(mu_);    // blob -> when a repair last failed
  // Each copy's lag, as measured at an archive generation and a count of
  // the copy's confirmations: measured again when either moved (the
  // dashboard and GET /api/v1/copies ask often; measuring reads records).
  struct KnownLag {
    uint64_t generation = ~0ull, confirmed = ~0ull;
    storage::CopyLag lag;
  };
  Result<storage::CopyLag> LagOf(const storage::OpenCopy& copy);
  Mutex lag_mu_;
  std::map<std::string, KnownLag> lags_ GUARDED_BY(lag_mu_);
  Mutex held_mu_;
  uint64_t held_generation_ GUARDED_BY(held_mu_) = ~0ull;
  std::vector<storage::HeldBlob> held_ GUARDED_BY(held_mu_);
  std::mutex repair_mu_;  // one repair at a time (guards no data: a protocol)
  std::atomic<bool> cancel_{false};
  std::thread thread_;
};

}  // namespace bevara::services
