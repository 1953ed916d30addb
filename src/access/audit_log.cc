#include "src/access/audit_log.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <nlohmann/json.hpp>

#include "src/common/clock.h"
#include "src/common/digest.h"
#include "src/common/file_util.h"

namespace bevara::access {
namespace {

const std::string kGenesis(64, '0');

// The entry's hash: the SHA-256 of its JSON without "hash".
std::string ChainHash(nlohmann::json entry) {
  entry.erase("hash");
  return Sha256Hex(entry.dump());
}

// The seq and hash of the last complete line of the log, reading only its end.
Status ReadTail(Env* env, const std::string& path, uint64_t size, uint64_t* seq, std::string* hash) {
  auto file = env->OpenForRead(path);
  if (!file.ok()) return file.status();
  const uint64_t span = std::min<uint64_t>(size, 1 << 20);
  auto at = (*file)->Seek(static_cast<int64_t>(size - span), SEEK_SET);
  if (!at.ok()) return at.status();
  std::string tail(span, '\0');
  size_t got = 0;
  while (got < span) {
    auto n = (*file)->Read(tail.data() + got, span - got);
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    got += *n;
  }
  tail.resize(got);
  while (!tail.empty() && tail.back() == '\n') tail.pop_back();
  auto j = nlohmann::json::parse(tail.substr(tail.rfind('\n') + 1), nullptr, false);
  if (!j.is_object()) return Status::Corruption(path + ": the last entry is unreadable");
  *seq = j.value("seq", uint64_t{0});
  *hash = j.value("hash", kGenesis);
  return Status::OK();
}

struct Head {
  uint64_t seq = 0;
  std::string hash;
};

Result<Head> ReadHead(Env* env, const std::string& dir) {
  auto text = ReadFileToString(env, dir + "/audit.head", 4096);
  if (!text.ok()) return text.status().IsNotFound() ? Result<Head>(Head{}) : Result<Head>(text.status());
  auto j = nlohmann::json::parse(*text, nullptr, false);
  if (!j.is_object()) return Status::Corruption(dir + "/audit.head is unreadable");
  return Head{j.value("seq", uint64_t{0}), j.value("hash", "")};
}

}  // namespace

AuditLog::AuditLog(Env* env, std::string dir) : env_(env), dir_(std::move(dir)), path_(dir_ + "/audit.log") {}

Result<std::unique_ptr<AuditLog>> AuditLog::Open(Env* env, const std::string& dir) {
  BEVARA_RETURN_IF_ERROR(env->CreateDir(dir, kDefaultDirMode));
  std::unique_ptr<AuditLog> log(new AuditLog(env, dir));
  log->last_hash_ = kGenesis;
  auto file_lock = env->LockFile(dir + "/audit.lock");
  if (!file_lock.ok()) return file_lock.status();
  auto size = env->Stat(log->path_);
  if (size.ok() && size->size > 0) {
    // A crash may have torn the last line: it was never acknowledged, and
    // leaving it would break the chain for every later line.
    std::string last;
    auto file = env->OpenForRead(log->path_);
    if (!file.ok()) return file.status();
    const uint64_t span = std::min<uint64_t>(size->size, 1 << 20);
    auto at = (*file)->Seek(static_cast<int64_t>(size->size - span), SEEK_SET);
    if (!at.ok()) return at.status();
    std::string tail(span, '\0');
    auto n = (*file)->Read(tail.data(), span);
    if (!n.ok()) return n.status();
    tail.resize(*n);
    if (!tail.empty() && tail.back() != '\n') {
      size_t nl = tail.rfind('\n');
      uint64_t keep = nl == std::string::npos ? size->size - span : size->size - span + nl + 1;
      if (::truncate(log->path_.c_str(), static_cast<off_t>(keep)) != 0) {
        return Status::FromErrno(errno, "truncate " + log->path_);
      }
    }
  } else if (!size.ok() && !size.status().IsNotFound()) {
    return size.status();
  }
  auto file = env->OpenForAppend(log->path_);
  if (!file.ok()) return file.status();
  log->file_ = std::move(*file);
  BEVARA_RETURN_IF_ERROR(env->SyncDir(dir));
  log->flusher_ = std::thread([l = log.get()] { l->FlushLoop(); });
  return log;
}

AuditLog::~AuditLog() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (flusher_.joinable()) flusher_.join();
  std::lock_guard<std::mutex> lock(mu_);
  (void)SyncLocked();
  (void)file_->Close();
}

