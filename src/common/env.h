// Env: the world as bevara sees it: the file system, the clock and the
// operator's log.
//
// All file I/O of the project goes through this interface so that tests can
// inject faults (fail the Nth write or fsync, fail or corrupt reads, drop
// unsynced data, set the time) without touching the code under test.
// PosixEnv (posix_env.cc) is the real one. The only files opened otherwise
// are those a library opens by itself from a directory bevara gives it (the
// RocksDB catalog, the Xapian index).
//
// Thread-safety: Env implementations are safe for concurrent use. A file
// object returned by an Env is used by one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "src/common/result.h"
#include "src/common/status.h"

namespace bevara {

// A file read front to back. Optionally seekable (libarchive's zip reader
// uses the central directory when it can seek).
class ReadableFile {
 public:
  virtual ~ReadableFile() = default;
  // Reads up to n bytes into buf. Returns 0 at end of file.
  virtual Result<size_t> Read(char* buf, size_t n) = 0;
  // whence is SEEK_SET, SEEK_CUR or SEEK_END. Returns the new offset, or
  // NotSupported when the file cannot seek (a pipe, a socket).
  virtual Result<int64_t> Seek(int64_t offset, int whence) {
    (void)offset; (void)whence;
    return Status::NotSupported("seek");
  }
  // The open file descriptor, when the file is a plain local file that a
  // caller may hand to the kernel (sendfile(2)); -1 otherwise. A caller that
  // uses it reads the same bytes Read() would, and owns nothing.
  virtual int NativeHandle() const { return -1; }
};

// The alignment of buffers, sizes and offsets for AppendAligned.
constexpr size_t kDirectIoAlignment = 4096;

// A file written front to back. Nothing is durable until Sync() returned OK.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(const char* data, size_t n) = 0;
  // Append, for a large write that need not pass through the page cache:
  // where the file and its file system allow, the bytes go straight to the
  // disk (O_DIRECT), costing no copy and no dirty memory (a 100 GB package
  // evicts nothing). REQUIRES: `data` aligned to kDirectIoAlignment, and `n`
  // and the file's size so far multiples of it; otherwise it is an Append.
  virtual Status AppendAligned(const char* data, size_t n) { return Append(data, n); }
  virtual Status Sync() = 0;   // fsync: data and metadata durable
  // A hint, not a promise: start writing what was appended so far to disk
  // now, so that a later Sync() of a large file has little left to do.
  virtual void StartWriteback() {}
  virtual Status Close() = 0;  // REQUIRES: not called twice
};

// A small file rewritten in place at fixed offsets (a log's head, whose two
// slots are written in turn). Nothing is durable until Sync() returned OK.
class UpdatableFile {
 public:
  virtual ~UpdatableFile() = default;
  virtual Status WriteAt(uint64_t offset, const char* data, size_t n) = 0;
  virtual Status Sync() = 0;  // fdatasync
};

enum class FileType { kRegular, kDirectory, kSymlink, kCharDevice, kBlockDevice, kFifo, kSocket, kOther };

// A file system's size and what a writer may still use of it.
struct DiskSpace {
  uint64_t total = 0, available = 0;  // bytes
};

struct FileInfo {
  FileType type = FileType::kOther;
  uint64_t size = 0;
  uint64_t link_count = 1;
};

// An advisory lock held on a file for as long as the object lives.
class FileLock {
 public:
  virtual ~FileLock() = default;
};

struct OpenOptions {
  // Refuse to open a symbolic link (O_NOFOLLOW on the last component).
  bool no_follow = false;
};

// Permissions of a file or directory bevara creates.
constexpr uint32_t kDefaultFileMode = 0644;
constexpr uint32_t kDefaultDirMode = 0755;
constexpr uint32_t kPrivateFileMode = 0600;  // secrets: only the server's user reads them
constexpr uint32_t kPrivateDirMode = 0700;

enum class LogLevel { kInfo, kWarning, kError };
const char* LogLevelName(LogLevel level);

class Env {
 public:
  virtual ~Env() = default;

  // The process-wide POSIX environment. Never deleted.
  static Env* Default();

