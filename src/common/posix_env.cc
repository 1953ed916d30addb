// PosixEnv: Env on top of POSIX system calls.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <dirent.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "src/common/clock.h"
#include "src/common/env.h"

namespace bevara {
namespace {

// Retries a system call interrupted by a signal.
template <typename F>
auto RetryEintr(F f) {
  decltype(f()) r;
  do {
    r = f();
  } while (r < 0 && errno == EINTR);
  return r;
}

class PosixReadableFile final : public ReadableFile {
 public:
  PosixReadableFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixReadableFile() override { ::close(fd_); }

  Result<size_t> Read(char* buf, size_t n) override {
    ssize_t r = RetryEintr([&] { return ::read(fd_, buf, n); });
    if (r < 0) return Status::FromErrno(errno, "read " + path_);
    return static_cast<size_t>(r);
  }

  Result<int64_t> Seek(int64_t offset, int whence) override {
    off_t r = ::lseek(fd_, offset, whence);
    if (r < 0) {
      if (errno == ESPIPE) return Status::NotSupported("seek " + path_);
      return Status::FromErrno(errno, "seek " + path_);
    }
    return static_cast<int64_t>(r);
  }

  int NativeHandle() const override { return fd_; }

 private:
  int fd_;
  std::string path_;
};

class PosixWritableFile final : public WritableFile {
 public:
  // `created`: a file this process just made (so it knows the offset it
  // writes at, and may write to it directly).
  PosixWritableFile(int fd, std::string path, bool created) : fd_(fd), path_(std::move(path)), created_(created) {}
  ~PosixWritableFile() override {
    if (fd_ >= 0) ::close(fd_);
    if (direct_fd_ >= 0) ::close(direct_fd_);
  }

  Status Append(const char* data, size_t n) override {
    while (n > 0) {
      ssize_t w = RetryEintr([&] { return ::write(fd_, data, n); });
      if (w < 0) return Status::FromErrno(errno, "write " + path_);
      data += w;
      n -= static_cast<size_t>(w);
      offset_ += static_cast<uint64_t>(w);
    }
    return Status::OK();
  }

  Status AppendAligned(const char* data, size_t n) override {
    const bool aligned = reinterpret_cast<uintptr_t>(data) % kDirectIoAlignment == 0 &&
                         n % kDirectIoAlignment == 0 && offset_ % kDirectIoAlignment == 0;
    if (!created_ || !aligned || !OpenDirect()) return Append(data, n);
    for (size_t done = 0; done < n;) {
      ssize_t w = RetryEintr(
          [&] { return ::pwrite(direct_fd_, data + done, n - done, static_cast<off_t>(offset_ + done)); });
      if (w < 0 && errno == EINVAL) return FallBackToBuffered(data + done, n - done, done);
      if (w < 0) return Status::FromErrno(errno, "write " + path_);
      if (w == 0 || w % static_cast<ssize_t>(kDirectIoAlignment) != 0) {
        return Status::IOError("write " + path_ + ": a direct write stopped short");
      }
      done += static_cast<size_t>(w);
    }
    offset_ += n;
    // Later buffered writes go on where this one ended.
    if (::lseek(fd_, static_cast<off_t>(offset_), SEEK_SET) < 0) return Status::FromErrno(errno, "seek " + path_);
    return Status::OK();
  }

  Status Sync() override {
    if (RetryEintr([&] { return ::fsync(fd_); }) != 0) return Status::FromErrno(errno, "fsync " + path_);
    return Status::OK();
  }

  void StartWriteback() override {
    // Asynchronous: queues the dirty pages for writing and returns.
    (void)::sync_file_range(fd_, 0, 0, SYNC_FILE_RANGE_WRITE);
  }

  Status Close() override {
    int fd = fd_;
    fd_ = -1;
    if (direct_fd_ >= 0) ::close(direct_fd_);
    direct_fd_ = -1;
    if (::close(fd) != 0) return Status::FromErrno(errno, "close " + path_);
    return Status::OK();
  }

 private:
  // Some file systems accept O_DIRECT at open and refuse the write itself
  // (EINVAL, e.g. for an alignment stricter than ours): write on buffered.
  Status FallBackToBuffered(const char* data, size_t n, size_t written_direct) {
    ::close(direct_fd_);
    direct_fd_ = -1;
    direct_refused_ = true;
    offset_ += written_direct;
    if (::lseek(fd_, static_cast<off_t>(offset_), SEEK_SET) < 0) return Status::FromErrno(errno, "seek " + path_);
    return Append(data, n);
  }

