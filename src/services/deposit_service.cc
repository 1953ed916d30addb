#include "src/services/deposit_service.h"

#include <set>

#include "src/common/clock.h"
#include "src/common/digest.h"
#include "src/common/random.h"

namespace bevara::services {
namespace {

// How a deposit is ingested: for an e-service, only its producer's packages.
ingest::IngestOptions DepositIngestOptions(ingest::IngestOptions options, const std::string& producer,
                                           const std::string& token_id) {
  options.required_producer = producer;
  options.message = "Deposited over HTTP by token " + token_id;
  return options;
}

// Replaces `path` in every string of `j` with "the deposited body".
void ScrubPath(const std::string& path, nlohmann::json* j) {
  if (path.empty()) return;
  if (j->is_string()) {
    std::string text = j->get<std::string>();
    bool changed = false;
    for (size_t at = text.find(path); at != std::string::npos; at = text.find(path, at)) {
      text.replace(at, path.size(), "the deposited body");
      changed = true;
    }
    if (changed) *j = text;
  } else if (j->is_structured()) {
    for (nlohmann::json& child : *j) ScrubPath(path, &child);
  }
}

// What a finished deposit's job records: its outcome, and the report and
// receipt that say why (the receipt names the version record, which holds
// the file list).
nlohmann::json ResultDocument(DepositOutcome outcome, const Result<ingest::IngestOutcome>& ingest) {
  nlohmann::json result = {{"outcome", DepositOutcomeName(outcome)}};
  if (!ingest.ok()) {
    result["cause"] = StatusCodeName(ingest.status().code());
    return result;
  }
  nlohmann::json report = nlohmann::json::parse(ingest->report.ToJson(), nullptr, false);
  // The report names the package by the path it was read from: for a
  // deposit that is the server's upload file, which is nobody's business,
  // wherever it appears (the package field, a message, a location).
  if (report.is_object() && report.contains("package") && report["package"].is_string()) {
    ScrubPath(report["package"].get<std::string>(), &report);
  }
  if (!ingest->archived) {
    result["report"] = std::move(report);
    return result;
  }
  result["receipt"] = {{"archived", true},
                       {"duplicate", ingest->duplicate},
                       {"package_id", ingest->record.package_id},
                       {"version", ingest->record.version},
                       {"record", ingest->record_blob},
                       {"stored", {{"new_blobs", ingest->stored.new_blobs}, {"new_bytes", ingest->stored.new_bytes}}},
                       {"validation", std::move(report)}};
  return result;
}

DepositOutcome OutcomeOf(const Result<ingest::IngestOutcome>& o) {
  if (!o.ok()) return DepositOutcome::kFailed;
  if (o->archived) return o->duplicate ? DepositOutcome::kDuplicate : DepositOutcome::kArchived;
  return o->report.Has("DEPOSIT-PRODUCER") ? DepositOutcome::kRejectedProducer : DepositOutcome::kRejected;
}

JobState StateOf(DepositOutcome outcome) {
  switch (outcome) {
    case DepositOutcome::kArchived:
    case DepositOutcome::kDuplicate: return JobState::kArchived;
    case DepositOutcome::kRejected:
    case DepositOutcome::kRejectedProducer: return JobState::kRejected;
    case DepositOutcome::kFailed: break;
  }
  return JobState::kFailed;
}

}  // namespace

const char* DepositOutcomeName(DepositOutcome outcome) {
  switch (outcome) {
    case DepositOutcome::kArchived: return "archived";
    case DepositOutcome::kDuplicate: return "duplicate";
    case DepositOutcome::kRejected: return "rejected";
    case DepositOutcome::kRejectedProducer: return "rejected_producer";
    case DepositOutcome::kFailed: return "failed";
  }
  return "failed";
}

// ---- StreamingRun ----------------------------------------------------------

void StreamingRun::Decide(Decision d) {
  {
    MutexLock lock(&mu);
    if (decision == Decision::kPending) decision = d;
  }
  cv.SignalAll();
}

StreamingRun::Decision StreamingRun::Wait() {
  MutexLock lock(&mu);
  while (decision == Decision::kPending) cv.Wait(&mu);
  return decision;
}

void StreamingRun::Conclude() {
  {
    MutexLock lock(&mu);
    concluded = true;
  }
  cv.SignalAll();
}

void StreamingRun::WaitConcluded() {
  MutexLock lock(&mu);
  while (!concluded) cv.Wait(&mu);
}

// ---- PendingDeposit ----------------------------------------------------------

struct PendingDeposit::Impl {
  DepositService* service;
  access::Principal who;
  std::string id, path;
  std::shared_ptr<StreamingRun> streaming;  // null: ingested after the upload
  std::unique_ptr<WritableFile> file;
  MultiDigester digest{DigestSet::Of(DigestAlgorithm::kSha256)};
  uint64_t bytes = 0;
  bool finished = false;
};

PendingDeposit::PendingDeposit(DepositService* service, access::Principal who, std::string id)
    : impl_(new Impl{service, std::move(who), id, service->UploadPath(id), nullptr, nullptr}) {}

PendingDeposit::~PendingDeposit() {
  if (impl_->finished) return;
  if (impl_->streaming) {  // its place went to the worker, which now stops
    impl_->streaming->body->Abandon();
    impl_->streaming->Decide(StreamingRun::Decision::kDropped);
    return;
  }
  if (impl_->file) (void)impl_->file->Close();
  (void)impl_->service->env_->RemoveFile(impl_->path);
  impl_->service->Release();
}

Status PendingDeposit::Write(const char* data, size_t n) {
  if (impl_->bytes + n > impl_->service->options_.max_package_bytes) {
    return Status::ResourceExhausted("the package is larger than this server accepts (" +
                                     std::to_string(impl_->service->options_.max_package_bytes) + " bytes)");
  }
  if (impl_->bytes == 0 && n >= 2 && !(data[0] == 'P' && data[1] == 'K')) {  // not a zip: may stream
    impl_->streaming = impl_->service->TryStream(impl_->id, impl_->who);
  }
  impl_->digest.Update(data, n);
  impl_->bytes += n;
  if (impl_->streaming) {
    impl_->streaming->body->Write(data, n);
    return Status::OK();
  }
  if (!impl_->file) {
    auto file = impl_->service->env_->CreateExclusive(impl_->path, kDefaultFileMode);
    if (!file.ok()) return file.status();
    impl_->file = std::move(*file);
  }
  BEVARA_RETURN_IF_ERROR(impl_->file->Append(data, n));
  // The kernel would hold a large body in memory until the final fsync and
  // then write it all at once; writing as it arrives overlaps the two.
  if ((impl_->bytes >> 23) != ((impl_->bytes - n) >> 23)) impl_->file->StartWriteback();
  return Status::OK();
}

Result<Job> PendingDeposit::Finish(const std::string& idempotency_key, bool* repeat) {
  if (impl_->bytes == 0) return Status::InvalidArgument("the request has no body: send the package (tar or zip)");
  if (impl_->streaming) impl_->streaming->body->Complete();  // its ingest reads the rest
  impl_->digest.Finish();
  Job job;
  job.id = impl_->id;
  job.kind = JobKind::kDeposit;
  job.state = JobState::kQueued;
  job.created = NowRfc3339(impl_->service->env_);
  job.token_id = impl_->who.token_id;
  job.producer = impl_->who.role == access::Role::kEService ? impl_->who.producer : "";
  job.idempotency_key = idempotency_key;
  job.body_sha256 = impl_->digest.Hex(DigestAlgorithm::kSha256);
  job.size = impl_->bytes;
  Result<Job> accepted = Status::Internal("unset");
  if (impl_->streaming) {
    accepted = impl_->service->AcceptStreaming(std::move(job), repeat, impl_->streaming.get());
  } else {
    // The upload is durable before the client hears that it was accepted.
    BEVARA_RETURN_IF_ERROR(impl_->file->Sync());
    BEVARA_RETURN_IF_ERROR(impl_->file->Close());
    impl_->file.reset();
    accepted = impl_->service->Accept(std::move(job), impl_->path, repeat);
  }
  // Accept took over the place and the upload, whatever it returned.
  impl_->finished = true;
  return accepted;
}

// ---- DepositService ------------------------------------------------------------

DepositService::DepositService(storage::Archive* archive, std::shared_ptr<const ingest::SchemaSet> schemas,
                               access::AuditLog* log, JobStore* jobs, DepositOptions options)
    : archive_(archive), env_(archive->env()), schemas_(std::move(schemas)), log_(log), jobs_(jobs),
      options_(std::move(options)) {}

std::string DepositService::UploadPath(const std::string& id) const {
  return options_.server_dir + "/uploads/" + id + ".pkg";
}

Result<std::unique_ptr<DepositService>> DepositService::Start(storage::Archive* archive,
                                                              std::shared_ptr<const ingest::SchemaSet> schemas,
                                                              access::AuditLog* log, JobStore* jobs,
                                                              DepositOptions options) {
  std::unique_ptr<DepositService> s(new DepositService(archive, std::move(schemas), log, jobs, std::move(options)));
  for (const char* sub : {"", "/uploads"}) BEVARA_RETURN_IF_ERROR(s->env_->CreateDir(s->options_.server_dir + sub, kDefaultDirMode));
  BEVARA_RETURN_IF_ERROR(s->Recover());
  for (int i = 0; i < s->options_.workers; ++i) s->workers_.emplace_back([p = s.get()] { p->WorkerLoop(); });
  return s;
}

DepositService::~DepositService() {
  {
    MutexLock lock(&mu_);
    stop_ = true;
  }
  work_.SignalAll();
  for (auto& t : workers_) t.join();
}

Status DepositService::Recover() {
  MutexLock lock(&mu_);
  std::set<std::string> queued;
  for (const Job& job : jobs_->List(JobKind::kDeposit, /*newest_first=*/false)) {
    if (job.state != JobState::kFailed) repeats_.Remember(job);
  }
  for (const Job& job : jobs_->Unfinished(JobKind::kDeposit)) {
    if (!env_->Lstat(UploadPath(job.id)).ok()) {
      // Streamed (no upload kept), and the server stopped during it: whether
      // its package reached the archive is not known to the job. Say so;
      // depositing it again is safe (an archived package is recognised).
      Job failed = job;
      failed.state = JobState::kFailed;
      failed.finished = NowRfc3339(env_);
      const std::string why =
          "the server stopped during this deposit; deposit the package again (if it was archived, that is "
          "recognised and nothing is stored twice)";
      (void)log_->Append({job.token_id, "", "deposit.interrupted", job.id, "failed", why, ""}, true);
      BEVARA_RETURN_IF_ERROR(
          jobs_->Finish(failed, {{"outcome", "failed"}, {"cause", "Interrupted"}, {"detail", why}}));
      repeats_.Forget(job);
      continue;
    }
    queue_.push_back(job.id);
    queued.insert(job.id);
    ++places_used_;
  }
  // Uploads no queued job names: a deposit cut off before it was accepted.
  auto uploads = env_->ListDir(options_.server_dir + "/uploads");
  if (!uploads.ok()) return uploads.status();
  const std::string orphaned = options_.server_dir + "/uploads.orphaned";
  for (const std::string& name : *uploads) {
    if (queued.count(name.substr(0, name.find('.')))) continue;
    const std::string path = options_.server_dir + "/uploads/" + name;
    if (!options_.job_log_was_reset) {
      (void)env_->RemoveFile(path);
      continue;
    }
    BEVARA_RETURN_IF_ERROR(env_->CreateDir(orphaned, kDefaultDirMode));
    BEVARA_RETURN_IF_ERROR(env_->RenameNoReplace(path, orphaned + "/" + name));
    env_->Log(LogLevel::kWarning, "upload " + name + " belongs to no job in the new job log (the old one was set "
                                  "aside); kept in " + orphaned + ": deposit it again if it is not in the archive");
  }
  return Status::OK();
}

Result<std::unique_ptr<PendingDeposit>> DepositService::Begin(const access::Principal& who) {
  if (options_.ingest.scan_required && !options_.ingest.scanner) {  // refused before a byte is sent
    return Status::Unavailable(
        "virus scanning is required (scan.required) but no signature database is configured: deposits are refused "
        "until an operator sets scan.clamav_database");
  }
  MutexLock lock(&mu_);
  if (places_used_ >= options_.queue) {
    return Status::Unavailable("the deposit queue is full (" + std::to_string(options_.queue) + " waiting)");
  }
  ++places_used_;
  return std::unique_ptr<PendingDeposit>(new PendingDeposit(this, who, RandomHex(12)));
}

std::shared_ptr<StreamingRun> DepositService::TryStream(const std::string& id, const access::Principal& who) {
  MutexLock lock(&mu_);
  if (idle_workers_ == 0 || !queue_.empty()) return nullptr;
  auto run = std::make_shared<StreamingRun>();
  run->body = std::make_shared<StreamingBody>(UploadPath(id));
  run->who = who;
  streaming_[id] = run;
  queue_.push_back(id);  // the worker that takes it takes this deposit's place too
  --idle_workers_;       // now, so that a second deposit does not count on it as well
  work_.Signal();
  return run;
}

void DepositService::Release() {
  MutexLock lock(&mu_);
  --places_used_;
}

int DepositService::waiting() {
  MutexLock lock(&mu_);
  return places_used_;
}

std::optional<Result<Job>> DepositService::RepeatOfLocked(const Job& job) {
  for (;;) {
    auto first = repeats_.FirstOf(job);
    if (!first) return std::nullopt;
    if (!first->ok()) return Result<Job>(first->status());
    if (recording_.count(**first)) {
      // An identical deposit a moment earlier, not yet in the job log: its
      // recording ends (or fails, and it is forgotten) soon.
      recorded_.Wait(&mu_);
      continue;
    }
    auto found = jobs_->Find(**first);
    if (found) return Result<Job>(*found);
    return Result<Job>(Status::Internal("deposit " + **first + " is remembered but not in the job log"));
  }
}

Status DepositService::Record(const Job& job) {
  Status saved = jobs_->Add(job);
  {
    MutexLock lock(&mu_);
    recording_.erase(job.id);
    if (!saved.ok()) repeats_.Forget(job);
  }
  recorded_.SignalAll();
  return saved;
}

Result<Job> DepositService::Accept(Job job, const std::string& upload, bool* repeat) {
  *repeat = false;
  {
    MutexLock lock(&mu_);
    if (auto first = RepeatOfLocked(job)) {
      --places_used_;
      (void)env_->RemoveFile(upload);
      if (!first->ok()) return first->status();
      *repeat = true;
      return *first;
    }
    repeats_.Remember(job);  // a second copy arriving meanwhile is a repeat of this one
    recording_.insert(job.id);
  }
  Status saved = Record(job);
  if (!saved.ok()) {
    MutexLock lock(&mu_);
    --places_used_;
    (void)env_->RemoveFile(upload);
    return saved;
  }
  (void)log_->Append({job.token_id, "", "deposit", job.id, "accepted",
                      std::to_string(job.size) + " bytes, sha256 " + job.body_sha256, ""}, true);
  {
    MutexLock lock(&mu_);
    queue_.push_back(job.id);
  }
  work_.Signal();
  return job;
}

Result<Job> DepositService::AcceptStreaming(Job job, bool* repeat, StreamingRun* run) {
  *repeat = false;
  {
    MutexLock lock(&mu_);
    if (auto first = RepeatOfLocked(job)) {
      run->Decide(StreamingRun::Decision::kDropped);  // the worker stops before storing anything
      if (!first->ok()) return first->status();
      *repeat = true;
      return *first;
    }
    repeats_.Remember(job);
    recording_.insert(job.id);
  }
  job.state = JobState::kRunning;
  Status saved = Record(job);
  if (!saved.ok()) {
    run->Decide(StreamingRun::Decision::kDropped);
    return saved;
  }
  (void)log_->Append({job.token_id, "", "deposit", job.id, "accepted",
                      std::to_string(job.size) + " bytes, sha256 " + job.body_sha256, ""});
  run->Decide(StreamingRun::Decision::kAccepted);
  run->WaitConcluded();  // the result is durable before the client hears of the job
  auto done = jobs_->Find(job.id);
  if (!done) return Status::Internal("deposit " + job.id + " is not in the job log");
  if (IsDone(done->state)) return *done;
  // The worker could not record the result: a streamed deposit has no upload
  // to run again, so it failed (a retry runs it again; an ingest that did
  // archive it finds it there).
  Job failed = *done;
  failed.state = JobState::kFailed;
  failed.finished = NowRfc3339(env_);
  Status recorded = jobs_->Finish(failed, {{"outcome", "failed"}, {"cause", "Unrecorded"}});
  {
    MutexLock lock(&mu_);
    repeats_.Forget(failed);
  }
  if (!recorded.ok()) {
    env_->Log(LogLevel::kError, "deposit " + job.id + ": could not record that it failed: " + recorded.ToString());
    return Status::Unavailable("the deposit's result could not be recorded; send it again");
  }
  return failed;
}

std::optional<Job> DepositService::Find(const std::string& id, const access::Principal& who) {
  auto job = jobs_->Find(id);
  if (!job || job->kind != JobKind::kDeposit || !who.MaySeeWorkOf(job->token_id, job->producer)) return std::nullopt;
  return job;
}

void DepositService::WorkerLoop() {
  for (;;) {
    std::string id;
    std::shared_ptr<StreamingRun> streaming;
    {
      MutexLock lock(&mu_);
      ++idle_workers_;
      while (!stop_ && queue_.empty()) work_.Wait(&mu_);
      if (stop_) return;
      id = queue_.front();
      queue_.pop_front();
      --places_used_;  // running, no longer waiting
      auto it = streaming_.find(id);
      if (it != streaming_.end()) {  // Begin() already counted this worker as busy
        streaming = it->second;
        streaming_.erase(it);
      } else {
        --idle_workers_;
      }
    }
    RunOne(id, std::move(streaming));
  }
}

// One job, whatever happens in it: an exception that escaped the ingest
// (it must not: a bug) fails this job and is logged; the worker goes on.
void DepositService::RunOne(const std::string& id, std::shared_ptr<StreamingRun> streaming) {
  try {
    if (streaming) {
      RunStreaming(id, streaming);
    } else {
      RunJob(id);
    }
  } catch (const std::exception& e) {
    Escaped(id, streaming.get(), e.what());
  } catch (...) {
    Escaped(id, streaming.get(), "not a std::exception");
  }
}

void DepositService::Escaped(const std::string& id, StreamingRun* streaming, const std::string& what) {
  env_->Log(LogLevel::kError, "deposit " + id + ": an exception escaped the ingest (a bug): " + what);
  Conclude(id, Status::Internal("an exception escaped the ingest"));
  if (streaming) {
    streaming->Decide(StreamingRun::Decision::kDropped);
    streaming->body->CloseReader();
    streaming->Conclude();
  }
}

void DepositService::RunStreaming(const std::string& id, std::shared_ptr<StreamingRun> run) {
  ingest::IngestOptions options =
      DepositIngestOptions(options_.ingest, run->who.role == access::Role::kEService ? run->who.producer : "", run->who.token_id);
  options.before_commit = [run] {
    // The package has been read (a tar's end marker may come before the end
    // of the body): let the rest drain, or a body with more than the buffer
    // after it would wait on this worker while it waits for the body's end.
    run->body->CloseReader();
    // Nothing is published before the deposit is known to stand.
    return run->Wait() == StreamingRun::Decision::kAccepted ? Status::OK()
                                                            : Status::Unavailable("the deposit was withdrawn");
  };
  BodyEnv body_env(env_, run->body);
  options.package_env = &body_env;
  ingest::Ingester ingester(archive_, schemas_, options);
  auto outcome = ingester.Ingest(run->body->path());
  run->body->CloseReader();  // an ingest that stopped early lets the rest of the body drain
  if (run->Wait() == StreamingRun::Decision::kAccepted) Conclude(id, outcome);
  run->Conclude();
}

void DepositService::RunJob(const std::string& id) {
  auto job = jobs_->Find(id);
  if (!job) return;
  Status running = jobs_->SetRunning(id);
  if (!running.ok()) env_->Log(LogLevel::kWarning, "deposit " + id + ": could not record that it runs: " + running.ToString());
  ingest::Ingester ingester(archive_, schemas_, DepositIngestOptions(options_.ingest, job->producer, job->token_id));
  Conclude(id, ingester.Ingest(UploadPath(id)));
}

void DepositService::Conclude(const std::string& id, const Result<ingest::IngestOutcome>& outcome) {
  auto found = jobs_->Find(id);
  if (!found || IsDone(found->state)) return;
  Job job = *found;
  const DepositOutcome how = OutcomeOf(outcome);
  if (!outcome.ok()) {
    // The details (paths, errno) go to the operator's log, not to the client.
    env_->Log(LogLevel::kError, "deposit " + id + " failed: " + outcome.status().ToString());
  }
  // Copies the policy waits for confirm the version before anyone hears
  // that it is archived.
  Status copies = Status::OK();
  if ((how == DepositOutcome::kArchived || how == DepositOutcome::kDuplicate) && options_.before_acknowledge &&
      outcome->record.version > 0) {
    copies = options_.before_acknowledge(outcome->record.package_id, outcome->record.version);
  }
  job.state = copies.ok() ? StateOf(how) : JobState::kFailed;
  job.finished = NowRfc3339(env_);
  if (outcome.ok() && outcome->archived) {
    job.package_id = outcome->record.package_id;
    job.version = outcome->record.version;
  }
  // The audit trail first: a crash between the two then leaves the job
  // unfinished, and the next start runs it again (idempotent: an archived
  // package is recognised) and logs it again, rather than leaving an
  // archived deposit with only "accepted" in the trail.
  const char* logged = !copies.ok() ? "failed" : how == DepositOutcome::kRejectedProducer ? "rejected" : DepositOutcomeName(how);
  (void)log_->Append({job.token_id, "", std::string("deposit.") + logged, job.package_id.empty() ? id : job.package_id,
                      logged,
                      "job " + id + (job.version ? ", version " + std::to_string(job.version) : "") +
                          (copies.ok() ? "" : ": " + copies.message()),
                      ""},
                     true);
  nlohmann::json result = ResultDocument(how, outcome);
  if (!copies.ok()) {
    result["outcome"] = "failed";
    result["cause"] = "copies_unconfirmed";
    result["message"] = copies.message() + "; send the same package again later to have it acknowledged";
  }
  Status saved = jobs_->Finish(job, result);
  if (!saved.ok()) {
    // Left queued or running in the log: the next start runs it again (idempotent).
    env_->Log(LogLevel::kError, "deposit " + id + ": could not record its result: " + saved.ToString());
    return;
  }
  (void)env_->RemoveFile(UploadPath(id));
  if (how == DepositOutcome::kArchived && options_.on_archived) options_.on_archived(job.package_id);
  if (how == DepositOutcome::kFailed || !copies.ok()) {  // a retry must run again, not return this failure
    MutexLock lock(&mu_);
    repeats_.Forget(job);
  }
}

}  // namespace bevara::services