  virtual Result<std::unique_ptr<ReadableFile>> OpenForRead(const std::string& path,
                                                            const OpenOptions& options = {}) = 0;
  // Creates a new file; fails with AlreadyExists if the path exists (O_EXCL).
  virtual Result<std::unique_ptr<WritableFile>> CreateExclusive(const std::string& path,
                                                                uint32_t mode) = 0;
  // Opens a file for appending at its end, creating it if it does not exist.
  virtual Result<std::unique_ptr<WritableFile>> OpenForAppend(const std::string& path) = 0;
  // Opens a file for writing in place, creating it (empty) if it does not exist.
  virtual Result<std::unique_ptr<UpdatableFile>> OpenForUpdate(const std::string& path) = 0;
  // Information about the path itself (a symlink is reported as kSymlink).
  virtual Result<FileInfo> Lstat(const std::string& path) = 0;
  // statvfs(3) of the file system holding `path` (NotSupported where unknown).
  virtual Result<DiskSpace> GetDiskSpace(const std::string& path) {
    (void)path;
    return Status::NotSupported("disk space");
  }
  // Information about what the path names, following symbolic links.
  virtual Result<FileInfo> Stat(const std::string& path) = 0;
  // The names in a directory, without "." and "..", in no particular order.
  virtual Result<std::vector<std::string>> ListDir(const std::string& path) = 0;
  // Creates one directory; OK if it already exists as a directory.
  virtual Status CreateDir(const std::string& path, uint32_t mode) = 0;
  // chmod(2).
  virtual Status SetPermissions(const std::string& path, uint32_t mode) = 0;
  // rename(2) that never replaces: AlreadyExists if `to` exists.
  virtual Status RenameNoReplace(const std::string& from, const std::string& to) = 0;
  // rename(2) that atomically replaces `to` if it exists: for files bevara
  // rewrites in place (a job's state), never for blobs.
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  // fsync of a directory, making renames and creations inside it durable.
  virtual Status SyncDir(const std::string& path) = 0;
  // syncfs(2): everything written to the file system holding `path` becomes
  // durable, data and directory entries alike. One call instead of one fsync
  // per file when a batch publishes thousands of small files.
  virtual Status SyncFileSystem(const std::string& path) = 0;
  virtual Status RemoveFile(const std::string& path) = 0;
  // Cuts a file to `size` bytes (a log's torn tail, once set aside).
  virtual Status Truncate(const std::string& path, uint64_t size) = 0;
  // Removes an empty directory.
  virtual Status RemoveDir(const std::string& path) = 0;
  // Takes an exclusive lock on `path` (created if absent), so that two
  // processes never work on the same store. Fails with Unavailable
  // when another process holds it.
  virtual Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) = 0;

  // The wall clock: microseconds since the Unix epoch (see clock.h).
  virtual int64_t NowMicros() = 0;

  // One line for the operator's log (diagnostics, not the audit log): a
  // failure that a request or a background job could only report, or
  // what recovery did at start. Never throws; never fails.
  virtual void Log(LogLevel level, const std::string& message) = 0;
};

// An Env that passes every call to another: the base of Envs that change a
// few calls (fault injection, a deposit's body streamed as a file).
class EnvWrapper : public Env {
 public:
  // REQUIRES: target outlives the wrapper.
  explicit EnvWrapper(Env* target) : target_(target) {}
  Env* target() const { return target_; }

  Result<std::unique_ptr<ReadableFile>> OpenForRead(const std::string& p, const OpenOptions& o) override {
    return target_->OpenForRead(p, o);
  }
  Result<std::unique_ptr<WritableFile>> CreateExclusive(const std::string& p, uint32_t mode) override {
    return target_->CreateExclusive(p, mode);
  }
  Result<std::unique_ptr<WritableFile>> OpenForAppend(const std::string& p) override { return target_->OpenForAppend(p); }
  Result<std::unique_ptr<UpdatableFile>> OpenForUpdate(const std::string& p) override { return target_->OpenForUpdate(p); }
  Result<FileInfo> Lstat(const std::string& p) override { return target_->Lstat(p); }
  Result<DiskSpace> GetDiskSpace(const std::string& p) override { return target_->GetDiskSpace(p); }
  Result<FileInfo> Stat(const std::string& p) override { return target_->Stat(p); }
  Result<std::vector<std::string>> ListDir(const std::string& p) override { return target_->ListDir(p); }
  Status CreateDir(const std::string& p, uint32_t mode) override { return target_->CreateDir(p, mode); }
  Status SetPermissions(const std::string& p, uint32_t mode) override { return target_->SetPermissions(p, mode); }
  Status RenameNoReplace(const std::string& a, const std::string& b) override { return target_->RenameNoReplace(a, b); }
  Status Rename(const std::string& a, const std::string& b) override { return target_->Rename(a, b); }
  Status SyncDir(const std::string& p) override { return target_->SyncDir(p); }
  Status SyncFileSystem(const std::string& p) override { return target_->SyncFileSystem(p); }
  Status RemoveFile(const std::string& p) override { return target_->RemoveFile(p); }
  Status Truncate(const std::string& p, uint64_t size) override { return target_->Truncate(p, size); }
  Status RemoveDir(const std::string& p) override { return target_->RemoveDir(p); }
  Result<std::unique_ptr<FileLock>> LockFile(const std::string& p) override { return target_->LockFile(p); }
  int64_t NowMicros() override { return target_->NowMicros(); }
  void Log(LogLevel level, const std::string& message) override { target_->Log(level, message); }

 private:
  Env* const target_;
};

}  // namespace bevara