  // A second descriptor on the file, for direct writes; false when the file
  // system refuses O_DIRECT (tmpfs), and then every write is buffered.
  bool OpenDirect() {
    if (direct_fd_ >= 0) return true;
    if (direct_refused_) return false;
    direct_fd_ = RetryEintr([&] { return ::open(path_.c_str(), O_WRONLY | O_DIRECT | O_CLOEXEC | O_NOFOLLOW); });
    direct_refused_ = direct_fd_ < 0;
    return !direct_refused_;
  }

  int fd_;
  std::string path_;
  const bool created_;
  uint64_t offset_ = 0;  // bytes appended (for a created file: its size)
  int direct_fd_ = -1;
  bool direct_refused_ = false;
};

class PosixUpdatableFile final : public UpdatableFile {
 public:
  PosixUpdatableFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  ~PosixUpdatableFile() override { ::close(fd_); }

  Status WriteAt(uint64_t offset, const char* data, size_t n) override {
    while (n > 0) {
      ssize_t w = RetryEintr([&] { return ::pwrite(fd_, data, n, static_cast<off_t>(offset)); });
      if (w < 0) return Status::FromErrno(errno, "write " + path_);
      data += w;
      offset += static_cast<uint64_t>(w);
      n -= static_cast<size_t>(w);
    }
    return Status::OK();
  }

  Status Sync() override {
    if (RetryEintr([&] { return ::fdatasync(fd_); }) != 0) return Status::FromErrno(errno, "fdatasync " + path_);
    return Status::OK();
  }

 private:
  int fd_;
  std::string path_;
};

class PosixFileLock final : public FileLock {
 public:
  explicit PosixFileLock(int fd) : fd_(fd) {}
  ~PosixFileLock() override { ::close(fd_); }  // closing releases the flock

 private:
  int fd_;
};

FileType TypeOf(mode_t mode) {
  if (S_ISREG(mode)) return FileType::kRegular;
  if (S_ISDIR(mode)) return FileType::kDirectory;
  if (S_ISLNK(mode)) return FileType::kSymlink;
  if (S_ISCHR(mode)) return FileType::kCharDevice;
  if (S_ISBLK(mode)) return FileType::kBlockDevice;
  if (S_ISFIFO(mode)) return FileType::kFifo;
  if (S_ISSOCK(mode)) return FileType::kSocket;
  return FileType::kOther;
}

FileInfo InfoOf(const struct stat& st) {
  FileInfo info;
  info.type = TypeOf(st.st_mode);
  info.size = static_cast<uint64_t>(st.st_size);
  info.link_count = st.st_nlink;
  return info;
}

class PosixEnv final : public Env {
 public:
  Result<std::unique_ptr<ReadableFile>> OpenForRead(const std::string& path,
                                                    const OpenOptions& options) override {
    int flags = O_RDONLY | O_CLOEXEC | (options.no_follow ? O_NOFOLLOW : 0);
    // O_NONBLOCK keeps a FIFO planted in place of a file from blocking the open.
    int fd = RetryEintr([&] { return ::open(path.c_str(), flags | O_NONBLOCK); });
    if (fd < 0) return Status::FromErrno(errno, "open " + path);
    struct stat st;
    if (::fstat(fd, &st) != 0 || S_ISDIR(st.st_mode)) {
      int err = errno ? errno : EISDIR;
      ::close(fd);
      return Status::FromErrno(S_ISDIR(st.st_mode) ? EISDIR : err, "open " + path);
    }
    ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    return std::unique_ptr<ReadableFile>(new PosixReadableFile(fd, path));
  }

  Result<std::unique_ptr<WritableFile>> CreateExclusive(const std::string& path, uint32_t mode) override {
    int fd = RetryEintr(
        [&] { return ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode); });
    // The umask may have taken bits away; a private file must be exactly private.
    if (fd >= 0 && ::fchmod(fd, mode) != 0) {
      int err = errno;
      ::close(fd);
      ::unlink(path.c_str());
      return Status::FromErrno(err, "chmod " + path);
    }
    if (fd < 0) return Status::FromErrno(errno, "create " + path);
    return std::unique_ptr<WritableFile>(new PosixWritableFile(fd, path, /*created=*/true));
  }

  Result<std::unique_ptr<WritableFile>> OpenForAppend(const std::string& path) override {
    int fd = RetryEintr(
        [&] { return ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0644); });
    if (fd < 0) return Status::FromErrno(errno, "open " + path);
    return std::unique_ptr<WritableFile>(new PosixWritableFile(fd, path, /*created=*/false));
  }

