#include "src/services/deposit_service.h"

#include <iostream>
#include <nlohmann/json.hpp>

#include "src/common/clock.h"
#include "src/common/digest.h"
#include "src/common/file_util.h"
#include "src/common/random.h"

namespace bevara::services {
namespace {

nlohmann::json SummaryJson(const JobSummary& j) {
  nlohmann::json out = {{"id", j.id},         {"state", j.state},           {"created", j.created},
                        {"token", j.token_id}, {"producer", j.producer},     {"idempotency_key", j.idempotency_key},
                        {"sha256", j.body_sha256}, {"size", j.size}};
  if (!j.finished.empty()) out["finished"] = j.finished;
  if (!j.package_id.empty()) {
    out["package_id"] = j.package_id;
    out["version"] = j.version;
  }
  return out;
}

JobSummary SummaryFromJson(const nlohmann::json& j) {
  JobSummary s;
  s.id = j.value("id", "");
  s.state = j.value("state", "");
  s.created = j.value("created", "");
  s.finished = j.value("finished", "");
  s.token_id = j.value("token", "");
  s.producer = j.value("producer", "");
  s.idempotency_key = j.value("idempotency_key", "");
  s.body_sha256 = j.value("sha256", "");
  s.size = j.value("size", uint64_t{0});
  s.package_id = j.value("package_id", "");
  s.version = j.value("version", 0u);
  return s;
}

// How a deposit is ingested: for an e-service, only its producer's packages.
ingest::IngestOptions DepositIngestOptions(const std::string& producer, const std::string& token_id) {
  ingest::IngestOptions options;
  options.required_producer = producer;
  options.message = "Deposited over HTTP by token " + token_id;
  return options;
}

}  // namespace

// ---- PendingDeposit ----------------------------------------------------------

void StreamingRun::Decide(Decision d) {
  {
    std::lock_guard<std::mutex> lock(mu);
    if (decision == Decision::kPending) decision = d;
  }
  cv.notify_all();
}

StreamingRun::Decision StreamingRun::Wait() {
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return decision != Decision::kPending; });
  return decision;
}

void StreamingRun::Conclude() {
  {
    std::lock_guard<std::mutex> lock(mu);
    concluded = true;
  }
  cv.notify_all();
}

void StreamingRun::WaitConcluded() {
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, [&] { return concluded; });
}

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
    : impl_(new Impl{service, std::move(who), id, service->UploadPath(id), nullptr}) {}

PendingDeposit::~PendingDeposit() {
  if (impl_->finished) return;
  if (impl_->streaming) {  // its place went to the worker, which now stops
    impl_->streaming->body->Abandon();
    impl_->streaming->Decide(StreamingRun::Decision::kDropped);
    return;
  }
  if (impl_->file) (void)impl_->file->Close();
  (void)impl_->service->archive_->env()->RemoveFile(impl_->path);
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
    auto file = impl_->service->archive_->env()->CreateExclusive(impl_->path, kDefaultFileMode);
    if (!file.ok()) return file.status();
    impl_->file = std::move(*file);
  }
  BEVARA_RETURN_IF_ERROR(impl_->file->Append(data, n));
  // The kernel would hold a large body in memory until the final fsync and
  // then write it all at once; writing as it arrives overlaps the two.
  if ((impl_->bytes >> 23) != ((impl_->bytes - n) >> 23)) impl_->file->StartWriteback();
  return Status::OK();
}

Result<JobSummary> PendingDeposit::Finish(const std::string& idempotency_key, bool* repeat) {
  if (impl_->bytes == 0) return Status::InvalidArgument("the request has no body: send the package (tar or zip)");
  if (impl_->streaming) impl_->streaming->body->Complete();  // its ingest reads the rest
  impl_->digest.Finish();
  JobSummary job;
  job.id = impl_->id;
  job.state = "queued";
  job.created = NowRfc3339(impl_->service->archive_->env());
  job.token_id = impl_->who.token_id;
  job.producer = impl_->who.role == access::Role::kEService ? impl_->who.producer : "";
  job.idempotency_key = idempotency_key;
  job.body_sha256 = impl_->digest.Hex(DigestAlgorithm::kSha256);
  job.size = impl_->bytes;
  Result<JobSummary> accepted = Status::Internal("unset");
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
                               access::AuditLog* log, DepositOptions options)
    : archive_(archive), schemas_(std::move(schemas)), log_(log), options_(std::move(options)) {}

