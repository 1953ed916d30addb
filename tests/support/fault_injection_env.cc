#include "tests/support/fault_injection_env.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

namespace bevara::testing {
namespace {

std::string DirOf(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

}  // namespace

const char* FaultKindName(FaultKind kind) {
  switch (kind) {
    case FaultKind::kWrite: return "write";
    case FaultKind::kSync: return "fsync";
    case FaultKind::kRename: return "rename";
    case FaultKind::kSyncDir: return "directory fsync";
  }
  return "?";
}

class FaultWritableFile final : public WritableFile {
 public:
  FaultWritableFile(FaultInjectionEnv* env, std::string path, std::unique_ptr<WritableFile> base)
      : env_(env), path_(std::move(path)), base_(std::move(base)) {}

  Status Append(const char* data, size_t n) override {
    BEVARA_RETURN_IF_ERROR(env_->Admit(FaultKind::kWrite, "write " + path_));
    BEVARA_RETURN_IF_ERROR(base_->Append(data, n));
    env_->Appended(path_, n);
    return Status::OK();
  }
  // Forwarded, so that tests under faults write as the server does (directly, where it can).
  Status AppendAligned(const char* data, size_t n) override {
    BEVARA_RETURN_IF_ERROR(env_->Admit(FaultKind::kWrite, "write " + path_));
    BEVARA_RETURN_IF_ERROR(base_->AppendAligned(data, n));
    env_->Appended(path_, n);
    return Status::OK();
  }
  void StartWriteback() override { base_->StartWriteback(); }
  Status Sync() override {
    BEVARA_RETURN_IF_ERROR(env_->Admit(FaultKind::kSync, "fsync " + path_));
    BEVARA_RETURN_IF_ERROR(base_->Sync());
    env_->Synced(path_);
    return Status::OK();
  }
  Status Close() override { return base_->Close(); }

 private:
  FaultInjectionEnv* env_;
  std::string path_;
  std::unique_ptr<WritableFile> base_;
};

class FaultUpdatableFile final : public UpdatableFile {
 public:
  FaultUpdatableFile(FaultInjectionEnv* env, std::string path, std::unique_ptr<UpdatableFile> base)
      : env_(env), path_(std::move(path)), base_(std::move(base)) {}
  Status WriteAt(uint64_t offset, const char* data, size_t n) override {
    BEVARA_RETURN_IF_ERROR(env_->Admit(FaultKind::kWrite, "write " + path_));
    return base_->WriteAt(offset, data, n);
  }
  Status Sync() override {
    BEVARA_RETURN_IF_ERROR(env_->Admit(FaultKind::kSync, "fdatasync " + path_));
    BEVARA_RETURN_IF_ERROR(base_->Sync());
    env_->UpdateSynced(path_);
    return Status::OK();
  }