  Result<std::unique_ptr<UpdatableFile>> OpenForUpdate(const std::string& path) override {
    int fd = RetryEintr([&] { return ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644); });
    if (fd < 0) return Status::FromErrno(errno, "open " + path);
    return std::unique_ptr<UpdatableFile>(new PosixUpdatableFile(fd, path));
  }

  Result<FileInfo> Lstat(const std::string& path) override {
    struct stat st;
    if (::lstat(path.c_str(), &st) != 0) return Status::FromErrno(errno, "lstat " + path);
    return InfoOf(st);
  }

  Result<DiskSpace> GetDiskSpace(const std::string& path) override {
    struct statvfs vfs;
    if (::statvfs(path.c_str(), &vfs) != 0) return Status::FromErrno(errno, "statvfs " + path);
    return DiskSpace{static_cast<uint64_t>(vfs.f_blocks) * vfs.f_frsize, static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize};
  }

  Result<FileInfo> Stat(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return Status::FromErrno(errno, "stat " + path);
    return InfoOf(st);
  }

  Result<std::vector<std::string>> ListDir(const std::string& path) override {
    DIR* dir = ::opendir(path.c_str());
    if (dir == nullptr) return Status::FromErrno(errno, "opendir " + path);
    std::vector<std::string> names;
    errno = 0;
    while (struct dirent* e = ::readdir(dir)) {
      if (std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
      names.emplace_back(e->d_name);
    }
    int err = errno;
    ::closedir(dir);
    if (err != 0) return Status::FromErrno(err, "readdir " + path);
    return names;
  }

  Status CreateDir(const std::string& path, uint32_t mode) override {
    if (::mkdir(path.c_str(), mode) == 0) return Status::OK();
    int err = errno;
    if (err == EEXIST) {
      struct stat st;
      if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) return Status::OK();
    }
    return Status::FromErrno(err, "mkdir " + path);
  }

  Status RenameNoReplace(const std::string& from, const std::string& to) override {
    if (::syscall(SYS_renameat2, AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), 1 /*RENAME_NOREPLACE*/) != 0) {
      return Status::FromErrno(errno, "rename " + from + " -> " + to);
    }
    return Status::OK();
  }

  Status Rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) return Status::FromErrno(errno, "rename " + from + " -> " + to);
    return Status::OK();
  }

  Status SyncDir(const std::string& path) override {
    int fd = RetryEintr([&] { return ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); });
    if (fd < 0) return Status::FromErrno(errno, "open dir " + path);
    int r = RetryEintr([&] { return ::fsync(fd); });
    int err = errno;
    ::close(fd);
    if (r != 0) return Status::FromErrno(err, "fsync dir " + path);
    return Status::OK();
  }

  Status SyncFileSystem(const std::string& path) override {
    int fd = RetryEintr([&] { return ::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); });
    if (fd < 0) return Status::FromErrno(errno, "open dir " + path);
    int r = ::syncfs(fd);
    int err = errno;
    ::close(fd);
    if (r != 0) return Status::FromErrno(err, "syncfs " + path);
    return Status::OK();
  }

  Status SetPermissions(const std::string& path, uint32_t mode) override {
    if (::chmod(path.c_str(), mode) != 0) return Status::FromErrno(errno, "chmod " + path);
    return Status::OK();
  }

  Status RemoveFile(const std::string& path) override {
    if (::unlink(path.c_str()) != 0) return Status::FromErrno(errno, "unlink " + path);
    return Status::OK();
  }

  Status Truncate(const std::string& path, uint64_t size) override {
    if (RetryEintr([&] { return ::truncate(path.c_str(), static_cast<off_t>(size)); }) != 0) {
      return Status::FromErrno(errno, "truncate " + path);
    }
    return Status::OK();
  }

  Result<std::unique_ptr<FileLock>> LockFile(const std::string& path) override {
    int fd = RetryEintr([&] { return ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644); });
    if (fd < 0) return Status::FromErrno(errno, "open " + path);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      int err = errno;
      ::close(fd);
      if (err == EWOULDBLOCK) return Status::Unavailable(path + " is locked by another process");
      return Status::FromErrno(err, "flock " + path);
    }
    return std::unique_ptr<FileLock>(new PosixFileLock(fd));
  }

  Status RemoveDir(const std::string& path) override {
    if (::rmdir(path.c_str()) != 0) return Status::FromErrno(errno, "rmdir " + path);
    return Status::OK();
  }

  int64_t NowMicros() override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  // One write(2) per line, so that lines of several threads never mix.
  void Log(LogLevel level, const std::string& message) override {
    std::string line = NowRfc3339(this) + " " + LogLevelName(level) + " " + message + "\n";
    const char* p = line.data();
    size_t left = line.size();
    while (left > 0) {
      ssize_t n = RetryEintr([&] { return ::write(STDERR_FILENO, p, left); });
      if (n <= 0) return;
      p += n;
      left -= static_cast<size_t>(n);
    }
  }
};

}  // namespace

const char* LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kInfo: return "INFO";
    case LogLevel::kWarning: return "WARNING";
    case LogLevel::kError: return "ERROR";
  }
  return "INFO";
}

Env* Env::Default() {
  static PosixEnv* env = new PosixEnv();
  return env;
}

}  // namespace bevara