std::string DepositService::JobPath(const std::string& id) const { return options_.server_dir + "/jobs/" + id + ".json"; }
std::string DepositService::UploadPath(const std::string& id) const {
  return options_.server_dir + "/uploads/" + id + ".pkg";
}

Result<std::unique_ptr<DepositService>> DepositService::Start(storage::Archive* archive,
                                                              std::shared_ptr<const ingest::SchemaSet> schemas,
                                                              access::AuditLog* log, DepositOptions options) {
  std::unique_ptr<DepositService> s(new DepositService(archive, std::move(schemas), log, std::move(options)));
  Env* env = archive->env();
  for (const char* sub : {"", "/jobs", "/uploads"}) BEVARA_RETURN_IF_ERROR(env->CreateDir(s->options_.server_dir + sub, kDefaultDirMode));
  BEVARA_RETURN_IF_ERROR(s->Recover());
  for (int i = 0; i < s->options_.workers; ++i) s->workers_.emplace_back([p = s.get()] { p->WorkerLoop(); });
  return s;
}

DepositService::~DepositService() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  work_.notify_all();
  for (auto& t : workers_) t.join();
}

Status DepositService::Recover() {
  Env* env = archive_->env();
  auto names = env->ListDir(options_.server_dir + "/jobs");
  if (!names.ok()) return names.status();
  std::vector<JobSummary> pending;
  for (const std::string& name : *names) {
    if (name.size() < 6 || name.compare(name.size() - 5, 5, ".json") != 0) {
      (void)env->RemoveFile(options_.server_dir + "/jobs/" + name);  // a temporary file of a crashed write
      continue;
    }
    auto text = ReadFileToString(env, options_.server_dir + "/jobs/" + name, 1ull << 30);
    if (!text.ok()) return text.status();
    auto j = nlohmann::json::parse(*text, nullptr, false);
    if (!j.is_object()) return Status::Corruption("job file " + name + " is unreadable");
    JobSummary job = SummaryFromJson(j);
    if (!job.done()) pending.push_back(job);
    if (!job.idempotency_key.empty() && job.state != "failed") by_key_[job.token_id + '\0' + job.idempotency_key] = job.id;
    if (job.state != "failed") by_bytes_[job.token_id + '\0' + job.body_sha256] = job.id;
    jobs_[job.id] = std::move(job);
  }
  // Uploads no job names: a deposit cut off before it was accepted.
  auto uploads = env->ListDir(options_.server_dir + "/uploads");
  if (!uploads.ok()) return uploads.status();
  for (const std::string& name : *uploads) {
    auto it = jobs_.find(name.substr(0, name.find('.')));
    if (it == jobs_.end() || it->second.done()) (void)env->RemoveFile(options_.server_dir + "/uploads/" + name);
  }
  std::sort(pending.begin(), pending.end(), [](auto& a, auto& b) { return a.created < b.created; });
  for (JobSummary& job : pending) {
    job.state = "queued";
    queue_.push_back(job.id);
    ++places_used_;
  }
  return Status::OK();
}

Result<std::unique_ptr<PendingDeposit>> DepositService::Begin(const access::Principal& who) {
  std::lock_guard<std::mutex> lock(mu_);
  if (places_used_ >= options_.queue) {
    return Status::Unavailable("the deposit queue is full (" + std::to_string(options_.queue) + " waiting)");
  }
  ++places_used_;
  return std::unique_ptr<PendingDeposit>(new PendingDeposit(this, who, RandomHex(12)));
}

std::shared_ptr<StreamingRun> DepositService::TryStream(const std::string& id, const access::Principal& who) {
  std::lock_guard<std::mutex> lock(mu_);
  if (idle_workers_ == 0 || !queue_.empty()) return nullptr;
  auto run = std::make_shared<StreamingRun>();
  run->body = std::make_shared<StreamingBody>(UploadPath(id));
  run->who = who;
  streaming_[id] = run;
  queue_.push_back(id);  // the worker that takes it takes this deposit's place too
  --idle_workers_;       // now, so that a second deposit does not count on it as well
  work_.notify_one();
  return run;
}

void DepositService::Release() {
  std::lock_guard<std::mutex> lock(mu_);
  --places_used_;
}

int DepositService::waiting() {
  std::lock_guard<std::mutex> lock(mu_);
  return places_used_;
}

