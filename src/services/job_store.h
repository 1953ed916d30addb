// JobStore: the server's jobs — deposits and fixity audits — and what became
// of them, in one record log (<server>/jobs.log).
//
// A job is created (queued, or running at once), may start running, and
// finishes once, in a state that says how: a deposit archived, rejected or
// failed; an audit clean, with problems, failed or cancelled. Each step is
// one record, fsynced before the step is acknowledged; a finished job's
// record also holds its result document (the validation report and what
// was archived; the audit's report), which is read back by its offset when
// asked for, so that thousands of reports do not sit in memory.
//
// At Open, jobs that never finished (the server stopped or crashed) are
// listed by Unfinished(): deposits run again (an ingest is idempotent),
// audits are marked cancelled. The job files of an older bevara
// (<server>/jobs/*.json, <server>/audits/*.json) are taken over once.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "src/common/env.h"
#include "src/common/mutex.h"
#include "src/common/record_log.h"
#include "src/common/result.h"

namespace bevara::services {

enum class JobKind { kDeposit, kAudit };

enum class JobState {
  kQueued,
  kRunning,
  // A deposit's ends.
  kArchived,
  kRejected,
  // An audit's ends.
  kClean,
  kProblems,
  kCancelled,
  // Either's.
  kFailed,
};

const char* JobKindName(JobKind kind);
const char* JobStateName(JobState state);
inline bool IsDone(JobState s) { return s != JobState::kQueued && s != JobState::kRunning; }

struct Job {
  std::string id;
  JobKind kind = JobKind::kDeposit;
  JobState state = JobState::kQueued;
  std::string token_id;   // who started it
  std::string producer;   // a deposit by an e-service: its producer; else empty
  std::string created, finished;  // RFC 3339
  // A deposit's body and what it became.
  std::string idempotency_key, body_sha256;
  uint64_t size = 0;
  std::string package_id;  // deposit: once archived; audit: the one package audited (empty: all)
  uint32_t version = 0;
  uint64_t result_offset = 0;  // where the finished record is (0: none yet)
};

class JobStore {
 public:
  static Result<std::unique_ptr<JobStore>> Open(Env* env, const std::string& server_dir);

  // Records a new job. AlreadyExists when the id is taken. Durable on OK.
  Status Add(const Job& job);
  // Records that a queued job runs. Durable on OK. InvalidArgument for a
  // job that has finished.
  Status SetRunning(const std::string& id);
  // Records how a job ended, with its result document. `done` carries the
  // state, finished time and (deposits) package id and version. Durable on
  // OK. A job ends once: InvalidArgument when it has finished already.
  Status Finish(const Job& done, const nlohmann::json& result);

  std::optional<Job> Find(const std::string& id);
  // Every job of `kind` (newest first when `newest_first`), for listings.
  std::vector<Job> List(JobKind kind, bool newest_first = true);
  // Jobs of `kind` that were queued or running when the store was opened,
  // oldest first.
  std::vector<Job> Unfinished(JobKind kind);
  // A finished job's result document. NotFound while it runs.
  Result<nlohmann::json> ResultOf(const std::string& id);

 private:
  explicit JobStore(Env* env) : env_(env) {}
  // Applies one record.
  Status Apply(uint64_t offset, std::string_view payload) REQUIRES(mu_);
  Status AppendLocked(const nlohmann::json& record, uint64_t* offset) REQUIRES(mu_);
  Status MigrateJobFiles(Env* env, const std::string& dir, JobKind kind) EXCLUDES(mu_);

  // Set once by Open; thread-safe itself. Calls that may apply records are
  // made with mu_ held.
  Env* const env_;
  std::unique_ptr<RecordLog> log_;
  Mutex mu_;
  std::map<std::string, Job> jobs_ GUARDED_BY(mu_);
  std::vector<std::string> order_ GUARDED_BY(mu_);  // ids, oldest first
  std::vector<std::string> unfinished_at_open_ GUARDED_BY(mu_);
};

}  // namespace bevara::services
