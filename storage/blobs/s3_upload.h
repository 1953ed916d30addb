// Sending one blob to an S3 object store, verified: the bytes are hashed on
// the way out and the object becomes visible only if they hash to the
// blob's name. A blob up to one part goes in one request; a larger one as a
// multipart upload with several parts on the wire at once (the object store
// is slow per request: one part at a time leaves the line idle while each
// answer comes back), whose completion is the only moment it is visible.
//
// Memory: a blob's first MiB is read without asking; parts beyond it are
// taken from a PartMemory shared by every upload of a store, so that eight
// senders of large blobs hold a bounded amount between them.
//
// Thread-safety: PartMemory is thread-safe; UploadVerified may run on many
// threads at once with one client.
#pragma once

#include <cstdint>
#include <string>

#include "src/common/env.h"
#include "src/common/mutex.h"
#include "storage/blobs/s3_client.h"

namespace bevara::storage {

// A budget of bytes for parts in flight.
class PartMemory {
 public:
  explicit PartMemory(uint64_t bytes) : total_(static_cast<int64_t>(bytes)), free_(total_) {}
  // Blocks until `n` bytes are free, or the whole budget is (a part larger
  // than the budget then runs alone).
  void Acquire(uint64_t n);
  // Takes `n` bytes only if they are free now.
  bool TryAcquire(uint64_t n);
  void Release(uint64_t n);

 private:
  const int64_t total_;
  Mutex mu_;
  CondVar freed_;
  int64_t free_ GUARDED_BY(mu_);
};

struct UploadOptions {
  int parts_in_flight = 4;        // at most, per blob
  PartMemory* memory = nullptr;   // null: no shared budget (parts_in_flight bounds it)
};

// Sends the bytes of `source` (read to its end) to `client` under `key`,
// which must hash to `sha256` (lower-case hex): Corruption otherwise, and
// nothing becomes visible. Each part's own SHA-256 is signed, so the store
// checks every part too.
Status UploadVerified(S3Client* client, const std::string& key, const std::string& sha256, ReadableFile* source,
                      const UploadOptions& options = {});

}  // namespace bevara::storage
