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
//    syncfs makes everything durable at once. A file updated in place
//    (OpenForUpdate) goes back to its content at its last Sync.
//  * FailReads(path_part, fault, at): reads of files whose path contains
//    `path_part` go wrong from byte `at` on: an I/O error (EIO), short reads
//    (a few bytes at a time, as a pipe or a network file system may give),
//    or a flipped bit in the byte at `at` (bit rot the disk did not notice).
//    Such files have no NativeHandle: everything is read through Read().
//  * SetNowMicros(t): the clock stands at t (0: the base Env's clock).
//  * Log lines are kept (logged()) as well as passed on.
//
// Thread-safety: safe for concurrent use (one mutex).
#pragma once

#include <cerrno>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "src/common/env.h"
#include "src/common/mutex.h"

namespace bevara::testing {

enum class FaultKind { kWrite, kSync, kRename, kSyncDir };
const char* FaultKindName(FaultKind kind);

enum class ReadFault { kError, kShort, kCorrupt };

class FaultInjectionEnv final : public EnvWrapper {
 public:
  explicit FaultInjectionEnv(Env* base) : EnvWrapper(base), base_(base) {}

  void FailNth(FaultKind kind, uint64_t n, int err);
  void CrashAfter(uint64_t n);
  bool fault_fired() const;
  // Undoes every change that was not made durable (see above).
  void DropUnsyncedData();
  void FailReads(const std::string& path_part, ReadFault fault, uint64_t at = 0);
  void ClearReadFaults();
  // How many reads went wrong as asked.
  uint64_t read_faults_fired() const;
  void SetNowMicros(int64_t micros);
  // From now on GetDiskSpace says this (a nearly full disk without one).
  void SetDiskSpace(DiskSpace space) {
    MutexLock lock(&space_mu_);
    space_ = space;
  }
  Result<DiskSpace> GetDiskSpace(const std::string& path) override {
    {
      MutexLock lock(&space_mu_);
      if (space_) return *space_;
    }
    return EnvWrapper::GetDiskSpace(path);
  }
  std::vector<std::string> logged() const;

  Result<std::unique_ptr<ReadableFile>> OpenForRead(const std::string& path, const OpenOptions& options) override;
  Result<std::unique_ptr<WritableFile>> CreateExclusive(const std::string& path, uint32_t mode) override;
  Result<std::unique_ptr<WritableFile>> OpenForAppend(const std::string& path) override;
  Result<std::unique_ptr<UpdatableFile>> OpenForUpdate(const std::string& path) override;
  Status CreateDir(const std::string& path, uint32_t mode) override;
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
  Status Truncate(const std::string& path, uint64_t size) override;
  int64_t NowMicros() override;
  void Log(LogLevel level, const std::string& message) override;

 private:
  Mutex space_mu_;
  std::optional<DiskSpace> space_ GUARDED_BY(space_mu_);
  friend class FaultWritableFile;
  friend class FaultReadableFile;
  friend class FaultUpdatableFile;
  void UpdateSynced(const std::string& path);
  struct ReadFaultRule {
    std::string path_part;
    ReadFault fault;
    uint64_t at;
  };
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
  void CountReadFault();
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
  std::map<std::string, std::string> updated_synced_;  // file updated in place -> its content at the last Sync
  std::vector<ReadFaultRule> read_faults_;
  uint64_t read_faults_fired_ = 0;
  int64_t now_micros_ = 0;
  std::vector<std::string> logged_;
};

}  // namespace bevara::testing
