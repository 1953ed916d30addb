#include "storage/archive/damage_register.h"

#include <nlohmann/json.hpp>

#include "src/common/clock.h"

namespace bevara::storage {
namespace {

// Applies one record to the map; Corruption when it is not one of ours.
Status Apply(std::string_view payload, std::map<std::string, DamageNote>* damaged) {
  auto j = nlohmann::json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("blob") || !j["blob"].is_string() || !j.contains("state") ||
      !j["state"].is_string()) {
    return Status::Corruption("damage register: a record is not a finding");
  }
  const std::string blob = j["blob"].get<std::string>();
  if (j["state"] == "whole") {
    damaged->erase(blob);
    return Status::OK();
  }
  DamageNote note{blob, j.value("kind", ""), j.value("detail", ""), j.value("found_by", ""), j.value("at", "")};
  (*damaged)[blob] = std::move(note);
  return Status::OK();
}

}  // namespace

Result<std::unique_ptr<DamageRegister>> DamageRegister::Open(Env* env, const std::string& path) {
  std::unique_ptr<DamageRegister> r(new DamageRegister(env, path));
  if (env->Lstat(path).status().IsNotFound()) return r;  // nothing found damaged yet
  RecordLog* log = nullptr;
  BEVARA_RETURN_IF_ERROR(r->OpenLog(&log));
  return r;
}

Status DamageRegister::OpenLog(RecordLog** out) {
  MutexLock lock(&log_mu_);
  if (!log_) {
    RecordLogOptions options;
    // Also called for what another process appended, so it takes mu_
    // itself; that is why no one holds mu_ while appending.
    options.on_record = [this](uint64_t, std::string_view payload) {
      MutexLock lock(&mu_);
      return Apply(payload, &damaged_);
    };
    auto log = RecordLog::Open(env_, path_, options);
    if (!log.ok()) return log.status();
    log_ = std::move(*log);
  }
  *out = log_.get();
  return Status::OK();
}

std::optional<DamageNote> DamageRegister::Find(const std::string& blob) const {
  MutexLock lock(&mu_);
  auto it = damaged_.find(blob);
  if (it == damaged_.end()) return std::nullopt;
  return it->second;
}

std::vector<DamageNote> DamageRegister::All() const {
  MutexLock lock(&mu_);
  std::vector<DamageNote> out;
  for (const auto& [blob, note] : damaged_) out.push_back(note);
  return out;
}

Status DamageRegister::MarkDamaged(DamageNote note) {
  {
    MutexLock lock(&mu_);
    auto it = damaged_.find(note.blob);
    if (it != damaged_.end() && it->second.kind == note.kind) return Status::OK();
  }
  if (note.at.empty()) note.at = NowRfc3339(env_);
  nlohmann::json j = {{"blob", note.blob},         {"state", "damaged"},         {"kind", note.kind},
                      {"detail", note.detail},     {"found_by", note.found_by}, {"at", note.at}};
  RecordLog* log = nullptr;
  Status recorded = OpenLog(&log);
  if (recorded.ok()) recorded = log->Append(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)).status();
  if (recorded.ok()) {
    env_->Log(LogLevel::kWarning, "blob " + note.blob + " is damaged (" + note.kind + ", found by " + note.found_by +
                                      "): " + note.detail);
  }
  // Known now, recorded on disk or not (a full disk, say): this process
  // refuses the blob all the same (fail closed); the caller hears why.
  MutexLock lock(&mu_);
  damaged_[note.blob] = std::move(note);
  return recorded;
}

Status DamageRegister::MarkWhole(const std::string& blob, const std::string& found_by) {
  {
    MutexLock lock(&mu_);
    if (!damaged_.count(blob)) return Status::OK();
  }
  nlohmann::json j = {{"blob", blob}, {"state", "whole"}, {"found_by", found_by}, {"at", NowRfc3339(env_)}};
  RecordLog* log = nullptr;
  BEVARA_RETURN_IF_ERROR(OpenLog(&log));
  auto appended = log->Append(j.dump());
  if (!appended.ok()) return appended.status();
  env_->Log(LogLevel::kInfo, "blob " + blob + " reads whole again (found by " + found_by + ")");
  MutexLock lock(&mu_);
  damaged_.erase(blob);
  return Status::OK();
}

}  // namespace bevara::storage
