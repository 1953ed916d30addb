#include "ingest/formats/scan_window.h"

#include <algorithm>

namespace bevara::ingest::formats {

void PairSet::Gather() const {
  bits_.resize(65536 / 64 + 256 / 64);
  auto* p = reinterpret_cast<const unsigned char*>(bytes_.data());
  uint64_t* bits = bits_.data();
  uint64_t* byte_bits = bits + 65536 / 64;
  for (size_t i = 0; i < bytes_.size(); ++i) {
    byte_bits[p[i] >> 6] |= uint64_t{1} << (p[i] & 63);
    if (i == 0) continue;
    unsigned pair = p[i - 1] << 8 | p[i];
    bits[pair >> 6] |= uint64_t{1} << (pair & 63);
  }
}

bool PairSet::Has(unsigned char first, unsigned char second) const {
  if (bits_.empty()) Gather();
  unsigned pair = first << 8 | second;
  return bits_[pair >> 6] & (uint64_t{1} << (pair & 63));
}

bool PairSet::HasByte(unsigned char b) const {
  if (bits_.empty()) Gather();
  return bits_[65536 / 64 + (b >> 6)] & (uint64_t{1} << (b & 63));
}

bool ScanSide::MayContain(std::string_view s) const {
  auto* p = reinterpret_cast<const unsigned char*>(s.data());
  if (s.size() == 1) return pairs_->HasByte(p[0]);
  for (size_t i = 1; i < s.size(); ++i) {
    if (!(reversed_ ? pairs_->Has(p[i], p[i - 1]) : pairs_->Has(p[i - 1], p[i]))) return false;
  }
  return true;
}

ScanWindow::ScanWindow(std::string_view head, std::string_view tail, uint64_t file_size)
    : head_(head),
      tail_(tail),
      file_size_(file_size),
      head_pairs_(head),
      tail_pairs_(tail),
      start_(head, &head_pairs_, false) {}

const ScanSide& ScanWindow::reversed_end() const {
  if (!reversed_side_) {
    std::string_view end = whole() ? head_ : tail_;
    reversed_.assign(end.rbegin(), end.rend());
    reversed_side_ = std::make_unique<ScanSide>(reversed_, whole() ? &head_pairs_ : &tail_pairs_, true);
  }
  return *reversed_side_;
}

bool ScanWindow::EndMayContain(std::string_view reversed) const {
  return ScanSide({}, whole() ? &head_pairs_ : &tail_pairs_, true).MayContain(reversed);
}

bool ScanWindow::Spend(uint64_t n) const {
  if (n >= steps_left_) {
    steps_left_ = 0;
    return false;
  }
  steps_left_ -= n;
  return true;
}

void ScanBuffer::Append(const char* data, size_t n) {
  size_ += n;
  size_t to_head = std::min(n, 2 * keep_ - std::min(2 * keep_, head_.size()));
  head_.append(data, to_head);
  if (to_head == n || !collect_tail_) return;
  // Keep at most the last keep_ bytes of a large piece, then trim to the
  // last keep_ when the tail doubles: amortised, each byte is copied twice.
  size_t rest = n - to_head;
  size_t skip = rest > keep_ ? rest - keep_ : 0;
  if (skip) tail_.clear();
  tail_.append(data + to_head + skip, rest - skip);
  if (tail_.size() > 2 * keep_) tail_.erase(0, tail_.size() - keep_);
}

void ScanBuffer::Reset() {
  size_ = 0;
  head_.clear();
  tail_.clear();
  end_.clear();
}

ScanWindow ScanBuffer::Window() {
  if (size_ <= 2 * keep_) return ScanWindow(head_, {}, size_);
  if (tail_.size() >= keep_ || !collect_tail_) {  // no tail kept: no end to show
    end_ = tail_.substr(tail_.size() - std::min(keep_, tail_.size()));
  } else {  // the file's last keep_ bytes begin in head_
    end_ = head_.substr(head_.size() - (keep_ - tail_.size())) + tail_;
  }
  return ScanWindow(std::string_view(head_).substr(0, keep_), end_, size_);
}

}  // namespace bevara::ingest::formats
