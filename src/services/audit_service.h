// AuditService: fixity audits started over the API, run one at a time on a
// background thread (an audit reads every byte of the archive; two at once
// would only halve each other's speed). A finished audit's report is kept
// in <dir>/<id>.json, so it outlives the server process.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "src/access/audit_log.h"
#include "src/common/result.h"
#include "storage/archive/archive.h"
#include "storage/archive/audit.h"

namespace bevara::services {

struct AuditRun {
  std::string id;
  std::string package_id;  // empty: the whole archive
  std::string requested_by;
  std::string state;       // running, clean, problems, failed
  std::string started, finished;
  storage::AuditProgress progress;
  std::string report_json;  // when finished (AuditReport::ToJson), or the error
};

class AuditService {
 public:
  AuditService(storage::Archive* archive, access::AuditLog* log, std::string dir, uint64_t max_bytes_per_second);
  ~AuditService();  // waits for a running audit to stop at its next progress report

  // AlreadyExists (with the running audit's id as message) while one runs.
  Result<AuditRun> Start(const std::string& package_id, const std::string& requested_by);
  // A running or finished audit (also of an earlier server run).
  std::optional<AuditRun> Get(const std::string& id);

 private:
  void Run(std::string id);

  storage::Archive* archive_;
  access::AuditLog* log_;
  std::string dir_;
  uint64_t max_bytes_per_second_;
  std::mutex mu_;
  std::map<std::string, AuditRun> runs_;  // guarded by mu_
  std::string running_;                   // guarded by mu_
  std::atomic<bool> cancel_{false};       // set at shutdown
  std::thread thread_;
};

}  // namespace bevara::services
