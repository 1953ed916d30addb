// DepositService: packages deposited over HTTP, ingested off the request
// threads by a bounded pool of workers. Each deposit is a job in the
// JobStore (job_store.h).
//
//   Begin()      reserves one of `queue` places, or Unavailable: checked
//                before the body is read, so a full server reads nothing it
//                cannot take.
//   Write()      streams the body to <server_dir>/uploads, hashing it; past
//                the size limit: ResourceExhausted.
//   Finish()     fsyncs the upload, records the job (durably), then queues
//                it; only then is the deposit acknowledged. A repeat (same
//                Idempotency-Key, or same bytes, from the same token) gets the
//                first job instead (IdempotencyIndex), and its upload is
//                dropped.
//   workers      ingest (validate, store, catalog) and record the outcome.
//
// A tar body that arrives while a worker is idle streams instead: the worker
// ingests it as it arrives, through a bounded buffer (StreamingBody), and it
// is never written as an upload file — a large deposit is written to disk
// once, as blobs. The worker publishes nothing until Finish() has decided
// that the deposit stands (not a repeat, not a reused key); a dropped
// deposit (also a failed upload) stops the ingest and stores nothing.
// Finish() then waits for the ingest to end, so the client's answer comes
// with a finished, durable job. Zip bodies always go through an upload file:
// the zip reader needs to seek to the central directory.
//
// At start, deposits still queued (the server stopped or crashed) run again:
// an ingest is idempotent, and a half-done one left nothing referenced. A
// streamed deposit cut off by a crash was never acknowledged; it is
// recorded as failed.
//
// No exception ends a worker: one that escapes an ingest fails that job and
// is logged.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "ingest/pipeline/ingester.h"
#include "ingest/xml/schema_set.h"
#include "src/access/audit_log.h"
#include "src/access/principal.h"
#include "src/common/mutex.h"
#include "src/common/result.h"
#include "src/services/idempotency.h"
#include "src/services/job_store.h"
#include "src/services/streaming_body.h"
#include "storage/archive/archive.h"

namespace bevara::services {

struct DepositOptions {
  std::string server_dir;  // <data>/server
  int workers = 2;
  int queue = 16;
  uint64_t max_package_bytes = 64ull << 30;
  // Called on a worker thread once a deposit's new version is archived and
  // its job recorded (the server indexes it for search). May be empty.
  std::function<void(const std::string& package_id)> on_archived;
  // Called on a worker thread once a deposit's version is durable here,
  // before the deposit is reported archived: the copies the policy waits
  // for confirm it (CopyService::WaitForCopies). Not OK: the job fails with
  // code copies_unconfirmed (the version stays archived here and is copied
  // when the copy answers; the same package sent again is acknowledged
  // then). May be empty.
  std::function<Status(const std::string& package_id, uint32_t version)> before_acknowledge;
  // The job log was set aside as damaged: an upload no job names may then
  // be an accepted deposit, so it is moved to <server>/uploads.orphaned/
  // for the operator, not removed as the leftover of a cut-off deposit.
  bool job_log_was_reset = false;
  // What every deposit's ingest starts from: format identification, the
  // format policy, the virus scanner.
  ingest::IngestOptions ingest;
};

// How a finished deposit ended, as its result document says ("outcome").
enum class DepositOutcome { kArchived, kDuplicate, kRejected, kRejectedProducer, kFailed };
const char* DepositOutcomeName(DepositOutcome outcome);

class DepositService;

// A deposit ingested while it arrives: what the worker and the request
// thread share.
struct StreamingRun {
  enum class Decision { kPending, kAccepted, kDropped };
  std::shared_ptr<StreamingBody> body;
  access::Principal who;
  void Decide(Decision d);
  Decision Wait();
  void Conclude();
  void WaitConcluded();

