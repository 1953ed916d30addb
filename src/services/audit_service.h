// AuditService: fixity audits started over the API, run one at a time on a
// background thread (an audit reads every byte of the archive; two at once
// would only halve each other's speed). Each audit is a job in the JobStore,
// its report the job's result, so it outlives the server process. An audit
// the server's stop (or a crash) cut short is recorded as cancelled.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

#include "src/access/audit_log.h"
#include "src/common/mutex.h"
#include "src/common/result.h"
#include "src/services/job_store.h"
#include "storage/archive/archive.h"
#include "storage/archive/audit.h"

namespace bevara::services {

struct AuditRun {
  std::string id;
  std::string package_id;  // empty: the whole archive
  std::string requested_by;
  JobState state = JobState::kRunning;  // running, clean, problems, failed, cancelled
  std::string started, finished;
  storage::AuditProgress progress;
  nlohmann::json report;  // when finished: the AuditReport, or {"error": code}
};

struct StartedAudit {
  AuditRun run;
  bool already_running = false;  // `run` is the audit that was running; none was started
};

class AuditService {
 public:
  // REQUIRES: archive, log and jobs outlive the service.
  // `before_run` (may be empty) is called as each audit starts: the server
  // lets go of the blobs it holds locked in memory, so that the audit reads
  // every blob from the disk.
  AuditService(storage::Archive* archive, access::AuditLog* log, JobStore* jobs, uint64_t max_bytes_per_second,
               std::function<void()> before_run = {});
  ~AuditService();  // waits for a running audit to stop at its next progress report

  // NotFound for an unknown package.
  Result<StartedAudit> Start(const std::string& package_id, const std::string& requested_by);
  // A running or finished audit (also of an earlier server run).
  std::optional<AuditRun> Get(const std::string& id);

 private:
  void Run(const std::string& id, const std::string& package_id);
  void Record(AuditRun run);  // the finished run into the job store

  storage::Archive* archive_;
  Env* env_;
  access::AuditLog* log_;
  JobStore* jobs_;
  uint64_t max_bytes_per_second_;
  std::function<void()> before_run_;
  Mutex mu_;
  std::optional<AuditRun> running_ GUARDED_BY(mu_);
  std::atomic<bool> cancel_{false};  // set at shutdown
  std::thread thread_;
};

}  // namespace bevara::services