 private:
  FaultInjectionEnv* env_;
  std::string path_;
  std::unique_ptr<UpdatableFile> base_;
};

Result<std::unique_ptr<UpdatableFile>> FaultInjectionEnv::OpenForUpdate(const std::string& path) {
  bool existed = base_->Lstat(path).ok();
  BEVARA_RETURN_IF_ERROR(Admit(FaultKind::kWrite, "open " + path));
  auto file = base_->OpenForUpdate(path);
  if (!file.ok()) return file.status();
  std::lock_guard<std::mutex> lock(mu_);
  if (!updated_synced_.count(path)) {
    std::error_code ec;
    std::string content;
    if (existed) {
      std::ifstream in(path, std::ios::binary);
      content.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    updated_synced_[path] = content;  // what existed is taken as durable
  }
  if (!existed) pending_.push_back({PendingEntry::kCreateFile, DirOf(path), path, ""});
  return std::unique_ptr<UpdatableFile>(new FaultUpdatableFile(this, path, std::move(*file)));
}

void FaultInjectionEnv::UpdateSynced(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::lock_guard<std::mutex> lock(mu_);
  updated_synced_[path] = std::move(content);
}

// A file read through the fault rules: errors, short reads or a flipped bit
// from a given offset on.
class FaultReadableFile final : public ReadableFile {
 public:
  FaultReadableFile(FaultInjectionEnv* env, std::unique_ptr<ReadableFile> base, FaultInjectionEnv::ReadFaultRule rule,
                    std::string path)
      : env_(env), base_(std::move(base)), rule_(std::move(rule)), path_(std::move(path)) {}

  Result<size_t> Read(char* buf, size_t n) override {
    if (rule_.fault == ReadFault::kError && offset_ + n > rule_.at) {
      if (offset_ >= rule_.at) {
        env_->CountReadFault();
        return Status::FromErrno(EIO, "read " + path_ + " (injected)");
      }
      n = static_cast<size_t>(rule_.at - offset_);  // up to the bad block, then the error
    }
    if (rule_.fault == ReadFault::kShort && offset_ + n > rule_.at && n > 1) {
      n = std::min<size_t>(n, 1 + (offset_ % 7));  // a few bytes at a time, never the same count
      env_->CountReadFault();
    }
    auto got = base_->Read(buf, n);
    if (!got.ok()) return got;
    if (rule_.fault == ReadFault::kCorrupt && rule_.at >= offset_ && rule_.at < offset_ + *got) {
      buf[rule_.at - offset_] ^= 0x10;
      env_->CountReadFault();
    }
    offset_ += *got;
    return got;
  }

  Result<int64_t> Seek(int64_t offset, int whence) override {
    auto at = base_->Seek(offset, whence);
    if (at.ok()) offset_ = static_cast<uint64_t>(*at);
    return at;
  }

 private:
  FaultInjectionEnv* env_;
  std::unique_ptr<ReadableFile> base_;
  FaultInjectionEnv::ReadFaultRule rule_;
  std::string path_;
  uint64_t offset_ = 0;
};

Result<std::unique_ptr<ReadableFile>> FaultInjectionEnv::OpenForRead(const std::string& path,
                                                                      const OpenOptions& options) {
  auto file = base_->OpenForRead(path, options);
  if (!file.ok()) return file;
  std::lock_guard<std::mutex> lock(mu_);
  for (const ReadFaultRule& rule : read_faults_) {
    if (path.find(rule.path_part) != std::string::npos) {
      return std::unique_ptr<ReadableFile>(new FaultReadableFile(this, std::move(*file), rule, path));
    }
  }
  return file;
}

void FaultInjectionEnv::FailReads(const std::string& path_part, ReadFault fault, uint64_t at) {
  std::lock_guard<std::mutex> lock(mu_);
  read_faults_.push_back({path_part, fault, at});
}

void FaultInjectionEnv::ClearReadFaults() {
  std::lock_guard<std::mutex> lock(mu_);
  read_faults_.clear();
}

void FaultInjectionEnv::CountReadFault() {
  std::lock_guard<std::mutex> lock(mu_);
  ++read_faults_fired_;
}

uint64_t FaultInjectionEnv::read_faults_fired() const {
  std::lock_guard<std::mutex> lock(mu_);
  return read_faults_fired_;
}

void FaultInjectionEnv::SetNowMicros(int64_t micros) {
  std::lock_guard<std::mutex> lock(mu_);
  now_micros_ = micros;
}

int64_t FaultInjectionEnv::NowMicros() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (now_micros_ != 0) return now_micros_;
  }
  return base_->NowMicros();
}

void FaultInjectionEnv::Log(LogLevel level, const std::string& message) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    logged_.push_back(std::string(LogLevelName(level)) + " " + message);
  }
  base_->Log(level, message);
}

std::vector<std::string> FaultInjectionEnv::logged() const {
  std::lock_guard<std::mutex> lock(mu_);
  return logged_;
}