Status DepositService::SaveJob(const JobSummary& job, const std::string& result_json) {
  std::string doc = SummaryJson(job).dump();
  if (!result_json.empty()) {
    doc.pop_back();
    doc += "," + result_json.substr(1);  // the result's members after the summary's
  }
  return WriteFileDurably(archive_->env(), JobPath(job.id), doc + "\n");
}

std::optional<Result<JobSummary>> DepositService::FindRepeatLocked(const JobSummary& job, bool* repeat) {
  *repeat = false;
  std::string first;
  auto by_key = by_key_.find(job.token_id + '\0' + job.idempotency_key);
  if (!job.idempotency_key.empty() && by_key != by_key_.end()) {
    first = by_key->second;
    if (jobs_[first].body_sha256 != job.body_sha256) {
      return Result<JobSummary>(Status::Rejected("IDEMPOTENCY-KEY-REUSED", "Idempotency-Key '" + job.idempotency_key +
                                                                              "' was used before for a different package"));
    }
  } else if (auto by_bytes = by_bytes_.find(job.token_id + '\0' + job.body_sha256); by_bytes != by_bytes_.end()) {
    first = by_bytes->second;
  }
  if (first.empty()) return std::nullopt;
  *repeat = true;
  return Result<JobSummary>(jobs_[first]);
}

void DepositService::RegisterLocked(const JobSummary& job) {
  if (!job.idempotency_key.empty()) by_key_[job.token_id + '\0' + job.idempotency_key] = job.id;
  by_bytes_[job.token_id + '\0' + job.body_sha256] = job.id;
  jobs_[job.id] = job;
}

Result<JobSummary> DepositService::Accept(JobSummary job, const std::string& upload, bool* repeat) {
  Env* env = archive_->env();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto first = FindRepeatLocked(job, repeat)) {
      --places_used_;
      (void)env->RemoveFile(upload);
      return *first;
    }
  }
  Status saved = SaveJob(job, "");
  if (!saved.ok()) {
    Release();
    (void)env->RemoveFile(upload);
    return saved;
  }
  (void)log_->Append({job.token_id, "", "deposit", job.id, "accepted",
                      std::to_string(job.size) + " bytes, sha256 " + job.body_sha256, ""}, true);
  {
    std::lock_guard<std::mutex> lock(mu_);
    RegisterLocked(job);
    queue_.push_back(job.id);
  }
  work_.notify_one();
  return job;
}

Result<JobSummary> DepositService::AcceptStreaming(JobSummary job, bool* repeat, StreamingRun* run) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto first = FindRepeatLocked(job, repeat)) {
      run->Decide(StreamingRun::Decision::kDropped);  // the worker stops before storing anything
      return *first;
    }
    job.state = "running";
    RegisterLocked(job);
  }
  (void)log_->Append({job.token_id, "", "deposit", job.id, "accepted",
                      std::to_string(job.size) + " bytes, sha256 " + job.body_sha256, ""});
  run->Decide(StreamingRun::Decision::kAccepted);
  run->WaitConcluded();  // the result is durable before the client hears of the job
  std::lock_guard<std::mutex> lock(mu_);
  return jobs_[job.id];
}

std::optional<JobSummary> DepositService::Find(const std::string& id, const access::Principal& who) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  const JobSummary& job = it->second;
  bool visible = who.role == access::Role::kArchivist || who.role == access::Role::kAuditor ||
                 job.token_id == who.token_id ||
                 (who.role == access::Role::kEService && !job.producer.empty() && job.producer == who.producer);
  if (!visible) return std::nullopt;
  return job;
}

Result<std::string> DepositService::JobDocument(const std::string& id) {
  return ReadFileToString(archive_->env(), JobPath(id), 1ull << 30);
}

void DepositService::WorkerLoop() {
  for (;;) {
    std::string id;
    std::shared_ptr<StreamingRun> streaming;
    {
      std::unique_lock<std::mutex> lock(mu_);
      ++idle_workers_;
      work_.wait(lock, [&] { return stop_ || !queue_.empty(); });
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
        jobs_[id].state = "running";
      }
    }
    if (streaming) {
      RunStreaming(id, streaming);
    } else {
      RunJob(id);
    }
  }
}

