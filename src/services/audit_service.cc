#include "services/audit_service.h"

#include <nlohmann/json.hpp>

#include "common/random.h"

namespace bevara::services {

AuditService::AuditService(storage::Archive* archive, access::AuditLog* log, uint64_t max_bytes_per_second)
    : archive_(archive), log_(log), max_bytes_per_second_(max_bytes_per_second) {}

AuditService::~AuditService() {
  cancel_.store(true);
  if (thread_.joinable()) thread_.join();
}

Result<AuditRun> AuditService::Start(const std::string& package_id, const std::string& requested_by) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!running_.empty()) return Status::AlreadyExists(running_);
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
  run.state = "running";
  run.started = storage::NowRfc3339();
  runs_[run.id] = run;
  running_ = run.id;
  thread_ = std::thread([this, id = run.id] { Run(id); });
  return run;
}

std::optional<AuditRun> AuditService::Get(const std::string& id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = runs_.find(id);
  if (it == runs_.end()) return std::nullopt;
  return it->second;
}

void AuditService::Run(std::string id) {
  std::string package_id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    package_id = runs_[id].package_id;
  }
  storage::AuditOptions options;
  options.max_bytes_per_second = max_bytes_per_second_;
  options.cancel = &cancel_;
  options.progress = [&](const storage::AuditProgress& p) {
    std::lock_guard<std::mutex> lock(mu_);
    runs_[id].progress = p;
  };
  auto report = package_id.empty() ? storage::AuditArchive(archive_, options)
                                   : storage::VerifyPackage(archive_, package_id, options);
  std::lock_guard<std::mutex> lock(mu_);
  AuditRun& run = runs_[id];
  run.finished = storage::NowRfc3339();
  if (cancel_.load()) {
    run.state = "cancelled";
  } else if (!report.ok()) {
    run.state = "failed";
    run.report_json = nlohmann::json({{"error", StatusCodeName(report.status().code())}}).dump();
  } else {
    run.state = report->clean() ? "clean" : "problems";
    run.report_json = report->ToJson();
  }
  (void)log_->Append({run.requested_by, "", "audit.finished", package_id.empty() ? "(archive)" : package_id, run.state,
                      "audit " + id + ": " + std::to_string(run.progress.blobs_done) + " blobs, " +
                          std::to_string(run.progress.bytes_done) + " bytes",
                      ""},
                     true);
  running_.clear();
}

}  // namespace bevara::services
