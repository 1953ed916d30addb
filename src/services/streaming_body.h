// StreamingBody: a deposit's body handed from the request thread to an
// ingest worker through a bounded buffer, so that ingest runs while the body
// arrives and the body is never written to disk twice (once as an upload,
// once as blobs). When the buffer is full the request thread waits, and TCP
// slows the client down: memory stays bounded whatever the package's size.
//
// The reader side is an Env (BodyEnv) whose one file, `path`, is the body:
// the ingest reads it as it would read a package file (not seekable, so
// only tar, plain or compressed, is streamed; zip needs its central
// directory and goes through an upload file).
//
// Thread-safety: one writer thread and one reader thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "src/common/env.h"
#include "src/common/mutex.h"

namespace bevara::services {

class StreamingBody {
 public:
  explicit StreamingBody(std::string path, size_t capacity = 16u << 20);
  const std::string& path() const { return path_; }

  // Writer. Write() blocks while the buffer is full; once the reader has
  // closed (the ingest ended early, e.g. on a rejection) it drops the bytes.
  void Write(const char* data, size_t n);
  void Complete();  // the whole body arrived
  void Abandon();   // it never will: the reader gets an I/O error

  // Reader. Read() blocks until bytes arrive; 0 at the end.
  Result<size_t> Read(char* buf, size_t n);
  // Blocks until a first byte arrived or the body ended; false if abandoned.
  bool WaitForStart();
  void CloseReader();

 private:
  const std::string path_;
  Mutex mu_;
  CondVar cv_;
  std::vector<char> ring_ GUARDED_BY(mu_);
  size_t head_ GUARDED_BY(mu_) = 0;  // read position
  size_t size_ GUARDED_BY(mu_) = 0;  // bytes held
  uint64_t total_ GUARDED_BY(mu_) = 0;  // bytes written so far
  bool complete_ GUARDED_BY(mu_) = false;
  bool abandoned_ GUARDED_BY(mu_) = false;
  bool reader_closed_ GUARDED_BY(mu_) = false;
};

// An Env whose file `body->path()` is the streaming body (opened once);
// everything else goes to `base`.
class BodyEnv final : public EnvWrapper {
 public:
  BodyEnv(Env* base, std::shared_ptr<StreamingBody> body) : EnvWrapper(base), body_(std::move(body)) {}

  Result<std::unique_ptr<ReadableFile>> OpenForRead(const std::string& path, const OpenOptions& options) override;
  // The body is a regular file of unknown, non-zero size.
  Result<FileInfo> Stat(const std::string& path) override;

 private:
  std::shared_ptr<StreamingBody> body_;
  bool opened_ = false;
};

}  // namespace bevara::services