void DepositService::RunStreaming(const std::string& id, std::shared_ptr<StreamingRun> run) {
  ingest::IngestOptions options = DepositIngestOptions(
      run->who.role == access::Role::kEService ? run->who.producer : "", run->who.token_id);
  options.before_commit = [run] {
    // The package has been read (a tar's end marker may come before the end
    // of the body): let the rest drain, or a body with more than the buffer
    // after it would wait on this worker while it waits for the body's end.
    run->body->CloseReader();
    // Nothing is published before the deposit is known to stand.
    return run->Wait() == StreamingRun::Decision::kAccepted ? Status::OK()
                                                            : Status::Internal("the deposit was withdrawn");
  };
  BodyEnv body_env(archive_->env(), run->body);
  options.package_env = &body_env;
  ingest::Ingester ingester(archive_, schemas_, options);
  auto outcome = ingester.Ingest(run->body->path());
  run->body->CloseReader();  // an ingest that stopped early lets the rest of the body drain
  if (run->Wait() == StreamingRun::Decision::kAccepted) Conclude(id, outcome);
  run->Conclude();
}

void DepositService::RunJob(const std::string& id) {
  JobSummary job;
  {
    std::lock_guard<std::mutex> lock(mu_);
    job = jobs_[id];
  }
  ingest::Ingester ingester(archive_, schemas_, DepositIngestOptions(job.producer, job.token_id));
  Conclude(id, ingester.Ingest(UploadPath(id)));
}

void DepositService::Conclude(const std::string& id, const Result<ingest::IngestOutcome>& outcome) {
  JobSummary job;
  {
    std::lock_guard<std::mutex> lock(mu_);
    job = jobs_[id];
  }
  nlohmann::json result;
  std::string receipt;
  std::string log_outcome;
  if (!outcome.ok()) {
    // The details (paths, errno) go to the server's log, not to the client.
    std::cerr << "bevara serve: job " << id << " failed: " << outcome.status().ToString() << "\n";
    job.state = "failed";
    result["error"] = {{"code", "ingest_failed"},
                       {"message", std::string("the archive could not store the package (") +
                                       StatusCodeName(outcome.status().code()) + "); deposit it again later"}};
    log_outcome = "failed";
  } else if (!outcome->archived) {
    job.state = "rejected";
    result["report"] = nlohmann::json::parse(outcome->report.ToJson(), nullptr, false);
    if (outcome->report.Has("DEPOSIT-PRODUCER")) {
      result["error"] = {{"code", "forbidden"}, {"status", 403},
                         {"message", "this token may deposit only packages of producer '" + job.producer + "'"}};
    } else {
      result["error"] = {{"code", "invalid_package"}, {"message", "the package broke the rules the report names"}};
    }
    log_outcome = "rejected";
  } else {
    job.state = "archived";
    job.package_id = outcome->record.package_id;
    job.version = outcome->record.version;
    receipt = ingest::ReceiptJson(*outcome);
    log_outcome = outcome->duplicate ? "duplicate" : "archived";
  }
  job.finished = NowRfc3339(archive_->env());
  std::string result_text = result.empty() ? "{}" : result.dump();
  if (!receipt.empty()) {
    while (!receipt.empty() && receipt.back() == '\n') receipt.pop_back();
    result_text = result_text.size() == 2 ? "{\"receipt\":" + receipt + "}"
                                          : result_text.substr(0, result_text.size() - 1) + ",\"receipt\":" + receipt + "}";
  }
  Status saved = SaveJob(job, result_text);
  if (!saved.ok()) {
    // Left queued on disk: the next start runs it again (idempotent).
    std::cerr << "bevara serve: job " << id << ": could not record its result: " << saved.ToString() << "\n";
    std::lock_guard<std::mutex> lock(mu_);
    jobs_[id].state = "failed";
    return;
  }
  (void)archive_->env()->RemoveFile(UploadPath(id));
  (void)log_->Append({job.token_id, "", "deposit." + log_outcome, job.package_id.empty() ? id : job.package_id,
                      log_outcome, "job " + id + (job.version ? ", version " + std::to_string(job.version) : ""), ""},
                     true);
  if (job.state == "archived" && !outcome->duplicate && options_.on_archived) options_.on_archived(job.package_id);
  std::lock_guard<std::mutex> lock(mu_);
  if (job.state == "failed") {  // a retry must run again, not return this failure
    by_bytes_.erase(job.token_id + '\0' + job.body_sha256);
    by_key_.erase(job.token_id + '\0' + job.idempotency_key);
  }
  jobs_[id] = job;
}

}  // namespace bevara::services
