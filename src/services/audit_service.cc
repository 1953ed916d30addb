#include "src/services/audit_service.h"

#include <iostream>
#include <nlohmann/json.hpp>

#include "src/common/clock.h"
#include "src/common/file_util.h"
#include "src/common/random.h"

namespace bevara::services {

namespace {

nlohmann::json RunToJson(const AuditRun& r) {
  return {{"id", r.id},           {"package_id", r.package_id}, {"requested_by", r.requested_by},
          {"state", r.state},     {"started", r.started},       {"finished", r.finished},
          {"blobs_done", r.progress.blobs_done}, {"blobs_total", r.progress.blobs_total},
          {"bytes_done", r.progress.bytes_done}, {"seconds", r.progress.seconds}, {"report", r.report_json}};
}

AuditRun RunFromJson(const nlohmann::json& j) {
  AuditRun r;
  r.id = j.value("id", "");
  r.package_id = j.value("package_id", "");
  r.requested_by = j.value("requested_by", "");
  r.state = j.value("state", "");
  r.started = j.value("started", "");
  r.finished = j.value("finished", "");
  r.progress.blobs_done = j.value("blobs_done", uint64_t{0});
  r.progress.blobs_total = j.value("blobs_total", uint64_t{0});
  r.progress.bytes_done = j.value("bytes_done", uint64_t{0});
  r.progress.seconds = j.value("seconds", 0.0);
  r.report_json = j.value("report", "");
  return r;
}

bool IsAuditId(const std::string& id) {
  return !id.empty() && id.size() <= 32 &&
         id.find_first_not_of("0123456789abcdef") == std::string::npos;  // never a path
}

}  // namespace

AuditService::AuditService(storage::Archive* archive, access::AuditLog* log, std::string dir,
                           uint64_t max_bytes_per_second)
    : archive_(archive), log_(log), dir_(std::move(dir)), max_bytes_per_second_(max_bytes_per_second) {
  (void)archive_->env()->CreateDir(dir_, kDefaultDirMode);
}

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
  run.started = NowRfc3339(archive_->env());
  runs_[run.id] = run;
  running_ = run.id;
  thread_ = std::thread([this, id = run.id] { Run(id); });
  return run;
}

std::optional<AuditRun> AuditService::Get(const std::string& id) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = runs_.find(id);
    if (it != runs_.end()) return it->second;
  }
  if (!IsAuditId(id)) return std::nullopt;
  auto text = ReadFileToString(archive_->env(), dir_ + "/" + id + ".json", 1ull << 30);
  if (!text.ok()) return std::nullopt;
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (!j.is_object()) return std::nullopt;
  return RunFromJson(j);
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
  run.finished = NowRfc3339(archive_->env());
  if (cancel_.load()) {
    run.state = "cancelled";
  } else if (!report.ok()) {
    run.state = "failed";
    run.report_json = nlohmann::json({{"error", StatusCodeName(report.status().code())}}).dump();
  } else {
    run.state = report->clean() ? "clean" : "problems";
    run.report_json = report->ToJson();
  }
  if (run.state != "cancelled") {
    Status saved = WriteFileDurably(archive_->env(), dir_ + "/" + id + ".json", RunToJson(run).dump());
    if (!saved.ok()) std::cerr << "bevara serve: audit " << id << ": " << saved.ToString() << "\n";
  }
  (void)log_->Append({run.requested_by, "", "audit.finished", package_id.empty() ? "(archive)" : package_id, run.state,
                      "audit " + id + ": " + std::to_string(run.progress.blobs_done) + " blobs, " +
                          std::to_string(run.progress.bytes_done) + " bytes",
                      ""},
                     true);
  running_.clear();
}

}  // namespace bevara::services
