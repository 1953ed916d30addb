#include "src/server/pinned_blobs.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include <algorithm>
#include <atomic>

#include "storage/blobs/blob_store.h"

namespace bevara::server {

class PinnedBlobs::Pin {
 public:
  Pin(void* data, uint64_t size, const struct stat& st, std::shared_ptr<std::atomic<uint64_t>> live)
      : data_(data), size_(size), st_(st), live_(std::move(live)) {
    live_->fetch_add(size_);
  }
  ~Pin() {
    ::munlock(data_, size_);
    ::munmap(data_, size_);
    live_->fetch_sub(size_);
  }
  uint64_t size() const { return size_; }
  // True when `now` describes the same file, unchanged since it was pinned.
  bool SameFile(const struct stat& now) const {
    return now.st_dev == st_.st_dev && now.st_ino == st_.st_ino && now.st_size == st_.st_size &&
           now.st_mtim.tv_sec == st_.st_mtim.tv_sec && now.st_mtim.tv_nsec == st_.st_mtim.tv_nsec &&
           now.st_ctim.tv_sec == st_.st_ctim.tv_sec && now.st_ctim.tv_nsec == st_.st_ctim.tv_nsec;
  }

 private:
  void* data_;
  uint64_t size_;
  struct stat st_;
  std::shared_ptr<std::atomic<uint64_t>> live_;  // every pin still mapped, in the map or held by a sender
};

PinnedBlobs::~PinnedBlobs() = default;

PinnedBlobs::Lookup PinnedBlobs::Acquire(const std::string& sha256, ReadableFile* blob, uint64_t size) {
  const int fd = blob->NativeHandle();
  struct stat st {};
  if (fd < 0 || ::fstat(fd, &st) != 0 || static_cast<uint64_t>(st.st_size) != size) return {};
  {
    MutexLock lock(&mu_);
    auto it = entries_.find(sha256);
    if (it != entries_.end()) {
      if (it->second.pin->SameFile(st)) {
        lru_.splice(lru_.begin(), lru_, it->second.lru);
        return {Outcome::kPinned, it->second.pin, ""};
      }
      bytes_ -= it->second.pin->size();
      lru_.erase(it->second.lru);
      entries_.erase(it);
    }
  }
  if (size == 0 || size > budget_ / 4) return {};
  {
    // Room first: least recently used pins go. A pin a sender still holds
    // stays locked until that send ends, so what is locked is counted from
    // the pins themselves, and nothing new is pinned past the budget.
    MutexLock lock(&mu_);
    EvictLocked(size);
    if (live_->load() + size > budget_) return {};
  }
  void* data = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
  if (data == MAP_FAILED) return {};
  if (::mlock(data, size) != 0) {  // not allowed here, or out of lockable memory
    ::munmap(data, size);
    return {};
  }
  auto pin = std::make_shared<const Pin>(data, size, st, live_);
  // Hashed after locking: what hashes right is what stays in memory. Read
  // with read(2), not through the mapping: the same page-cache pages, but a
  // file truncated meanwhile gives a short read here, not SIGBUS.
  auto digest = storage::ReadHashing(blob, [](const char*, size_t) { return Status::OK(); });
  if (!digest.ok()) return {Outcome::kDamaged, nullptr, "it does not read: " + digest.status().ToString()};
  if (*digest != sha256) return {Outcome::kDamaged, nullptr, "content has SHA-256 " + *digest};
  Status rewound = blob->Seek(0, SEEK_SET).status();
  if (!rewound.ok()) return {Outcome::kDamaged, nullptr, "it does not read: " + rewound.ToString()};
  MutexLock lock(&mu_);
  InsertLocked(sha256, pin);
  return {Outcome::kPinned, pin, ""};
}

void PinnedBlobs::InsertLocked(const std::string& sha256, std::shared_ptr<const Pin> pin) {
  if (entries_.count(sha256)) return;  // another request pinned it meanwhile; ours goes with its holder
  EvictLocked(pin->size());
  lru_.push_front(sha256);
  bytes_ += pin->size();
  entries_[sha256] = {std::move(pin), lru_.begin()};
}

void PinnedBlobs::EvictLocked(uint64_t room) {
  while (bytes_ + room > budget_ && !lru_.empty()) {
    auto victim = entries_.find(lru_.back());
    bytes_ -= victim->second.pin->size();
    entries_.erase(victim);
    lru_.pop_back();
  }
}

void PinnedBlobs::Forget(const std::string& sha256) {
  MutexLock lock(&mu_);
  auto it = entries_.find(sha256);
  if (it == entries_.end()) return;
  bytes_ -= it->second.pin->size();
  lru_.erase(it->second.lru);
  entries_.erase(it);
}

void PinnedBlobs::ForgetAll() {
  MutexLock lock(&mu_);
  entries_.clear();
  lru_.clear();
  bytes_ = 0;
}

uint64_t PinnedBlobs::pinned_bytes() {
  MutexLock lock(&mu_);
  return bytes_;
}

}  // namespace bevara::server