Status AuditLog::Append(const AuditEntry& e, bool durable) {
  std::lock_guard<std::mutex> lock(mu_);
  // `bevara token` appends beside a running server: the file lock orders
  // the two, and a log that grew since this process last wrote is read
  // again at its end to continue the chain.
  auto file_lock = env_->LockFile(dir_ + "/audit.lock");
  for (int i = 0; !file_lock.ok() && file_lock.status().code() == StatusCode::kUnavailable && i < 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    file_lock = env_->LockFile(dir_ + "/audit.lock");
  }
  if (!file_lock.ok()) return file_lock.status();
  auto size = env_->Stat(path_);
  if (!size.ok()) return size.status();
  if (size->size != known_size_) {
    BEVARA_RETURN_IF_ERROR(ReadTail(env_, path_, size->size, &seq_, &last_hash_));
    known_size_ = size->size;
  }
  nlohmann::json j = {{"seq", seq_ + 1},   {"time", NowRfc3339(env_)}, {"actor", e.actor},
                      {"role", e.role},    {"action", e.action},            {"target", e.target},
                      {"outcome", e.outcome}, {"detail", e.detail},         {"client", e.client},
                      {"prev", last_hash_}};
  std::string hash = Sha256Hex(j.dump());
  j["hash"] = hash;
  std::string line = j.dump() + "\n";
  BEVARA_RETURN_IF_ERROR(file_->Append(line.data(), line.size()));
  known_size_ += line.size();
  ++seq_;
  last_hash_ = std::move(hash);
  if (durable) return SyncLocked();
  wake_.notify_one();
  return Status::OK();
}

Status AuditLog::SyncLocked() {
  if (synced_seq_ == seq_) return Status::OK();
  BEVARA_RETURN_IF_ERROR(file_->Sync());
  synced_seq_ = seq_;
  nlohmann::json head = {{"seq", seq_}, {"hash", last_hash_}};
  return WriteFileDurably(env_, dir_ + "/audit.head", head.dump() + "\n");
}

Status AuditLog::Sync() {
  std::lock_guard<std::mutex> lock(mu_);
  return SyncLocked();
}

void AuditLog::FlushLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    wake_.wait(lock, [&] { return stop_ || synced_seq_ != seq_; });
    if (stop_) break;
    // Gather a second's worth of entries into one fsync.
    wake_.wait_for(lock, std::chrono::seconds(1), [&] { return stop_; });
    (void)SyncLocked();  // a failure is retried at the next entry
  }
}

Result<LogVerification> VerifyAuditLog(Env* env, const std::string& dir) {
  LogVerification v;
  std::string prev = kGenesis;
  uint64_t seq = 0;
  auto head = ReadHead(env, dir);
  if (!head.ok()) return head.status();
  auto fail = [&](uint64_t line, std::string problem) {
    v.line = line;
    v.problem = std::move(problem);
    return Status::Corruption("stop");
  };
  auto end = ForEachLine(env, dir + "/audit.log", [&](std::string_view text, uint64_t line) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (!j.is_object() || !j.contains("hash") || !j["hash"].is_string()) return fail(line, "not an audit entry");
    if (j.value("seq", uint64_t{0}) != seq + 1) {
      return fail(line, "seq " + std::to_string(j.value("seq", uint64_t{0})) + " where " + std::to_string(seq + 1) +
                            " was expected: an entry was removed or moved");
    }
    if (j.value("prev", "") != prev) return fail(line, "does not follow the entry before it: one was removed, moved or changed");
    std::string hash = j["hash"];
    if (ChainHash(j) != hash) return fail(line, "its content does not match its hash: the entry was changed");
    prev = hash;
    ++seq;
    ++v.entries;
    if (seq == head->seq && hash != head->hash) {
      return fail(line, "is not the entry " + std::to_string(seq) + " that was written durably (audit.head)");
    }
    return Status::OK();
  });
  if (!end.ok() && !v.problem.empty()) return v;
  if (!end.ok() && !end.status().IsNotFound()) return end.status();
  if (head->seq > seq) {
    v.problem = "the log ends at entry " + std::to_string(seq) + " but entry " + std::to_string(head->seq) +
                " was written durably: entries were removed from the end";
  }
  return v;
}

Status ReadAuditLog(Env* env, const std::string& dir, uint64_t from_seq, uint64_t limit,
                    const std::function<Status(const std::string& line)>& fn) {
  uint64_t given = 0;
  auto end = ForEachLine(env, dir + "/audit.log", [&](std::string_view text, uint64_t line) {
    if (line < from_seq) return Status::OK();  // seq == line number in an intact log
    if (given == limit) return Status::Corruption("enough");
    ++given;
    return fn(std::string(text));
  });
  if (!end.ok() && given == limit && end.status().code() == StatusCode::kCorruption) return Status::OK();
  if (!end.ok() && end.status().IsNotFound()) return Status::OK();
  return end.ok() ? Status::OK() : end.status();
}

}  // namespace bevara::access
