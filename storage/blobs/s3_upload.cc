#include "storage/blobs/s3_upload.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <future>
#include <memory>
#include <system_error>
#include <vector>

#include "src/common/digest.h"
#include "src/common/file_util.h"

namespace bevara::storage {
namespace {

// Read before any part memory is asked for: most blobs end within it.
constexpr size_t kHeadBytes = 1 << 20;

Status Mismatch(const std::string& sha256, const std::string& got, const char* what) {
  return Status::Corruption("blob " + sha256 + " reads as " + got + ": " + what);
}

// The parts of one multipart upload: read and hashed whole on the calling
// thread, each sent on a thread of its own, up to `parts_in_flight` at once.
class MultipartSender {
 public:
  MultipartSender(S3Client* client, const std::string& key, std::string upload_id, size_t part, const UploadOptions& options)
      : client_(client), key_(key), id_(std::move(upload_id)), part_(part), options_(options) {}

  ~MultipartSender() {
    for (Flight& f : flight_) f.etag.wait();  // they read our buffers
    if (options_.memory) options_.memory->Release(held_ * part_);
  }

  // The first part's buffer, `have` bytes of it filled; its memory was
  // acquired by the caller.
  Status Run(std::unique_ptr<char[]> first, size_t have, ReadableFile* source, MultiDigester* whole) {
    held_ = 1;
    std::unique_ptr<char[]> buffer = std::move(first);
    while (have > 0) {
      whole->Update(buffer.get(), have);
      Send(std::move(buffer), have);
      auto next = NextBuffer();
      if (!next.ok()) return next.status();
      buffer = std::move(*next);
      auto filled = ReadFull(source, buffer.get(), part_);
      if (!filled.ok()) return filled.status();
      have = *filled;
    }
    while (!flight_.empty()) BEVARA_RETURN_IF_ERROR(Land());
    return Status::OK();
  }

  const std::vector<std::string>& etags() const { return etags_; }

 private:
  struct Flight {
    std::unique_ptr<char[]> buffer;
    std::future<Result<std::string>> etag;
  };

  void Send(std::unique_ptr<char[]> buffer, size_t n) {
    const int number = static_cast<int>(etags_.size() + flight_.size() + 1);
    const char* data = buffer.get();
    auto send = [this, data, n, number]() -> Result<std::string> {
      return client_->UploadPart(key_, id_, number, data, n, Sha256Hex(std::string_view(data, n)));
    };
    Flight f{std::move(buffer), {}};
    try {
      f.etag = std::async(std::launch::async, send);
    } catch (const std::system_error&) {  // no thread to be had: this one sends it
      std::promise<Result<std::string>> now;
      now.set_value(send());
      f.etag = now.get_future();
    }
    flight_.push_back(std::move(f));
  }

  // Waits for the oldest part in flight; its buffer becomes free.
  Status Land() {
    Flight f = std::move(flight_.front());
    flight_.pop_front();
    auto etag = f.etag.get();
    free_.push_back(std::move(f.buffer));
    if (!etag.ok()) return etag.status();
    etags_.push_back(*etag);
    return Status::OK();
  }

  // A buffer for the next part: a new one while more may fly and memory
  // allows (never waiting for memory while holding some: that could wait
  // forever on another upload doing the same), else the oldest part's.
  Result<std::unique_ptr<char[]>> NextBuffer() {
    if (free_.empty() && static_cast<int>(flight_.size()) < std::max(1, options_.parts_in_flight) &&
        (!options_.memory || options_.memory->TryAcquire(part_))) {
      ++held_;
      return std::unique_ptr<char[]>(new char[part_]);
    }
    if (free_.empty()) BEVARA_RETURN_IF_ERROR(Land());
    std::unique_ptr<char[]> b = std::move(free_.back());
    free_.pop_back();
    return b;
  }