Status FaultInjectionEnv::Truncate(const std::string& path, uint64_t size) {
  BEVARA_RETURN_IF_ERROR(Admit(FaultKind::kWrite, "truncate " + path));
  BEVARA_RETURN_IF_ERROR(base_->Truncate(path, size));
  std::lock_guard<std::mutex> lock(mu_);
  auto it = files_.find(path);
  if (it != files_.end()) {
    // What a power loss would bring back is the file as last synced, cut.
    it->second.size = size;
    it->second.synced_size = std::min(it->second.synced_size, size);
  }
  return Status::OK();
}

void FaultInjectionEnv::FailNth(FaultKind kind, uint64_t n, int err) {
  std::lock_guard<std::mutex> lock(mu_);
  armed_ = true;
  fail_kind_ = kind;
  fail_at_ = counts_[static_cast<int>(kind)] + n;
  fail_errno_ = err;
  fired_ = false;
}

void FaultInjectionEnv::CrashAfter(uint64_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  crash_after_ = mutating_ + n;
  fired_ = false;
}

bool FaultInjectionEnv::fault_fired() const {
  std::lock_guard<std::mutex> lock(mu_);
  return fired_;
}

Status FaultInjectionEnv::Admit(FaultKind kind, const std::string& what) {
  std::lock_guard<std::mutex> lock(mu_);
  uint64_t n = ++counts_[static_cast<int>(kind)];
  ++mutating_;
  if (crash_after_ > 0 && mutating_ > crash_after_) {
    fired_ = true;
    return Status::FromErrno(EIO, what + " (injected: power lost)");
  }
  if (armed_ && kind == fail_kind_ && n == fail_at_) {
    fired_ = true;
    armed_ = false;
    return Status::FromErrno(fail_errno_, what + " (injected)");
  }
  return Status::OK();
}

void FaultInjectionEnv::Appended(const std::string& path, uint64_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  files_[path].size += n;
}

void FaultInjectionEnv::Synced(const std::string& path) {
  std::lock_guard<std::mutex> lock(mu_);
  FileState& f = files_[path];
  f.synced_size = f.size;
}

Result<std::unique_ptr<WritableFile>> FaultInjectionEnv::CreateExclusive(const std::string& path, uint32_t mode) {
  BEVARA_RETURN_IF_ERROR(Admit(FaultKind::kWrite, "create " + path));
  auto file = base_->CreateExclusive(path, mode);
  if (!file.ok()) return file.status();
  std::lock_guard<std::mutex> lock(mu_);
  files_[path] = FileState{};
  pending_.push_back({PendingEntry::kCreateFile, DirOf(path), path, ""});
  return std::unique_ptr<WritableFile>(new FaultWritableFile(this, path, std::move(*file)));
}

Result<std::unique_ptr<WritableFile>> FaultInjectionEnv::OpenForAppend(const std::string& path) {
  auto info = base_->Lstat(path);
  bool existed = info.ok();
  uint64_t size = existed ? info->size : 0;
  BEVARA_RETURN_IF_ERROR(Admit(FaultKind::kWrite, "open " + path));
  auto file = base_->OpenForAppend(path);
  if (!file.ok()) return file.status();
  std::lock_guard<std::mutex> lock(mu_);
  if (!files_.count(path)) files_[path] = FileState{size, size};  // what existed is taken as durable
  if (!existed) pending_.push_back({PendingEntry::kCreateFile, DirOf(path), path, ""});
  return std::unique_ptr<WritableFile>(new FaultWritableFile(this, path, std::move(*file)));
}

Status FaultInjectionEnv::CreateDir(const std::string& path, uint32_t mode) {
  bool existed = base_->Lstat(path).ok();
  if (existed) return base_->CreateDir(path, mode);
  BEVARA_RETURN_IF_ERROR(Admit(FaultKind::kWrite, "mkdir " + path));
  BEVARA_RETURN_IF_ERROR(base_->CreateDir(path, mode));
  std::lock_guard<std::mutex> lock(mu_);
  pending_.push_back({PendingEntry::kCreateDir, DirOf(path), path, ""});
  return Status::OK();
}

