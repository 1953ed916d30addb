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

// Bytes taken from a PartMemory (none when there is no budget), given back
// when the lease ends, however it ends.
class PartLease {
 public:
  explicit PartLease(PartMemory* memory) : memory_(memory) {}
  PartLease(PartLease&& other) noexcept : memory_(other.memory_), bytes_(other.bytes_) { other.bytes_ = 0; }
  PartLease& operator=(PartLease&&) = delete;
  ~PartLease() {
    if (memory_ && bytes_) memory_->Release(bytes_);
  }
  // Blocks until `n` bytes are free (PartMemory::Acquire).
  void Take(uint64_t n) {
    if (memory_) memory_->Acquire(n);
    bytes_ += n;
  }
  // Takes `n` bytes only if they are free now.
  bool TryTake(uint64_t n) {
    if (memory_ && !memory_->TryAcquire(n)) return false;
    bytes_ += n;
    return true;
  }

 private:
  PartMemory* const memory_;
  uint64_t bytes_ = 0;
};

// One request; the store checks the signed hash, which is the name.
Status PutWhole(S3Client* client, const std::string& key, const std::string& sha256, const char* data, size_t n) {
  const std::string hash = Sha256Hex(std::string_view(data, n));
  if (hash != sha256) return Mismatch(sha256, hash, "not sent");
  return client->Put(key, data, n, sha256);
}

// The parts of one multipart upload: read and hashed whole on the calling
// thread, each sent on a thread of its own, up to `parts_in_flight` at once.
class MultipartSender {
 public:
  // The parts' buffers are taken on `lease` (which holds the first one's).
  MultipartSender(S3Client* client, const std::string& key, std::string upload_id, size_t part, const UploadOptions& options,
                  PartLease* lease)
      : client_(client), key_(key), id_(std::move(upload_id)), part_(part), options_(options), lease_(lease) {}

  ~MultipartSender() {
    for (Flight& f : flight_) f.etag.wait();  // they read our buffers
  }

  // The first part's buffer, `have` bytes of it filled.
  Status Run(std::unique_ptr<char[]> first, size_t have, ReadableFile* source, MultiDigester* whole) {
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
    if (free_.empty() && static_cast<int>(flight_.size()) < std::max(1, options_.parts_in_flight) && lease_->TryTake(part_)) {
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
  PartLease* const lease_;
};

Status SendMultipart(S3Client* client, const std::string& key, const std::string& sha256, ReadableFile* source,
                     std::unique_ptr<char[]> first, size_t have, const UploadOptions& options, PartLease lease) {
  const size_t part = static_cast<size_t>(client->settings().part_bytes);
  auto id = client->BeginMultipart(key);
  if (!id.ok()) return id.status();
  MultiDigester whole(DigestSet::Of(DigestAlgorithm::kSha256));
  Status s;
  std::vector<std::string> etags;
  {
    PartLease parts = std::move(lease);
    MultipartSender sender(client, key, *id, part, options, &parts);
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
  // At least 5 MiB (S3Settings::Check): always more than the head.
  const size_t part = static_cast<size_t>(client->settings().part_bytes);
  std::unique_ptr<char[]> head(new char[kHeadBytes]);
  auto got = ReadFull(source, head.get(), kHeadBytes);
  if (!got.ok()) return got.status();
  if (*got < kHeadBytes) return PutWhole(client, key, sha256, head.get(), *got);
  // More than the head: a part's memory, for as long as this upload runs.
  PartLease lease(options.memory);
  lease.Take(part);
  std::unique_ptr<char[]> buffer(new char[part]);
  std::memcpy(buffer.get(), head.get(), kHeadBytes);
  head.reset();
  auto rest = ReadFull(source, buffer.get() + kHeadBytes, part - kHeadBytes);
  if (!rest.ok()) return rest.status();
  const size_t have = kHeadBytes + *rest;
  if (have < part) return PutWhole(client, key, sha256, buffer.get(), have);  // ended within the part
  return SendMultipart(client, key, sha256, source, std::move(buffer), have, options, std::move(lease));
}

}  // namespace bevara::storage
