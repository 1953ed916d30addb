#include "src/access/audit_log.h"

#include <chrono>
#include <nlohmann/json.hpp>

#include "src/common/clock.h"
#include "src/common/digest.h"
#include "src/common/json_util.h"
#include "src/common/record_log_recovery.h"

namespace bevara::access {
namespace {

const std::string kGenesis(64, '0');

// The entry's hash: the SHA-256 of its JSON without "hash".
std::string ChainHash(nlohmann::json entry) {
  entry.erase("hash");
  return Sha256Hex(entry.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

std::string LogPath(const std::string& dir) { return dir + "/audit.log"; }

}  // namespace

AuditLog::AuditLog(Env* env, std::string dir) : env_(env), dir_(std::move(dir)) {
  MutexLock lock(&chain_mu_);
  last_hash_ = kGenesis;
}

Status AuditLog::Follow(std::string_view payload) {
  auto j = nlohmann::json::parse(payload, nullptr, false);
  if (!j.is_object() || !j.contains("seq") || !j["seq"].is_number_unsigned() || !j.contains("hash") ||
      !j["hash"].is_string()) {
    return Status::Corruption(LogPath(dir_) + ": a record that is not an audit entry");
  }
  seq_ = j["seq"].get<uint64_t>();
  last_hash_ = j["hash"].get<std::string>();
  return Status::OK();
}

Result<std::unique_ptr<AuditLog>> AuditLog::Open(Env* env, const std::string& dir) {
  BEVARA_RETURN_IF_ERROR(env->CreateDir(dir, kDefaultDirMode));
  std::unique_ptr<AuditLog> log(new AuditLog(env, dir));
  AuditLog* self = log.get();
  RecordLogOptions options;
  // Every call into the record log is made with chain_mu_ held (here, in
  // Append and in Sync), so the callback may touch the chain.
  options.on_record = [self](uint64_t, std::string_view payload) {
    self->chain_mu_.AssertHeld();
    return self->Follow(payload);
  };
  {
    MutexLock lock(&log->chain_mu_);
    auto records = RecordLog::Open(env, LogPath(dir), options);
    if (!records.ok()) return records.status();
    log->log_ = std::move(*records);
  }
  // audit.head of an older bevara: the record log's own head replaces it.
  (void)env->RemoveFile(dir + "/audit.head");
  log->flusher_ = std::thread([self] { self->FlushLoop(); });
  return log;
}

AuditLog::~AuditLog() {
  {
    MutexLock lock(&flush_mu_);
    stop_ = true;
  }
  wake_.SignalAll();
  if (flusher_.joinable()) flusher_.join();
  (void)Sync();
}

Status AuditLog::Append(const AuditEntry& e, bool durable) {
  MutexLock lock(&chain_mu_);
  uint64_t seq = 0;
  std::string hash;
  auto appended = log_->AppendWith(
      [&]() -> Result<std::string> {
        chain_mu_.AssertHeld();
        // Runs after the records other processes appended were followed.
        nlohmann::json j = {{"seq", seq_ + 1},      {"time", NowRfc3339(env_)}, {"actor", e.actor},
                            {"role", e.role},       {"action", e.action},       {"target", e.target},
                            {"outcome", e.outcome}, {"detail", e.detail},       {"client", e.client},
                            {"prev", last_hash_}};
        seq = seq_ + 1;
        hash = ChainHash(j);
        j["hash"] = hash;
        return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
      },
      durable);
  if (!appended.ok()) return appended.status();
  seq_ = seq;
  last_hash_ = std::move(hash);
  if (!durable) {
    {
      MutexLock flush(&flush_mu_);
      unsynced_ = true;
    }
    wake_.Signal();
  }
  return Status::OK();
}

Status AuditLog::Sync() {
  MutexLock lock(&chain_mu_);
  return log_ ? log_->Sync() : Status::OK();
}

void AuditLog::FlushLoop() {
  for (;;) {
    {
      MutexLock lock(&flush_mu_);
      while (!stop_ && !unsynced_) wake_.Wait(&flush_mu_);
      if (stop_) return;
      // Gather a second's worth of entries into one fsync.
      const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(1);
      while (!stop_ && std::chrono::steady_clock::now() < until) {
        wake_.WaitFor(&flush_mu_, until - std::chrono::steady_clock::now());
      }
      unsynced_ = false;
    }
    Status s = Sync();
    if (!s.ok()) {
      MutexLock lock(&flush_mu_);
      unsynced_ = true;  // tried again with the next entry, or in a second
      env_->Log(LogLevel::kError, "audit log: " + s.ToString());
    }
  }
}

Result<LogVerification> VerifyAuditLog(Env* env, const std::string& dir,
                                       const std::function<void(uint64_t seq, const std::string& hash)>& each) {
  // An older bevara's log of JSON lines is first made a record log (nothing is lost).
  BEVARA_RETURN_IF_ERROR(MigrateJsonLines(env, LogPath(dir), LogPath(dir)));
  LogVerification v;
  std::string prev = kGenesis;
  auto fail = [&](std::string problem) {
    v.entry = v.entries + 1;
    v.problem = std::move(problem);
    return Status::Corruption("stop");
  };
  Status s = ReadRecordLog(env, LogPath(dir), [&](uint64_t offset, std::string_view payload) {
    const std::string at = "entry " + std::to_string(v.entries + 1) + " (offset " + std::to_string(offset) + ")";
    auto j = nlohmann::json::parse(payload, nullptr, false);
    if (!j.is_object() || !j.contains("hash") || !j["hash"].is_string() || !j.contains("seq") ||
        !j["seq"].is_number_unsigned()) {
      return fail(at + " is not an audit entry");
    }
    if (j["seq"].get<uint64_t>() != v.entries + 1) {
      return fail(at + " has seq " + std::to_string(j["seq"].get<uint64_t>()) + ": an entry was removed or moved");
    }
    if (j.value("prev", "") != prev) return fail(at + " does not follow the entry before it: one was removed, moved or changed");
    const std::string hash = j["hash"];
    if (ChainHash(j) != hash) return fail(at + ": its content does not match its hash: the entry was changed");
    prev = hash;
    ++v.entries;
    if (each) each(v.entries, hash);
    return Status::OK();
  });
  if (!v.problem.empty()) return v;
  if (s.code() == StatusCode::kCorruption) {
    // The record log itself is damaged: a record that does not read, a log
    // shorter than acknowledged, records removed or reordered.
    v.entry = v.entries + 1;
    v.problem = s.message();
    return v;
  }
  if (s.IsNotFound()) return v;  // no log yet: nothing happened
  if (!s.ok()) return s;
  return v;
}

Status ReadAuditLog(Env* env, const std::string& dir, uint64_t from_seq, uint64_t limit,
                    const std::function<Status(const std::string& line)>& fn) {
  uint64_t seq = 0, given = 0;
  Status s = ReadRecordLog(env, LogPath(dir), [&](uint64_t, std::string_view payload) {
    if (++seq < from_seq) return Status::OK();  // seq == record number in an intact log
    if (given == limit) return Status::StopIteration();
    ++given;
    return fn(std::string(payload));
  });
  return s.IsNotFound() ? Status::OK() : s;
}

uint64_t AuditLog::last_seq() {
  MutexLock lock(&chain_mu_);
  return seq_;
}

Status AuditLogFilter::Check() const {
  for (const std::string* t : {&since, &until}) {
    if (!t->empty() && !IsIsoDateOrTime(*t)) return Status::InvalidArgument("since and until are dates or RFC 3339 times");
  }
  if (from == 0) return Status::InvalidArgument("from is a seq, 1 or more");
  return Status::OK();
}

bool AuditLogFilter::Matches(const nlohmann::json& e) const {
  auto text = [&](const char* key) { return JsonStringField(e, key); };
  if (!action.empty()) {
    const std::string a = text("action");
    if (action.back() == '.' ? a.rfind(action, 0) != 0 : a != action) return false;
  }
  if (!actor.empty() && text("actor") != actor) return false;
  if (!target.empty() && text("target").find(target) == std::string::npos) return false;
  const std::string time = text("time");
  if (!since.empty() && time < since) return false;
  // A date alone means the whole day.
  if (!until.empty() && time.substr(0, until.size()) > until) return false;
  return true;
}

}  // namespace bevara::access
