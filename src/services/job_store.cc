#include "src/services/job_store.h"

#include <algorithm>

#include "src/common/file_util.h"
#include "src/common/json_util.h"
#include "src/common/path.h"

namespace bevara::services {
namespace {

constexpr JobState kStates[] = {JobState::kQueued, JobState::kRunning,  JobState::kArchived,  JobState::kRejected,
                                JobState::kClean,  JobState::kProblems, JobState::kCancelled, JobState::kFailed};

std::optional<JobState> ParseJobState(const std::string& name) {
  for (JobState s : kStates) {
    if (name == JobStateName(s)) return s;
  }
  return std::nullopt;
}

}  // namespace

const char* JobKindName(JobKind kind) { return kind == JobKind::kDeposit ? "deposit" : "audit"; }

const char* JobStateName(JobState state) {
  switch (state) {
    case JobState::kQueued: return "queued";
    case JobState::kRunning: return "running";
    case JobState::kArchived: return "archived";
    case JobState::kRejected: return "rejected";
    case JobState::kClean: return "clean";
    case JobState::kProblems: return "problems";
    case JobState::kCancelled: return "cancelled";
    case JobState::kFailed: return "failed";
  }
  return "failed";
}

void to_json(nlohmann::json& j, const JobKind& k) { j = JobKindName(k); }
void from_json(const nlohmann::json& j, JobKind& k) {
  const std::string name = j.get<std::string>();
  if (name != "deposit" && name != "audit") throw std::invalid_argument("a job kind '" + name + "'");
  k = name == "deposit" ? JobKind::kDeposit : JobKind::kAudit;
}
void to_json(nlohmann::json& j, const JobState& s) { j = JobStateName(s); }
void from_json(const nlohmann::json& j, JobState& s) {
  auto state = ParseJobState(j.get<std::string>());
  if (!state) throw std::invalid_argument("a job state '" + j.get<std::string>() + "'");
  s = *state;
}

NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE(Job, id, kind, state, token_id, producer, created, finished, idempotency_key,
                                   body_sha256, size, package_id, version)

Result<std::unique_ptr<JobStore>> JobStore::Open(Env* env, const std::string& server_dir) {
  BEVARA_RETURN_IF_ERROR(CreateDirs(env, server_dir));
  std::unique_ptr<JobStore> store(new JobStore(env));
  JobStore* self = store.get();
  RecordLogOptions options;
  options.on_record = [self](uint64_t offset, std::string_view payload) {
    self->mu_.AssertHeld();  // the log calls back while Open (below) holds it
    return self->Apply(offset, payload);
  };
  {
    MutexLock lock(&store->mu_);
    auto log = RecordLog::Open(env, server_dir + "/jobs.log", options);
    if (!log.ok()) return log.status();
    store->log_ = std::move(*log);
  }
  BEVARA_RETURN_IF_ERROR(store->MigrateJobFiles(env, server_dir + "/jobs", JobKind::kDeposit));
  BEVARA_RETURN_IF_ERROR(store->MigrateJobFiles(env, server_dir + "/audits", JobKind::kAudit));
  MutexLock lock(&store->mu_);
  for (const std::string& id : store->order_) {
    if (!IsDone(store->jobs_[id].state)) store->unfinished_at_open_.push_back(id);
  }
  return store;
}

Status JobStore::Apply(uint64_t offset, std::string_view payload) {
  auto damaged = [&](const std::string& why) {
    return Status::Corruption(log_ ? log_->path() + ": the record at offset " + std::to_string(offset) + " " + why
                                   : "jobs.log: " + why);
  };
  auto j = nlohmann::json::parse(payload, nullptr, false);
  if (!j.is_object() || !j.contains("event") || !j["event"].is_string()) return damaged("is not a job event");
  const std::string event = j["event"];
  if (event == "created") {
    auto job = JsonAs<Job>(j.contains("job") ? j["job"] : nlohmann::json());
    if (!job.ok()) return damaged("holds no job (" + job.status().message() + ")");
    if (jobs_.count(job->id)) return damaged("creates job " + job->id + " a second time");
    order_.push_back(job->id);
    jobs_[job->id] = std::move(*job);
    return Status::OK();
  }
  auto it = jobs_.find(j.value("id", ""));
  if (it == jobs_.end()) return damaged("changes a job that was never created");
  if (IsDone(it->second.state)) {
    // Not damage to the log but a second word on a finished job (an earlier
    // build could write one): the first end stands.
    env_->Log(LogLevel::kWarning, "jobs.log: the record at offset " + std::to_string(offset) + " changes job " +
                                      it->first + ", which had finished; the first end stands");
    return Status::OK();
  }
  if (event == "running") {
    it->second.state = JobState::kRunning;
  } else if (event == "finished") {
    auto done = JsonAs<Job>(j.contains("job") ? j["job"] : nlohmann::json());
    if (!done.ok() || !IsDone(done->state)) return damaged("finishes a job without saying how");
    done->result_offset = offset;
    it->second = std::move(*done);
  } else {
    return damaged("is an event '" + event + "' this bevara does not know");
  }
  return Status::OK();
}

Status JobStore::AppendLocked(const nlohmann::json& record, uint64_t* offset) {
  const std::string payload = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  auto at = log_->Append(payload, /*sync=*/true);
  if (!at.ok()) return at.status();
  if (offset) *offset = *at;
  return Apply(*at, payload);
}

Status JobStore::Add(const Job& job) {
  MutexLock lock(&mu_);
  if (jobs_.count(job.id)) return Status::AlreadyExists("job " + job.id + " exists");
  return AppendLocked({{"event", "created"}, {"job", job}}, nullptr);
}

Status JobStore::SetRunning(const std::string& id) {
  MutexLock lock(&mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return Status::NotFound("no job " + id);
  if (IsDone(it->second.state)) return Status::InvalidArgument("job " + id + " has finished");
  return AppendLocked({{"event", "running"}, {"id", id}}, nullptr);
}

Status JobStore::Finish(const Job& done, const nlohmann::json& result) {
  if (!IsDone(done.state)) return Status::InvalidArgument("a job finishes in a state that says how it ended");
  MutexLock lock(&mu_);
  auto it = jobs_.find(done.id);
  if (it == jobs_.end()) return Status::NotFound("no job " + done.id);
  // A job ends once: its first end stands.
  if (IsDone(it->second.state)) return Status::InvalidArgument("job " + done.id + " has finished already");
  return AppendLocked({{"event", "finished"}, {"id", done.id}, {"job", done}, {"result", result}}, nullptr);
}

std::optional<Job> JobStore::Find(const std::string& id) {
  MutexLock lock(&mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return std::nullopt;
  return it->second;
}

std::vector<Job> JobStore::List(JobKind kind, bool newest_first) {
  MutexLock lock(&mu_);
  std::vector<Job> out;
  for (const std::string& id : order_) {
    if (jobs_[id].kind == kind) out.push_back(jobs_[id]);
  }
  if (newest_first) std::reverse(out.begin(), out.end());
  return out;
}

std::vector<Job> JobStore::Unfinished(JobKind kind) {
  MutexLock lock(&mu_);
  std::vector<Job> out;
  for (const std::string& id : unfinished_at_open_) {
    if (jobs_[id].kind == kind) out.push_back(jobs_[id]);
  }
  return out;
}

// The job files of the bevara before the job log: one JSON document per job,
// its summary and result side by side (deposits), or an audit run.
Status JobStore::MigrateJobFiles(Env* env, const std::string& dir, JobKind kind) {
  auto names = env->ListDir(dir);
  if (!names.ok()) return names.status().IsNotFound() ? Status::OK() : names.status();
  std::vector<std::pair<Job, nlohmann::json>> found;
  for (const std::string& name : *names) {
    if (name.size() < 6 || name.compare(name.size() - 5, 5, ".json") != 0) continue;  // a crashed write's temp file
    auto text = ReadFileToString(env, dir + "/" + name, 1ull << 30);
    if (!text.ok()) return text.status();
    auto j = nlohmann::json::parse(*text, nullptr, false);
    auto field = [&](const char* key) { return JsonStringField(j, key); };
    auto state = ParseJobState(field("state"));
    if (!j.is_object() || field("id").empty() || !state) {
      env->Log(LogLevel::kWarning, dir + "/" + name + " is not a job file; left in " + dir + ".migrated");
      continue;
    }
    Job job;
    job.id = field("id");
    job.kind = kind;
    job.state = *state;
    job.finished = field("finished");
    nlohmann::json result = nlohmann::json::object();
    if (kind == JobKind::kDeposit) {
      job.created = field("created");
      job.token_id = field("token");
      job.producer = field("producer");
      job.idempotency_key = field("idempotency_key");
      job.body_sha256 = field("sha256");
      job.size = j.value("size", uint64_t{0});
      job.package_id = field("package_id");
      job.version = j.value("version", 0u);
      for (const char* key : {"report", "error", "receipt"}) {
        if (j.contains(key)) result[key] = j[key];
      }
    } else {
      job.created = field("started");
      job.token_id = field("requested_by");
      job.package_id = field("package_id");
      if (!IsDone(job.state)) job.state = JobState::kCancelled;
      result["report"] = nlohmann::json::parse(field("report"), nullptr, false);
      result["progress"] = {{"blobs_done", j.value("blobs_done", uint64_t{0})},
                            {"blobs_total", j.value("blobs_total", uint64_t{0})},
                            {"bytes_done", j.value("bytes_done", uint64_t{0})},
                            {"seconds", j.value("seconds", 0.0)}};
    }
    found.emplace_back(std::move(job), std::move(result));
  }
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.first.created < b.first.created; });
  for (auto& [job, result] : found) {
    // Taken over already (in part, if a crash cut the migration short
    // between a job's two records).
    std::optional<Job> known = Find(job.id);
    if (!known) {
      Job created = job;
      created.state = IsDone(job.state) ? JobState::kRunning : JobState::kQueued;
      created.finished.clear();
      BEVARA_RETURN_IF_ERROR(Add(created));
    }
    if (IsDone(job.state) && !(known && IsDone(known->state))) BEVARA_RETURN_IF_ERROR(Finish(job, result));
  }
  BEVARA_RETURN_IF_ERROR(env->RenameNoReplace(dir, dir + ".migrated"));
  env->Log(LogLevel::kInfo, std::to_string(found.size()) + " " + JobKindName(kind) + " jobs of " + dir +
                                " are now in the job log; the old files are kept in " + dir + ".migrated");
  return env->SyncDir(DirName(dir));
}

Result<nlohmann::json> JobStore::ResultOf(const std::string& id) {
  uint64_t offset = 0;
  {
    MutexLock lock(&mu_);
    auto it = jobs_.find(id);
    if (it == jobs_.end() || it->second.result_offset == 0) return Status::NotFound("job " + id + " has no result yet");
    offset = it->second.result_offset;
  }
  auto payload = log_->ReadAt(offset);
  if (!payload.ok()) return payload.status();
  auto j = nlohmann::json::parse(*payload, nullptr, false);
  if (!j.is_object() || !j.contains("result")) {
    return Status::Corruption(log_->path() + ": the result of job " + id + " does not read");
  }
  return std::move(j["result"]);
}

}  // namespace bevara::services
