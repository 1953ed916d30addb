// ScanWindow: what of a file format identification sees — all of it when
// small, else its first and its last PronomIdentifier::kScanBytes (DROID's
// "maximum bytes to scan" from each end) — and the work it may cost.
//
// Thread-safety: a ScanWindow belongs to one thread (it builds its byte-pair
// sets, its reversed end and its step count as matching asks for them).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace bevara::ingest::formats {

// Which pairs of consecutive bytes occur in some bytes: gathered on first
// use (one pass, 8 KiB of bits).
class PairSet {
 public:
  explicit PairSet(std::string_view bytes) : bytes_(bytes) {}
  bool Has(unsigned char first, unsigned char second) const;
  bool HasByte(unsigned char b) const;

 private:
  void Gather() const;
  std::string_view bytes_;
  mutable std::vector<uint64_t> bits_;  // 65536 pair bits, then 256 byte bits
};

// One stretch of bytes the matcher searches forward, with a cheap test
// that lets most searches be skipped.
class ScanSide {
 public:
  // `pairs` holds the pairs of `bytes`, or of `bytes` reversed when
  // `reversed` (the end of a file is searched turned around, and shares
  // the pairs of the bytes it was turned from).
  ScanSide(std::string_view bytes, const PairSet* pairs, bool reversed)
      : bytes_(bytes), pairs_(pairs), reversed_(reversed) {}
  std::string_view bytes() const { return bytes_; }
  // Whether, for every i, the bytes s[i], s[i+1] occur next to each other
  // somewhere in this side (and a one-byte s occurs at all).
  bool MayContain(std::string_view s) const;

 private:
  std::string_view bytes_;
  const PairSet* pairs_;
  bool reversed_;
};

class ScanWindow {
 public:
  // How many positions and bytes a file's matching may test before it gives
  // up (a file crafted to make signatures backtrack costs milliseconds, not
  // minutes).
  static constexpr uint64_t kDefaultSteps = 64ull << 20;

  // `head` is the file's first bytes; `tail` its last, ending at file_size.
  // A file whole in `head` (head.size() == file_size) has an empty tail.
  ScanWindow(std::string_view head, std::string_view tail, uint64_t file_size);
  ScanWindow(const ScanWindow&) = delete;  // its sides point into it
  ScanWindow& operator=(const ScanWindow&) = delete;

  std::string_view head() const { return head_; }
  std::string_view tail() const { return tail_; }
  uint64_t file_size() const { return file_size_; }
  bool whole() const { return head_.size() == file_size_; }

  // The start of the file, searched by BOF and variable sequences.
  const ScanSide& start() const { return start_; }
  // The end of the file reversed, searched by (turned-around) EOF sequences.
  const ScanSide& reversed_end() const;
  // MayContain of the reversed end, without turning it around.
  bool EndMayContain(std::string_view reversed) const;

  // Spends `n` steps; false (and exhausted() from then on) when none are left.
  bool Spend(uint64_t n) const;
  bool exhausted() const { return steps_left_ == 0; }

 private:
  std::string_view head_, tail_;
  uint64_t file_size_;
  PairSet head_pairs_, tail_pairs_;
  ScanSide start_;
  mutable std::string reversed_;
  mutable std::unique_ptr<ScanSide> reversed_side_;
  mutable uint64_t steps_left_ = kDefaultSteps;
};

// Keeps a file's first and last `keep` bytes as it streams past, for a
// ScanWindow; a file of up to 2 * keep bytes is kept whole. A caller that
// reads the file's end itself afterwards (a staged blob) passes
// collect_tail = false and uses head() only: a gigabyte then costs no
// copying (Window() of such a buffer has no end past 2 * keep bytes).
class ScanBuffer {
 public:
  explicit ScanBuffer(size_t keep, bool collect_tail = true) : keep_(keep), collect_tail_(collect_tail) {}
  void Append(const char* data, size_t n);
  void Reset();
  uint64_t size() const { return size_; }
  // The file's first min(size, 2 * keep) bytes.
  std::string_view head() const { return head_; }
  // REQUIRES: the buffer outlives the window and is not changed meanwhile.
  ScanWindow Window();

 private:
  size_t keep_;
  bool collect_tail_;
  uint64_t size_ = 0;
  std::string head_;  // up to 2 * keep_ bytes
  std::string tail_;  // what followed, trimmed to its last keep_..2 * keep_ bytes
  std::string end_;   // the last keep_ bytes, made by Window()
};

}  // namespace bevara::ingest::formats