Status FaultInjectionEnv::RenameNoReplace(const std::string& from, const std::string& to) {
  BEVARA_RETURN_IF_ERROR(Admit(FaultKind::kRename, "rename " + from));
  BEVARA_RETURN_IF_ERROR(base_->RenameNoReplace(from, to));
  std::lock_guard<std::mutex> lock(mu_);
  auto it = files_.find(from);
  if (it != files_.end()) {
    files_[to] = it->second;
    files_.erase(it);
  }
  pending_.push_back({PendingEntry::kRename, DirOf(to), to, from});
  return Status::OK();
}

Status FaultInjectionEnv::SyncDir(const std::string& path) {
  BEVARA_RETURN_IF_ERROR(Admit(FaultKind::kSyncDir, "fsync dir " + path));
  BEVARA_RETURN_IF_ERROR(base_->SyncDir(path));
  std::lock_guard<std::mutex> lock(mu_);
  pending_.erase(std::remove_if(pending_.begin(), pending_.end(), [&](const PendingEntry& e) { return e.dir == path; }),
                 pending_.end());
  return Status::OK();
}

Status FaultInjectionEnv::SyncFileSystem(const std::string& path) {
  BEVARA_RETURN_IF_ERROR(Admit(FaultKind::kSync, "syncfs " + path));
  BEVARA_RETURN_IF_ERROR(base_->SyncFileSystem(path));
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [name, f] : files_) f.synced_size = f.size;
  pending_.clear();
  return Status::OK();
}

Status FaultInjectionEnv::RemoveFile(const std::string& path) {
  BEVARA_RETURN_IF_ERROR(Admit(FaultKind::kWrite, "unlink " + path));
  BEVARA_RETURN_IF_ERROR(base_->RemoveFile(path));
  std::lock_guard<std::mutex> lock(mu_);
  files_.erase(path);
  // Removing a file whose creation was never durable: nothing to undo later.
  pending_.erase(std::remove_if(pending_.begin(), pending_.end(),
                                [&](const PendingEntry& e) {
                                  return e.kind != PendingEntry::kCreateDir && e.path == path;
                                }),
                 pending_.end());
  return Status::OK();
}

Status FaultInjectionEnv::RemoveDir(const std::string& path) {
  BEVARA_RETURN_IF_ERROR(Admit(FaultKind::kWrite, "rmdir " + path));
  BEVARA_RETURN_IF_ERROR(base_->RemoveDir(path));
  std::lock_guard<std::mutex> lock(mu_);
  pending_.erase(std::remove_if(pending_.begin(), pending_.end(), [&](const PendingEntry& e) { return e.path == path; }),
                 pending_.end());
  return Status::OK();
}

void FaultInjectionEnv::DropUnsyncedData() {
  std::lock_guard<std::mutex> lock(mu_);
  namespace fs = std::filesystem;
  std::error_code ec;
  // Data first: a file keeps only what was fsynced (under its current name).
  for (const auto& [path, f] : files_) {
    if (f.size != f.synced_size && fs::exists(path, ec)) fs::resize_file(path, f.synced_size, ec);
  }
  for (const auto& [path, content] : updated_synced_) {
    if (!fs::exists(path, ec)) continue;
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
  }
  updated_synced_.clear();
  // Then directory entries, newest first.
  for (auto it = pending_.rbegin(); it != pending_.rend(); ++it) {
    switch (it->kind) {
      case PendingEntry::kRename:
        if (fs::exists(DirOf(it->from), ec)) {
          fs::rename(it->path, it->from, ec);
        } else {
          fs::remove(it->path, ec);
        }
        break;
      case PendingEntry::kCreateFile:
        fs::remove(it->path, ec);
        break;
      case PendingEntry::kCreateDir:
        fs::remove_all(it->path, ec);
        break;
    }
  }
  pending_.clear();
  files_.clear();
  crash_after_ = 0;
  armed_ = false;
}

}  // namespace bevara::testing