  S3Client* const client_;
  const std::string& key_;
  const std::string id_;
  const size_t part_;
  const UploadOptions& options_;
  std::deque<Flight> flight_;
  std::vector<std::unique_ptr<char[]>> free_;
  std::vector<std::string> etags_;
  size_t held_ = 0;  // part buffers taken from the memory budget
};

Status SendMultipart(S3Client* client, const std::string& key, const std::string& sha256, ReadableFile* source,
                     std::unique_ptr<char[]> first, size_t have, const UploadOptions& options) {
  const size_t part = static_cast<size_t>(client->settings().part_bytes);
  auto id = client->BeginMultipart(key);
  if (!id.ok()) {
    if (options.memory) options.memory->Release(part);
    return id.status();
  }
  MultiDigester whole(DigestSet::Of(DigestAlgorithm::kSha256));
  Status s;
  std::vector<std::string> etags;
  {
    MultipartSender sender(client, key, *id, part, options);
    s = sender.Run(std::move(first), have, source, &whole);
    etags = sender.etags();
  }  // every part landed, the memory given back
  if (s.ok()) {
    whole.Finish();
    if (whole.Hex(DigestAlgorithm::kSha256) != sha256) s = Mismatch(sha256, whole.Hex(DigestAlgorithm::kSha256), "not completed");
  }
  if (!s.ok()) {
    (void)client->AbortMultipart(key, *id);
    return s;
  }
  // A completion tried again after its answer was lost is answered as done
  // by Ceph RGW and AWS; a store that answers NoSuchUpload instead fails
  // this upload, and the blob is sent again in the next round (an object of
  // the right size is no proof of the right bytes).
  BEVARA_RETURN_IF_ERROR(client->CompleteMultipart(key, *id, etags));
  // The completed object is what was sent (a store that answered 200 to a
  // completion it did not carry out is not believed).
  auto stored = client->Head(key);
  if (!stored.ok()) return stored.status();
  if (*stored != whole.bytes()) {
    return Status::IOError("object store: " + key + " has " + std::to_string(*stored) + " bytes after completion, not " +
                           std::to_string(whole.bytes()));
  }
  return Status::OK();
}

}  // namespace

void PartMemory::Acquire(uint64_t n) {
  MutexLock lock(&mu_);
  while (free_ < static_cast<int64_t>(n) && free_ < total_) freed_.Wait(&mu_);
  free_ -= static_cast<int64_t>(n);
}

bool PartMemory::TryAcquire(uint64_t n) {
  MutexLock lock(&mu_);
  if (free_ < static_cast<int64_t>(n)) return false;
  free_ -= static_cast<int64_t>(n);
  return true;
}

void PartMemory::Release(uint64_t n) {
  {
    MutexLock lock(&mu_);
    free_ += static_cast<int64_t>(n);
  }
  freed_.SignalAll();
}

Status UploadVerified(S3Client* client, const std::string& key, const std::string& sha256, ReadableFile* source,
                      const UploadOptions& options) {
  const size_t part = static_cast<size_t>(client->settings().part_bytes);
  const size_t head_size = std::min(kHeadBytes, part);
  std::unique_ptr<char[]> head(new char[head_size]);
  auto got = ReadFull(source, head.get(), head_size);
  if (!got.ok()) return got.status();
  std::unique_ptr<char[]> buffer = std::move(head);
  size_t have = *got;
  if (have == head_size && head_size < part) {  // more than the head: a part's memory
    if (options.memory) options.memory->Acquire(part);
    std::unique_ptr<char[]> whole_part(new char[part]);
    std::memcpy(whole_part.get(), buffer.get(), have);
    auto rest = ReadFull(source, whole_part.get() + have, part - have);
    if (!rest.ok()) {
      if (options.memory) options.memory->Release(part);
      return rest.status();
    }
    have += *rest;
    buffer = std::move(whole_part);
    if (have == part) return SendMultipart(client, key, sha256, source, std::move(buffer), have, options);
    // Ended within the part: one request after all.
    const std::string hash = Sha256Hex(std::string_view(buffer.get(), have));
    Status put = hash != sha256 ? Mismatch(sha256, hash, "not sent") : client->Put(key, buffer.get(), have, sha256);
    if (options.memory) options.memory->Release(part);
    return put;
  }
  if (have == part) {  // a part no larger than the head
    if (options.memory) options.memory->Acquire(part);
    return SendMultipart(client, key, sha256, source, std::move(buffer), have, options);
  }
  // One request; the store checks the signed hash, which is the name.
  const std::string hash = Sha256Hex(std::string_view(buffer.get(), have));
  if (hash != sha256) return Mismatch(sha256, hash, "not sent");
  return client->Put(key, buffer.get(), have, sha256);
}

}  // namespace bevara::storage