 private:
  Mutex mu;
  CondVar cv;
  Decision decision GUARDED_BY(mu) = Decision::kPending;
  bool concluded GUARDED_BY(mu) = false;  // the worker recorded the job's result
};

// One deposit being received. Destroying it without Finish() releases its
// place and removes what was received.
class PendingDeposit {
 public:
  ~PendingDeposit();
  // ResourceExhausted when the body grows past the limit.
  Status Write(const char* data, size_t n);
  // The job, new or (for a repeat) the first one. `*repeat` tells which.
  // Rejected (IDEMPOTENCY-KEY-REUSED) when an Idempotency-Key is reused for
  // other bytes; InvalidArgument when there was no body.
  Result<Job> Finish(const std::string& idempotency_key, bool* repeat);

 private:
  friend class DepositService;
  PendingDeposit(DepositService* service, access::Principal who, std::string id);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class DepositService {
 public:
  // REQUIRES: everything given outlives the service.
  static Result<std::unique_ptr<DepositService>> Start(storage::Archive* archive,
                                                       std::shared_ptr<const ingest::SchemaSet> schemas,
                                                       access::AuditLog* log, JobStore* jobs, DepositOptions options);
  ~DepositService();  // stops the workers after their current job

  // Unavailable when `queue` deposits are already waiting.
  Result<std::unique_ptr<PendingDeposit>> Begin(const access::Principal& who);

  // nullopt when there is no such deposit or `who` may not see it.
  std::optional<Job> Find(const std::string& id, const access::Principal& who);
  // A finished deposit's result document.
  Result<nlohmann::json> ResultOf(const std::string& id) { return jobs_->ResultOf(id); }

  uint64_t max_package_bytes() const { return options_.max_package_bytes; }
  // Every deposit is refused: scanning is required and there is no scanner.
  bool refuses_unscanned() const { return options_.ingest.scan_required && !options_.ingest.scanner; }
  // Deposits holding a place (receiving or queued) and jobs running.
  int waiting();

 private:
  friend class PendingDeposit;
  DepositService(storage::Archive* archive, std::shared_ptr<const ingest::SchemaSet> schemas, access::AuditLog* log,
                 JobStore* jobs, DepositOptions options);
  Status Recover();
  void Release();  // gives a place back
  Result<Job> Accept(Job job, const std::string& upload, bool* repeat);
  Result<Job> AcceptStreaming(Job job, bool* repeat, StreamingRun* run);
  // The job an identical earlier deposit became (waiting while that one is
  // still being recorded); nullopt when `job` repeats none.
  std::optional<Result<Job>> RepeatOfLocked(const Job& job) REQUIRES(mu_);
  // Remembers `job` as the first of its kind and records it (job log).
  Status Record(const Job& job) EXCLUDES(mu_);
  // A streaming run for deposit `id` if a worker is idle and nothing waits; else null.
  std::shared_ptr<StreamingRun> TryStream(const std::string& id, const access::Principal& who);
  void WorkerLoop();
  void RunOne(const std::string& id, std::shared_ptr<StreamingRun> streaming);
  void RunJob(const std::string& id);
  void RunStreaming(const std::string& id, std::shared_ptr<StreamingRun> run);
  void Conclude(const std::string& id, const Result<ingest::IngestOutcome>& outcome);
  // After an exception escaped a job (a bug): fails it, and frees its client.
  void Escaped(const std::string& id, StreamingRun* streaming, const std::string& what);
  std::string UploadPath(const std::string& id) const;

  storage::Archive* archive_;
  Env* env_;
  std::shared_ptr<const ingest::SchemaSet> schemas_;
  access::AuditLog* log_;
  JobStore* jobs_;
  DepositOptions options_;

  Mutex mu_;
  CondVar work_;
  bool stop_ GUARDED_BY(mu_) = false;
  int places_used_ GUARDED_BY(mu_) = 0;
  std::deque<std::string> queue_ GUARDED_BY(mu_);  // job ids
  IdempotencyIndex repeats_ GUARDED_BY(mu_);
  std::set<std::string> recording_ GUARDED_BY(mu_);  // jobs remembered, not yet in the job log
  CondVar recorded_;
  std::map<std::string, std::shared_ptr<StreamingRun>> streaming_ GUARDED_BY(mu_);  // not yet taken by a worker
  int idle_workers_ GUARDED_BY(mu_) = 0;
  std::vector<std::thread> workers_;
};

}  // namespace bevara::services
