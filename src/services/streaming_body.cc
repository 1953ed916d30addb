#include "src/services/streaming_body.h"

#include <algorithm>
#include <cstring>

namespace bevara::services {

StreamingBody::StreamingBody(std::string path, size_t capacity) : path_(std::move(path)), ring_(capacity) {}

void StreamingBody::Write(const char* data, size_t n) {
  MutexLock lock(&mu_);
  total_ += n;
  while (n > 0 && !reader_closed_) {
    while (size_ == ring_.size() && !reader_closed_) cv_.Wait(&mu_);
    if (reader_closed_) break;
    size_t tail = (head_ + size_) % ring_.size();
    size_t room = std::min(ring_.size() - size_, ring_.size() - tail);
    size_t k = std::min(n, room);
    std::memcpy(ring_.data() + tail, data, k);
    size_ += k;
    data += k;
    n -= k;
    cv_.SignalAll();
  }
}

void StreamingBody::Complete() {
  MutexLock lock(&mu_);
  complete_ = true;
  cv_.SignalAll();
}

void StreamingBody::Abandon() {
  MutexLock lock(&mu_);
  if (!complete_) abandoned_ = true;
  cv_.SignalAll();
}

Result<size_t> StreamingBody::Read(char* buf, size_t n) {
  MutexLock lock(&mu_);
  while (size_ == 0 && !complete_ && !abandoned_) cv_.Wait(&mu_);
  if (abandoned_) return Status::IOError("the deposit was not received whole");
  if (size_ == 0) return size_t{0};
  size_t k = std::min({n, size_, ring_.size() - head_});
  std::memcpy(buf, ring_.data() + head_, k);
  head_ = (head_ + k) % ring_.size();
  size_ -= k;
  cv_.SignalAll();
  return k;
}

bool StreamingBody::WaitForStart() {
  MutexLock lock(&mu_);
  while (total_ == 0 && !complete_ && !abandoned_) cv_.Wait(&mu_);
  return !abandoned_;
}

void StreamingBody::CloseReader() {
  MutexLock lock(&mu_);
  reader_closed_ = true;
  size_ = 0;
  cv_.SignalAll();
}

namespace {

class BodyFile : public ReadableFile {
 public:
  explicit BodyFile(std::shared_ptr<StreamingBody> body) : body_(std::move(body)) {}
  Result<size_t> Read(char* buf, size_t n) override { return body_->Read(buf, n); }

 private:
  std::shared_ptr<StreamingBody> body_;
};

}  // namespace

Result<std::unique_ptr<ReadableFile>> BodyEnv::OpenForRead(const std::string& path, const OpenOptions& options) {
  if (path != body_->path()) return target()->OpenForRead(path, options);
  if (opened_) return Status::NotSupported("a streaming deposit is read once");
  opened_ = true;
  return std::unique_ptr<ReadableFile>(new BodyFile(body_));
}

Result<FileInfo> BodyEnv::Stat(const std::string& path) {
  if (path != body_->path()) return target()->Stat(path);
  if (!body_->WaitForStart()) return Status::IOError("the deposit was not received whole");
  FileInfo info;
  info.type = FileType::kRegular;
  info.size = 1;  // unknown, but not empty (an empty body never gets this far)
  return info;
}

}  // namespace bevara::services
