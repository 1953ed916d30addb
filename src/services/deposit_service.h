// DepositService: packages deposited over HTTP, ingested off the request
// threads by a bounded pool of workers.
//
//   Begin()      reserves one of `queue` places, or Unavailable (503):
//                checked before the body is read, so a full server reads
//                nothing it cannot take.
//   Write()      streams the body to <server_dir>/uploads, hashing it; past
//                the size limit: ResourceExhausted (413).
//   Finish()     fsyncs the upload and the job's state file, then queues the
//                job; only then does the client get 202. A repeat (same
//                Idempotency-Key, or same bytes, from the same token) gets the
//                first job instead, and its upload is dropped.
//   workers      ingest (validate, store, catalog) and write the job's result.
//
// A tar body that arrives while a worker is idle streams instead: the worker
// ingests it as it arrives, through a bounded buffer (StreamingBody), and it
// is never written as an upload file — a large deposit is written to disk
// once, as blobs. The worker publishes nothing until Finish() has decided
// that the deposit stands (not a repeat, not a reused key); a dropped
// deposit (also a failed upload) stops the ingest and stores nothing.
// Finish() then waits for the ingest to end, so the client's 202 comes with
// a finished, durable job (there is no upload to recover after a crash, and
// no answer was given). Zip bodies always go through an upload file: the zip
// reader needs to seek to the central directory.
//
// A job is a JSON file <server_dir>/jobs/<id>.json. At start, jobs still
// queued or running (the server stopped or crashed) are queued again: an
// ingest is idempotent, and a half-done one left nothing referenced.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ingest/pipeline/ingester.h"
#include "ingest/xml/schema_set.h"
#include "src/access/audit_log.h"
#include "src/access/principal.h"
#include "src/common/result.h"
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
};

// What the service remembers of every job in memory; the full result
// (report, receipt) stays in the job file.
struct JobSummary {
  std::string id;
  std::string state;  // queued, running, archived, rejected, failed
  std::string token_id, producer;  // who deposited; producer: the eservice's, empty otherwise
  std::string idempotency_key, body_sha256;
  uint64_t size = 0;
  std::string created, finished;
  std::string package_id;  // once archived
  uint32_t version = 0;

  // archived, rejected or failed: the job document holds its result.
  bool done() const { return state == "archived" || state == "rejected" || state == "failed"; }
};

class DepositService;

// A deposit ingested while it arrives: what the worker and the request
// thread share.
struct StreamingRun {
  std::shared_ptr<StreamingBody> body;
  access::Principal who;
  std::mutex mu;
  std::condition_variable cv;
  enum class Decision { kPending, kAccepted, kDropped } decision = Decision::kPending;  // guarded by mu
  bool concluded = false;  // the worker recorded the job's result; guarded by mu
  void Decide(Decision d);
  Decision Wait();
  void Conclude();
  void WaitConcluded();
};

// One deposit being received. Destroying it without Finish() releases its
// place and removes what was received.
class PendingDeposit {
 public:
  ~PendingDeposit();
  // ResourceExhausted when the body grows past the limit.
  Status Write(const char* data, size_t n);
  // The job, new or (for a repeat) the first one. `*repeat` tells which.
  // Rejected (IDEMPOTENCY-KEY-REUSED, 422) when an Idempotency-Key is reused
  // for other bytes; InvalidArgument when there was no body.
  Result<JobSummary> Finish(const std::string& idempotency_key, bool* repeat);

 private:
  friend class DepositService;
  PendingDeposit(DepositService* service, access::Principal who, std::string id);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class DepositService {
 public:
  static Result<std::unique_ptr<DepositService>> Start(storage::Archive* archive,
                                                       std::shared_ptr<const ingest::SchemaSet> schemas,
                                                       access::AuditLog* log, DepositOptions options);
  ~DepositService();  // stops the workers after their current job

  // Unavailable when `queue` deposits are already waiting.
  Result<std::unique_ptr<PendingDeposit>> Begin(const access::Principal& who);

  // nullopt when there is no such job or `who` may not see it.
  std::optional<JobSummary> Find(const std::string& id, const access::Principal& who);
  // The job's JSON document as stored (state, report, receipt).
  Result<std::string> JobDocument(const std::string& id);

  uint64_t max_package_bytes() const { return options_.max_package_bytes; }
  // Deposits holding a place (receiving or queued) and jobs running.
  int waiting();

 private:
  friend class PendingDeposit;
  DepositService(storage::Archive* archive, std::shared_ptr<const ingest::SchemaSet> schemas, access::AuditLog* log,
                 DepositOptions options);
  Status Recover();
  void Release();  // gives a place back
  Result<JobSummary> Accept(JobSummary job, const std::string& upload, bool* repeat);
  Result<JobSummary> AcceptStreaming(JobSummary job, bool* repeat, StreamingRun* run);
  // A streaming run for deposit `id` if a worker is idle and nothing waits; else null.
  std::shared_ptr<StreamingRun> TryStream(const std::string& id, const access::Principal& who);
  // The first job when `job` repeats one (*repeat set), Rejected for a
  // reused key, nullopt for a new deposit. REQUIRES: mu_ held.
  std::optional<Result<JobSummary>> FindRepeatLocked(const JobSummary& job, bool* repeat);
  void RegisterLocked(const JobSummary& job);  // REQUIRES: mu_ held
  Status SaveJob(const JobSummary& job, const std::string& result_json);
  void WorkerLoop();
  void RunJob(const std::string& id);
  void RunStreaming(const std::string& id, std::shared_ptr<StreamingRun> run);
  void Conclude(const std::string& id, const Result<ingest::IngestOutcome>& outcome);
  std::string JobPath(const std::string& id) const;
  std::string UploadPath(const std::string& id) const;

  storage::Archive* archive_;
  std::shared_ptr<const ingest::SchemaSet> schemas_;
  access::AuditLog* log_;
  DepositOptions options_;

  std::mutex mu_;
  std::condition_variable work_;
  bool stop_ = false;                              // guarded by mu_
  int places_used_ = 0;                            // guarded by mu_
  std::deque<std::string> queue_;                  // job ids; guarded by mu_
  std::map<std::string, JobSummary> jobs_;         // guarded by mu_
  std::map<std::string, std::string> by_key_;      // token \0 key -> job; guarded by mu_
  std::map<std::string, std::string> by_bytes_;    // token \0 sha256 -> job; guarded by mu_
  std::map<std::string, std::shared_ptr<StreamingRun>> streaming_;  // not yet taken by a worker; guarded by mu_
  int idle_workers_ = 0;                           // guarded by mu_
  std::vector<std::thread> workers_;
};

}  // namespace bevara::services
