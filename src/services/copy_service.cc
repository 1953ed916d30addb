#include "src/services/copy_service.h"

#include <algorithm>

#include "src/common/clock.h"
#include "storage/copies/copy_audit.h"
#include "storage/copies/copy_status.h"
#include "storage/copies/replicator.h"

namespace bevara::services {

using std::chrono::duration_cast;
using std::chrono::microseconds;

Result<std::unique_ptr<CopyService>> CopyService::Start(storage::Archive* archive, const storage::CopyPolicy& policy,
                                                        access::AuditLog* log, CopyServiceOptions options) {
  std::unique_ptr<CopyService> service(new CopyService(archive, log, options));
  auto copies = storage::CopySet::Open(archive, policy, /*allow_unreachable=*/true);
  if (!copies.ok()) return copies.status();
  service->copies_ = std::move(*copies);
  const std::string dir = archive->data_dir() + "/store/copies";
  for (const storage::CopySpec& spec : policy.copies) {
    CopyWork work;
    work.name = spec.name;
    auto schedule = storage::FixitySchedule::Open(archive->env(), dir, spec.name, spec.audit_period_days);
    if (!schedule.ok()) return schedule.status();
    work.schedule = std::move(*schedule);
    service->work_.push_back(std::move(work));
  }
  service->thread_ = std::thread([s = service.get()] { s->Loop(); });
  return service;
}

CopyService::~CopyService() { Stop(); }

void CopyService::Stop() {
  {
    MutexLock lock(&mu_);
    stop_ = true;
    wake_.Signal();
    copied_.SignalAll();  // deposits waiting for copies give up now
  }
  cancel_.store(true);
  if (thread_.joinable()) thread_.join();
}

void CopyService::Notify() {
  MutexLock lock(&mu_);
  notified_ = true;
  wake_.Signal();
}

void CopyService::Audit(const std::string& action, const std::string& target, const std::string& outcome,
                        const std::string& detail) {
  (void)log_->Append({"bevara", "", action, target, outcome, detail, ""}, outcome != "ok");
}

Result<std::vector<storage::HeldBlob>> CopyService::Held() {
  MutexLock lock(&held_mu_);
  const uint64_t generation = archive_->head_generation();
  if (generation != held_generation_) {
    auto blobs = storage::HeldBlobs(archive_);
    if (!blobs.ok()) return blobs.status();
    held_ = std::move(*blobs);
    held_generation_ = generation;
  }
  return held_;
}

void CopyService::ReplicateCopy(CopyWork& work, const storage::OpenCopy& copy) {
  storage::ReplicationOptions options;
  options.cancel = &cancel_;
  // A deposit waiting for its version hears of it after the round that
  // copied it, not after the whole run.
  options.on_round = [this] {
    MutexLock lock(&mu_);
    copied_.SignalAll();
  };
  auto report = storage::Replicate(archive_, copy.store, copy.ledger, options);
  const int64_t now = env_->NowMicros();
  if (!report.ok()) {
    if (cancel_.load()) return;
    work.backoff_us = std::clamp<int64_t>(work.backoff_us * 2, 1000000, duration_cast<microseconds>(options_.max_backoff).count());
    work.next_replication_us = now + work.backoff_us;
    if (work.last_error != report.status().ToString()) {
      env_->Log(LogLevel::kWarning, "copy " + copy.name + ": " + report.status().ToString() + "; trying again");
      Audit("copy.replicate", copy.name, "failed", report.status().ToString());
    }
    work.last_error = report.status().ToString();
  } else {
    work.backoff_us = 0;
    work.last_error.clear();
    work.next_replication_us = now + duration_cast<microseconds>(options_.replicate_every).count();
    work.last_replication = NowRfc3339(env_);
    for (const std::string& p : report->problems) Audit("copy.replicate", copy.name, "failed", p);
    if (report->blobs_sent > 0) {
      Audit("copy.replicate", copy.name, "ok",
            std::to_string(report->blobs_sent) + " blobs (" + std::to_string(report->bytes_sent) + " bytes) copied");
    }
  }
  MutexLock lock(&mu_);
  shown_[copy.name] = {work.last_replication, work.last_error};
  copied_.SignalAll();
}

void CopyService::CheckFixity(CopyWork& work, const storage::OpenCopy& copy) {
  const int64_t now = env_->NowMicros();
  work.next_fixity_us = now + duration_cast<microseconds>(options_.fixity_every).count();
  auto due = work.schedule->DueNow(now);
  auto held = Held();
  if (!due.ok() || !held.ok()) {
    env_->Log(LogLevel::kError, "copy " + copy.name + ": the fixity schedule: " + (due.ok() ? held.status() : due.status()).ToString());
    return;
  }
  if (due->to <= due->from) return;
  std::vector<storage::HeldBlob> share;
  for (const storage::HeldBlob& b : *held) {
    const double place = storage::PlaceInPeriod(b.name);
    if (place >= due->from && place < due->to) share.push_back(b);
  }
  storage::CopyAuditOptions options;
  options.repair = true;
  options.cancel = &cancel_;
  options.max_bytes_per_second = copies_->policy().Find(copy.name)->audit_max_bytes_per_second;
  auto report = storage::AuditBlobs(archive_, copies_->copies(), copy.name, share, options);
  {
    MutexLock lock(&mu_);
    if (!report.ok()) {
      fixity_errors_[copy.name] = report.status().ToString();  // this share is checked again at the next tick
      return;
    }
    fixity_errors_.erase(copy.name);
  }
  RecordFindings(copy, *report);
  if (!report->complete) return;  // stopping: this share is checked again
  (void)work.schedule->Checked(*due, report->blobs_checked, report->bytes_checked, env_->NowMicros());
}

void CopyService::RecordFindings(const storage::OpenCopy& copy, const storage::CopyAuditReport& report) {
  for (const storage::CopyFinding& f : report.findings) {
    Audit("copy.fixity", copy.name + "/" + f.blob, "failed", f.kind + ": " + f.detail);
    if (!f.repaired_from.empty()) {
      Audit("copy.repair", copy.name + "/" + f.blob, "ok", "from copy " + f.repaired_from);
    } else {
      env_->Log(LogLevel::kError, "copy " + copy.name + ": blob " + f.blob + " is " + f.kind +
                                      " and could NOT be repaired: " + f.not_repaired);
      Audit("copy.repair", copy.name + "/" + f.blob, "failed", f.not_repaired);
    }
  }
}

bool CopyService::RequestAudit(const std::string& name, bool repair) {
  MutexLock lock(&mu_);
  const bool fresh = audits_wanted_.emplace(name, repair).second;
  if (!fresh) audits_wanted_[name] = audits_wanted_[name] || repair;
  wake_.Signal();
  return fresh;
}

void CopyService::AuditWhole(const storage::OpenCopy& copy, bool repair) {
  auto held = Held();
  storage::CopyAuditOptions options;
  options.repair = repair;
  options.cancel = &cancel_;
  options.max_bytes_per_second = copies_->policy().Find(copy.name)->audit_max_bytes_per_second;
  Result<storage::CopyAuditReport> report =
      held.ok() ? storage::AuditBlobs(archive_, copies_->copies(), copy.name, *held, options)
                : Result<storage::CopyAuditReport>(held.status());
  nlohmann::json shown;
  if (report.ok()) {
    RecordFindings(copy, *report);
    shown = nlohmann::json::parse(report->ToJson());
  } else {
    shown = {{"error", report.status().ToString()}};
  }
  shown["finished"] = NowRfc3339(env_);
  Audit("copy.audit", copy.name, report.ok() && report->unrepaired() == 0 ? "ok" : "failed",
        report.ok() ? std::to_string(report->blobs_checked) + " blobs checked, " + std::to_string(report->findings.size()) +
                          " damaged, " + std::to_string(report->repaired()) + " repaired"
                    : report.status().ToString());
  MutexLock lock(&mu_);
  last_audit_[copy.name] = shown;
}

void CopyService::Loop() {
  for (;;) {
    {
      MutexLock lock(&mu_);
      if (stop_) return;
      if (notified_) {
        notified_ = false;
        for (CopyWork& w : work_) {
          if (w.backoff_us == 0) w.next_replication_us = 0;
        }
      }
    }
    std::map<std::string, bool> wanted;
    {
      MutexLock lock(&mu_);
      wanted.swap(audits_wanted_);
    }
    for (const auto& [name, repair] : wanted) {
      if (const storage::OpenCopy* copy = copies_->Find(name); copy && !cancel_.load()) AuditWhole(*copy, repair);
    }
    for (size_t i = 0; i < work_.size() && !cancel_.load(); ++i) {
      const storage::OpenCopy& copy = copies_->copies()[i];
      if (!copy.local && env_->NowMicros() >= work_[i].next_replication_us) ReplicateCopy(work_[i], copy);
      if (!cancel_.load() && env_->NowMicros() >= work_[i].next_fixity_us) CheckFixity(work_[i], copy);
    }
    int64_t next = env_->NowMicros() + duration_cast<microseconds>(options_.fixity_every).count();
    for (size_t i = 0; i < work_.size(); ++i) {
      if (!copies_->copies()[i].local) next = std::min(next, work_[i].next_replication_us);
      next = std::min(next, work_[i].next_fixity_us);
    }
    MutexLock lock(&mu_);
    const int64_t wait = std::max<int64_t>(next - env_->NowMicros(), 10000);
    if (!stop_ && !notified_ && audits_wanted_.empty()) wake_.WaitFor(&mu_, microseconds(wait));
    if (notified_ && !stop_) {
      // A little longer, so that deposits that come together go together.
      wake_.WaitFor(&mu_, options_.notify_delay);
    }
  }
}

Status CopyService::WaitForCopies(const std::string& package, uint32_t version, std::chrono::milliseconds timeout) {
  const std::vector<std::string> needed = copies_->policy().AcknowledgedBy();
  if (needed.empty()) return Status::OK();
  Notify();
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  MutexLock lock(&mu_);
  for (;;) {
    std::vector<std::string> missing;
    for (const std::string& name : needed) {
      const storage::OpenCopy* copy = copies_->Find(name);
      if (!copy->ledger->VersionCopied(package, version)) missing.push_back(name);
    }
    if (missing.empty()) return Status::OK();
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero() || stop_) {
      std::string names;
      for (const std::string& m : missing) names += (names.empty() ? "" : ", ") + m;
      return Status::Unavailable("archived here, but not yet confirmed by the copy " + names +
                                 " (it is copied as soon as the copy answers)");
    }
    copied_.WaitFor(&mu_, left);
  }
}

