#include "src/server/pinned_blobs.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include "src/common/digest.h"

namespace bevara::server {

class PinnedBlobs::Pin {
 public:
  Pin(void* data, uint64_t size, const struct stat& st) : data_(data), size_(size), st_(st) {}
  ~Pin() {
    ::munlock(data_, size_);
    ::munmap(data_, size_);
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
};

PinnedBlobs::~PinnedBlobs() = default;

PinnedBlobs::Lookup PinnedBlobs::Acquire(const std::string& sha256, int fd, uint64_t size) {
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
  void* data = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
  if (data == MAP_FAILED) return {};
  if (::mlock(data, size) != 0) {  // not allowed here, or out of lockable memory
    ::munmap(data, size);
    return {};
  }
  auto pin = std::make_shared<const Pin>(data, size, st);
  // Hashed after locking: what hashes right is what stays in memory.
  std::string actual = Sha256Hex(std::string_view(static_cast<const char*>(data), size));
  if (actual != sha256) return {Outcome::kDamaged, nullptr, actual};
  MutexLock lock(&mu_);
  InsertLocked(sha256, pin);
  return {Outcome::kPinned, pin, ""};
}

void PinnedBlobs::InsertLocked(const std::string& sha256, std::shared_ptr<const Pin> pin) {
  if (entries_.count(sha256)) return;  // another request pinned it meanwhile; ours goes with its holder
  while (bytes_ + pin->size() > budget_ && !lru_.empty()) {
    auto victim = entries_.find(lru_.back());
    bytes_ -= victim->second.pin->size();
    entries_.erase(victim);
    lru_.pop_back();
  }
  lru_.push_front(sha256);
  bytes_ += pin->size();
  entries_[sha256] = {std::move(pin), lru_.begin()};
}

void PinnedBlobs::Forget(const std::string& sha256) {
  MutexLock lock(&mu_);
  auto it = entries_.find(sha256);
  if (it == entries_.end()) return;
  bytes_ -= it->second.pin->size();
  lru_.erase(it->second.lru);
  entries_.erase(it);
}

uint64_t PinnedBlobs::pinned_bytes() {
  MutexLock lock(&mu_);
  return bytes_;
}

}  // namespace bevara::server
