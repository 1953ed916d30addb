#include "storage/copies/copy_ledger.h"

#include <nlohmann/json.hpp>

#include "src/common/clock.h"
#include "src/common/file_util.h"
#include "src/common/random.h"
#include "src/common/version.h"

namespace bevara::storage {
namespace {

std::string VersionKey(const std::string& package, uint32_t version) { return package + "\n" + std::to_string(version); }

}  // namespace

std::string ToJson(const CopyEvent& e) {
  nlohmann::json j = {{"id", e.id}, {"type", e.type}, {"at", e.at}, {"outcome", e.outcome}, {"agent", e.agent}};
  if (!e.blob.empty()) j["blob"] = e.blob, j["size"] = e.size;
  if (!e.detail.empty()) j["detail"] = e.detail;
  if (!e.package.empty()) j["package"] = e.package, j["version"] = e.version;
  // A detail is text from elsewhere (a store's answer, a path): never a reason to throw.
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

namespace {

Result<CopyEvent> FromJson(std::string_view payload) {
  nlohmann::json j = nlohmann::json::parse(payload, nullptr, false);
  if (!j.is_object() || !j.contains("type") || !j["type"].is_string()) return Status::Corruption("not a copy event");
  if (j.contains("version") && !j["version"].is_number_unsigned()) return Status::Corruption("not a copy event");
  CopyEvent e;
  auto text = [&](const char* key) { return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : ""; };
  e.id = text("id"), e.type = text("type"), e.at = text("at"), e.blob = text("blob");
  e.outcome = text("outcome"), e.detail = text("detail"), e.agent = text("agent"), e.package = text("package");
  if (j.contains("size") && j["size"].is_number_unsigned()) e.size = j["size"].get<uint64_t>();
  if (j.contains("version") && j["version"].is_number_unsigned()) e.version = j["version"].get<uint32_t>();
  return e;
}

}  // namespace

Result<std::unique_ptr<CopyLedger>> CopyLedger::Open(Env* env, const std::string& dir, const std::string& copy) {
  BEVARA_RETURN_IF_ERROR(CreateDirs(env, dir));
  std::unique_ptr<CopyLedger> ledger(new CopyLedger(env, copy, dir + "/" + copy + ".log"));
  CopyLedger* raw = ledger.get();
  RecordLogOptions options;
  options.on_record = [raw](uint64_t, std::string_view payload) { return raw->Apply(payload); };
  auto log = RecordLog::Open(env, ledger->path_, options);
  if (!log.ok()) return log.status();
  ledger->log_ = std::move(*log);
  return ledger;
}

Status CopyLedger::Apply(std::string_view payload) {
  auto e = FromJson(payload);
  if (!e.ok()) return Status::Corruption("copy ledger " + copy_ + ": a record that is not an event");
  MutexLock lock(&mu_);
  if (e->type == "version copied") {
    versions_.insert(VersionKey(e->package, e->version));
    return Status::OK();
  }
  if (e->blob.empty()) return Status::OK();
  CopyBlobState& s = blobs_[e->blob];
  const bool was = s.confirmed;
  const uint64_t old_size = s.size;
  if (e->type == "replication" && e->outcome == "confirmed") {
    s.confirmed = true, s.size = e->size, s.confirmed_at = e->at, s.damage.clear();
  } else if (e->type == "fixity check") {
    if (e->outcome == "whole") {
      s.damage.clear();
    } else {
      s.damage = e->outcome;
      s.confirmed = false;
    }
  } else if (e->type == "repair" && e->outcome == "repaired") {
    s.damage.clear();
    s.confirmed = true, s.confirmed_at = e->at;
    if (e->size) s.size = e->size;
  } else if (e->type == "deletion") {  // disposal begun: no longer held there
    s.confirmed = false;
    s.damage.clear();
  }
  if (was && s.confirmed && s.size != old_size) confirmed_bytes_ += s.size - old_size;  // modular: the sum stays right
  if (!was && s.confirmed) {
    ++confirmed_blobs_;
    confirmed_bytes_ += s.size;
  } else if (was && !s.confirmed) {
    --confirmed_blobs_;
    confirmed_bytes_ -= old_size;
  }
  if (e->type == "deletion" && e->outcome == "deleted") blobs_.erase(e->blob);  // as never copied
  return Status::OK();
}

CopyEvent CopyLedger::NewEvent(const std::string& type, const std::string& blob, uint64_t size, const std::string& outcome,
                               const std::string& detail) const {
  CopyEvent e;
  e.id = copy_ + "-" + RandomHex(8);
  e.type = type;
  e.at = NowRfc3339(env_);
  e.blob = blob;
  e.size = size;
  e.outcome = outcome;
  e.detail = detail;
  e.agent = std::string("bevara ") + Version();
  return e;
}

namespace {
// A finding against a blob: believed even when it could not be written.
bool IsDamage(const CopyEvent& e) { return e.type == "fixity check" && e.outcome != "whole"; }
}  // namespace

Status CopyLedger::Record(CopyEvent event, bool sync) {
  const std::string payload = ToJson(event);
  auto appended = log_->Append(payload, sync);
  // What was found damaged holds in memory even when it could not be
  // written (a damaged blob must not be taken for a good one for want of a
  // disk write); anything good only once it is written.
  if (appended.ok() || IsDamage(event)) BEVARA_RETURN_IF_ERROR(Apply(payload));
  return appended.status();
}

Status CopyLedger::RecordDurably(const std::vector<CopyEvent>& events) {
  std::vector<std::string> payloads;
  for (const CopyEvent& e : events) {
    payloads.push_back(ToJson(e));
    BEVARA_RETURN_IF_ERROR(log_->Append(payloads.back(), /*sync=*/false).status());
  }
  BEVARA_RETURN_IF_ERROR(log_->Sync());
  // Visible only now: a confirmation someone acts on (a deposit's
  // acknowledgement) is on the disk first.
  for (const std::string& p : payloads) BEVARA_RETURN_IF_ERROR(Apply(p));
  return Status::OK();
}

Status CopyLedger::Sync() { return log_->Sync(); }

bool CopyLedger::Confirmed(const std::string& blob) const {
  MutexLock lock(&mu_);
  auto it = blobs_.find(blob);
  return it != blobs_.end() && it->second.confirmed;
}

std::optional<CopyBlobState> CopyLedger::Find(const std::string& blob) const {
  MutexLock lock(&mu_);
  auto it = blobs_.find(blob);
  if (it == blobs_.end()) return std::nullopt;
  return it->second;
}

bool CopyLedger::VersionCopied(const std::string& package, uint32_t version) const {
  MutexLock lock(&mu_);
  return versions_.count(VersionKey(package, version)) > 0;
}

uint64_t CopyLedger::confirmed_blobs() const {
  MutexLock lock(&mu_);
  return confirmed_blobs_;
}

uint64_t CopyLedger::confirmed_bytes() const {
  MutexLock lock(&mu_);
  return confirmed_bytes_;
}

std::vector<std::pair<std::string, CopyBlobState>> CopyLedger::Damaged() const {
  MutexLock lock(&mu_);
  std::vector<std::pair<std::string, CopyBlobState>> out;
  for (const auto& [name, s] : blobs_) {
    if (!s.damage.empty()) out.emplace_back(name, s);
  }
  return out;
}

Result<std::vector<CopyEvent>> CopyLedger::EventsOf(const std::string& blob) {
  std::vector<CopyEvent> out;
  BEVARA_RETURN_IF_ERROR(ReadRecordLog(env_, path_, [&](uint64_t, std::string_view payload) {
    auto e = FromJson(payload);
    if (e.ok() && e->blob == blob) out.push_back(*e);
    return Status::OK();
  }));
  return out;
}

}  // namespace bevara::storage