Status CopyService::RepairLocal(const std::string& blob) {
  if (!copies_->policy().has_remote()) return Status::NotFound("there is no other copy to repair from");
  const int64_t now = env_->NowMicros();
  {
    // A blob that could not be repaired is not tried again for a minute: a
    // crowd asking for one damaged file must not hold the server's threads
    // on a store that does not answer, nor fill the logs.
    MutexLock lock(&mu_);
    auto failed = repair_failed_at_.find(blob);
    if (failed != repair_failed_at_.end() && now - failed->second < 60 * 1000000ll) {
      return Status::NotFound("no copy could give good bytes a moment ago");
    }
  }
  // One repair at a time; a request that finds one running is not queued.
  std::unique_lock<std::mutex> one(repair_mu_, std::try_to_lock);
  if (!one.owns_lock()) return Status::Unavailable("another repair is running");
  if (!archive_->damage()->Find(blob)) return Status::OK();  // repaired meanwhile
  auto size = archive_->store()->Size(blob);
  const storage::OpenCopy* local = copies_->Find("local");
  auto from = storage::RepairBlob(archive_, copies_->copies(), *local, blob, size.ok() ? *size : 0);
  if (!from.ok()) {
    Audit("copy.repair", "local/" + blob, "failed", from.status().message());
    MutexLock lock(&mu_);
    if (repair_failed_at_.size() > 10000) repair_failed_at_.clear();
    repair_failed_at_[blob] = now;
    return from.status();
  }
  Audit("copy.repair", "local/" + blob, "ok", "from copy " + *from + ", before sending it");
  return Status::OK();
}

