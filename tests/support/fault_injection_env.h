// FaultInjectionEnv: an Env for tests that fails chosen operations and can
// simulate a power loss, in the manner of LevelDB's FaultInjectionTestEnv.
//
//  * FailNth(kind, n, errno): the n-th write, fsync, rename or directory
//    fsync (counting from 1 after the call) fails with that errno.
//  * CrashAfter(n): after n mutating operations of any kind the machine is
//    "off": every later mutating operation fails with EIO. Then
//    DropUnsyncedData() undoes what a power loss would lose:
//      - bytes appended to a file since its last fsync (or syncfs),
//      - files created, and renames done, in a directory not fsynced since,
//      - directories created in a parent not fsynced since.
//    syncfs makes everything durable at once.
//
// Thread-safety: safe for concurrent use (one mutex).
#pragma once

#include <cerrno>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "src/common/env.h"

namespace bevara::testing {

enum class FaultKind { kWrite, kSync, kRename, kSyncDir };
const char* FaultKindName(FaultKind kind);

class FaultInjectionEnv final : public Env {
 public:
  explicit FaultInjectionEnv(Env* base) : base_(base) {}

  void FailNth(FaultKind kind, uint64_t n, int err);
  void CrashAfter(uint64_t n);
  bool fault_fired() const;
  // Undoes every change that was not made durable (see above).
  void DropUnsyncedData();

  Result<std::unique_ptr<ReadableFile>> OpenForRead(const std::string& path, const OpenOptions& options) override {
    return base_->OpenForRead(path, options);
  }
  Result<std::unique_ptr<WritableFile>> CreateExclusive(const std::string& path) override;
  Result<std::unique_ptr<WritableFile>> OpenForAppend(const std::string& path) override;
  Result<FileInfo> Lstat(const std::string& path) override { return base_->Lstat(path); }
  Result<FileInfo> Stat(const std::string& path) override { return base_->Stat(path); }
  Result<std::vector<std::string>> ListDir(const std::string& path) override { return base_->ListDir(path); }
  Status CreateDir(const std::string& path) override;
  Status RenameNoReplace(const std::string& from, const std::string& to) override;
  // Fails like RenameNoReplace, but a crash does not undo it: the storage
  // code under test never replaces files, only the server's job files do.
  Status Rename(const std::string& from, const std::string& to) override {
    BEVARA_RETURN_IF_ERROR(Admit(FaultKind::kRename, "rename " + from));
    return base_->Rename(from, to);
  }
  Status SyncDir(const std::string& path) override;
  Status SyncFileSystem(const std::string& path) override;
  Status RemoveFile(const std::string& path) override;
  Status RemoveDir(const std::string& path) override;
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override { return base_->LockFile(path); }

 private:
  friend class FaultWritableFile;
  struct FileState {
    uint64_t size = 0, synced_size = 0;
  };
  // A directory entry change that becomes durable when `dir` is fsynced.
  struct PendingEntry {
    enum Kind { kCreateFile, kCreateDir, kRename } kind;
    std::string dir, path, from;
  };

  // Counts the operation; non-OK when it is to fail. Takes mu_ itself.
  Status Admit(FaultKind kind, const std::string& what);
  void Appended(const std::string& path, uint64_t n);
  void Synced(const std::string& path);

  Env* const base_;
  mutable std::mutex mu_;
  uint64_t counts_[4] = {0, 0, 0, 0};
  bool armed_ = false;
  FaultKind fail_kind_ = FaultKind::kWrite;
  uint64_t fail_at_ = 0;
  int fail_errno_ = EIO;
  uint64_t crash_after_ = 0;  // 0: no crash planned
  uint64_t mutating_ = 0;
  bool fired_ = false;
  std::map<std::string, FileState> files_;
  std::vector<PendingEntry> pending_;
};

}  // namespace bevara::testing
