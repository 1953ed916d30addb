// PinnedBlobs: blobs the server has verified and holds in memory, so that a
// file asked for again is sent without hashing it again, and still never
// sends bytes that were not checked.
//
// Why this is sound: a blob is mapped and its pages locked (mlock) before
// it is hashed, so the bytes that hashed right are the very page-cache pages
// that sendfile(2) later sends: locked pages are never evicted and read back
// from a disk that may have rotted since. A write to the file through the
// file system changes its ctime, and a pin is only used while the open file
// is the one that was verified (device, inode, size, mtime and ctime).
//
// The memory is bounded: a blob larger than a quarter of the budget is never
// pinned (it is hashed while it is sent); the least recently used pins go
// first; and a pin a sender still holds counts until the send ends, so the
// locked total never passes the budget (past it, blobs are hashed as sent). Where locking is not allowed (RLIMIT_MEMLOCK), nothing is pinned
// and every transfer is hashed as it is sent.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <cstdint>
#include <atomic>
#include <list>
#include <map>
#include <memory>
#include <string>

#include "src/common/env.h"
#include "src/common/mutex.h"

namespace bevara::server {

class PinnedBlobs {
 public:
  // One verified, locked mapping; unmapped when the last holder lets go.
  class Pin;

  enum class Outcome { kPinned, kDamaged, kNotPinned };
  struct Lookup {
    Outcome outcome = Outcome::kNotPinned;
    std::shared_ptr<const Pin> pin;  // kPinned: hold it while sending
    std::string damage;              // kDamaged: what was found ("content has SHA-256 ...")
  };

  explicit PinnedBlobs(uint64_t budget_bytes) : budget_(budget_bytes) {}
  ~PinnedBlobs();
  PinnedBlobs(const PinnedBlobs&) = delete;
  PinnedBlobs& operator=(const PinnedBlobs&) = delete;

  // The pin of blob `sha256` if `blob` (opened, `size` bytes) is the file it
  // was made from; else pins and verifies it now when it fits: kPinned
  // (good, hold `pin` while sending; `blob` is back at its start), kDamaged
  // (it does not hash to its name, or does not read: `damage` says which),
  // kNotPinned (not a local file, too large, or
  // locking failed: verify while sending).
  Lookup Acquire(const std::string& sha256, ReadableFile* blob, uint64_t size);

  // Drops the pin of a blob (found damaged elsewhere).
  void Forget(const std::string& sha256);
  // Drops every pin (an audit is to read the disk, not locked memory).
  void ForgetAll();

  uint64_t pinned_bytes();

 private:
  struct Entry {
    std::shared_ptr<const Pin> pin;
    std::list<std::string>::iterator lru;
  };
  void InsertLocked(const std::string& sha256, std::shared_ptr<const Pin> pin) REQUIRES(mu_);
  // Unpins the least recently used until `room` more fits the budget.
  void EvictLocked(uint64_t room) REQUIRES(mu_);

  const uint64_t budget_;
  const std::shared_ptr<std::atomic<uint64_t>> live_ = std::make_shared<std::atomic<uint64_t>>(0);
  Mutex mu_;
  std::map<std::string, Entry> entries_ GUARDED_BY(mu_);
  std::list<std::string> lru_ GUARDED_BY(mu_);  // most recently used first
  uint64_t bytes_ GUARDED_BY(mu_) = 0;
};

}  // namespace bevara::server