Result<storage::CopyLag> CopyService::LagOf(const storage::OpenCopy& copy) {
  // Read before measuring: a change during the measurement leaves the
  // stored keys behind, and the next call measures again.
  const uint64_t generation = archive_->head_generation(), confirmed = copy.ledger->confirmed_blobs();
  {
    MutexLock lock(&lag_mu_);
    auto known = lags_.find(copy.name);
    if (known != lags_.end() && known->second.generation == generation && known->second.confirmed == confirmed) {
      return known->second.lag;
    }
  }
  auto lag = storage::MeasureLag(archive_, *copy.ledger);
  if (!lag.ok()) return lag.status();
  MutexLock lock(&lag_mu_);
  lags_[copy.name] = {generation, confirmed, *lag};
  return *lag;
}

Result<nlohmann::json> CopyService::StatusJson() {
  auto status = storage::CopiesStatus(archive_, *copies_, [this](const storage::OpenCopy& c) { return LagOf(c); });
  if (!status.ok()) return status.status();
  auto held = Held();
  const int64_t now = env_->NowMicros();
  MutexLock lock(&mu_);
  for (size_t i = 0; i < work_.size(); ++i) {
    nlohmann::json& c = (*status)["copies"][i];
    if (held.ok()) c["fixity"] = work_[i].schedule->Progress(now, *held);
    if (auto audit = last_audit_.find(work_[i].name); audit != last_audit_.end()) c["last_audit"] = audit->second;
    if (auto error = fixity_errors_.find(work_[i].name); error != fixity_errors_.end()) c["fixity_error"] = error->second;
    auto shown = shown_.find(work_[i].name);
    if (shown != shown_.end()) {
      if (!shown->second.first.empty()) c["last_replication"] = shown->second.first;
      if (!shown->second.second.empty()) c["last_error"] = shown->second.second;
    }
  }
  return status;
}

}  // namespace bevara::services
