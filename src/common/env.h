// Env: the filesystem as bevara sees it.
//
// All file I/O of the project goes through this interface so that tests can
// inject faults (fail the Nth write or fsync, drop unsynced data) without
// touching the code under test. PosixEnv (posix_env.cc) is the real one.
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
};

// A file written front to back. Nothing is durable until Sync() returned OK.
class WritableFile {
 public:
  virtual ~WritableFile() = default;
  virtual Status Append(const char* data, size_t n) = 0;
  virtual Status Sync() = 0;   // fsync: data and metadata durable
  // A hint, not a promise: start writing what was appended so far to disk
  // now, so that a later Sync() of a large file has little left to do.
  virtual void StartWriteback() {}
  virtual Status Close() = 0;  // REQUIRES: not called twice
};

enum class FileType { kRegular, kDirectory, kSymlink, kCharDevice, kBlockDevice, kFifo, kSocket, kOther };

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

class Env {
 public:
  virtual ~Env() = default;

  // The process-wide POSIX environment. Never deleted.
  static Env* Default();

  virtual Result<std::unique_ptr<ReadableFile>> OpenForRead(const std::string& path,
                                                            const OpenOptions& options = {}) = 0;
  // Creates a new file; fails with AlreadyExists if the path exists (O_EXCL).
  virtual Result<std::unique_ptr<WritableFile>> CreateExclusive(const std::string& path) = 0;
  // Opens a file for appending at its end, creating it if it does not exist.
  virtual Result<std::unique_ptr<WritableFile>> OpenForAppend(const std::string& path) = 0;
  // Information about the path itself (a symlink is reported as kSymlink).
  virtual Result<FileInfo> Lstat(const std::string& path) = 0;
  // Information about what the path names, following symbolic links.
  virtual Result<FileInfo> Stat(const std::string& path) = 0;
  // The names in a directory, without "." and "..", in no particular order.
  virtual Result<std::vector<std::string>> ListDir(const std::string& path) = 0;
  // Creates one directory; OK if it already exists as a directory.
  virtual Status CreateDir(const std::string& path) = 0;
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
  // Removes an empty directory.
  virtual Status RemoveDir(const std::string& path) = 0;
  // Takes an exclusive lock on `path` (created if absent), so that two
  // processes never work on the same store. Fails with ResourceExhausted
  // when another process holds it.
  virtual Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) = 0;
};

}  // namespace bevara
