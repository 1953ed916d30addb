#include "src/services/audit_service.h"

#include "src/common/clock.h"
#include "src/common/random.h"

namespace bevara::services {
namespace {

nlohmann::json ProgressJson(const storage::AuditProgress& p) {
  return {{"blobs_done", p.blobs_done}, {"blobs_total", p.blobs_total}, {"bytes_done", p.bytes_done},
          {"seconds", p.seconds}};
}

}  // namespace

AuditService::AuditService(storage::Archive* archive, access::AuditLog* log, JobStore* jobs,
                           uint64_t max_bytes_per_second, std::function<void()> before_run)
    : archive_(archive),
      env_(archive->env()),
      log_(log),
      jobs_(jobs),
      max_bytes_per_second_(max_bytes_per_second),
      before_run_(std::move(before_run)) {
  // Audits a stop or crash cut short: their reports would be incomplete.
  for (Job job : jobs_->Unfinished(JobKind::kAudit)) {
    job.state = JobState::kCancelled;
    job.finished = NowRfc3339(env_);
    Status s = jobs_->Finish(job, {{"report", nullptr}, {"progress", ProgressJson({})}});
    if (!s.ok()) env_->Log(LogLevel::kError, "audit " + job.id + ": " + s.ToString());
  }
}

AuditService::~AuditService() {
  cancel_.store(true);
  if (thread_.joinable()) thread_.join();
}

Result<StartedAudit> AuditService::Start(const std::string& package_id, const std::string& requested_by) {
  MutexLock lock(&mu_);
  if (running_) return StartedAudit{*running_, true};
  if (!package_id.empty()) {
    auto known = archive_->catalog()->GetPackage(package_id);
    if (!known.ok()) return known.status();
    if (!*known) return Status::NotFound("no package '" + package_id + "'");
  }
  if (thread_.joinable()) thread_.join();  // the previous run has finished
  AuditRun run;
  run.id = RandomHex(8);
  run.package_id = package_id;
  run.requested_by = requested_by;
  run.started = NowRfc3339(env_);
  Job job;
  job.id = run.id;
  job.kind = JobKind::kAudit;
  job.state = JobState::kRunning;
  job.token_id = requested_by;
  job.created = run.started;
  job.package_id = package_id;
  BEVARA_RETURN_IF_ERROR(jobs_->Add(job));
  running_ = run;
  thread_ = std::thread([this, id = run.id, package_id] { Run(id, package_id); });
  return StartedAudit{run, false};
}

std::optional<AuditRun> AuditService::Get(const std::string& id) {
  {
    MutexLock lock(&mu_);
    if (running_ && running_->id == id) return *running_;
  }
  auto job = jobs_->Find(id);
  if (!job || job->kind != JobKind::kAudit) return std::nullopt;
  AuditRun run;
  run.id = job->id;
  run.package_id = job->package_id;
  run.requested_by = job->token_id;
  run.state = job->state;
  run.started = job->created;
  run.finished = job->finished;
  if (IsDone(job->state)) {
    auto result = jobs_->ResultOf(id);
    if (!result.ok()) {
      env_->Log(LogLevel::kError, "audit " + id + ": " + result.status().ToString());
      return std::nullopt;
    }
    run.report = (*result)["report"];
    const nlohmann::json& p = (*result)["progress"];
    run.progress.blobs_done = p.value("blobs_done", uint64_t{0});
    run.progress.blobs_total = p.value("blobs_total", uint64_t{0});
    run.progress.bytes_done = p.value("bytes_done", uint64_t{0});
    run.progress.seconds = p.value("seconds", 0.0);
  }
  return run;
}

void AuditService::Run(const std::string& id, const std::string& package_id) {
  storage::AuditOptions options;
  options.max_bytes_per_second = max_bytes_per_second_;
  options.cancel = &cancel_;
  options.progress = [&](const storage::AuditProgress& p) {
    MutexLock lock(&mu_);
    if (running_) running_->progress = p;
  };
  Result<storage::AuditReport> report = Status::Internal("not run");
  try {
    if (before_run_) before_run_();
    report = package_id.empty() ? storage::AuditArchive(archive_, options)
                                : storage::VerifyPackage(archive_, package_id, options);
  } catch (const std::exception& e) {  // must not happen; never ends the server
    env_->Log(LogLevel::kError, "audit " + id + ": an exception escaped (a bug): " + e.what());
    report = Status::Internal("an exception escaped the audit");
  } catch (...) {
    env_->Log(LogLevel::kError, "audit " + id + ": an exception escaped (a bug), not a std::exception");
    report = Status::Internal("an exception escaped the audit");
  }
  AuditRun run;
  {
    MutexLock lock(&mu_);
    run = *running_;
  }
  run.finished = NowRfc3339(env_);
  if (cancel_.load()) {
    run.state = JobState::kCancelled;
  } else if (!report.ok()) {
    run.state = JobState::kFailed;
    run.report = {{"error", StatusCodeName(report.status().code())}};
    env_->Log(LogLevel::kError, "audit " + id + ": " + report.status().ToString());
  } else {
    run.state = report->clean() ? JobState::kClean : JobState::kProblems;
    run.report = nlohmann::json::parse(report->ToJson(), nullptr, false);
  }
  Record(run);
  MutexLock lock(&mu_);
  running_.reset();
}

void AuditService::Record(AuditRun run) {
  Job job;
  job.id = run.id;
  job.kind = JobKind::kAudit;
  job.state = run.state;
  job.token_id = run.requested_by;
  job.created = run.started;
  job.finished = run.finished;
  job.package_id = run.package_id;
  Status saved = jobs_->Finish(job, {{"report", run.report}, {"progress", ProgressJson(run.progress)}});
  if (!saved.ok()) env_->Log(LogLevel::kError, "audit " + run.id + ": could not record its report: " + saved.ToString());
  (void)log_->Append({run.requested_by, "", "audit.finished", run.package_id.empty() ? "(archive)" : run.package_id,
                      JobStateName(run.state),
                      "audit " + run.id + ": " + std::to_string(run.progress.blobs_done) + " blobs, " +
                          std::to_string(run.progress.bytes_done) + " bytes",
                      ""},
                     true);
}

}  // namespace bevara::services
