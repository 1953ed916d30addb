// Byte patterns as PRONOM writes them, and where in a file they match.
//
// A PRONOM signature is one or more byte sequences that must all match. A
// byte sequence is anchored at the beginning of the file (BOF), at its end
// (EOF), or floats (variable). It is a chain of subsequences; each has an
// anchor (a literal run of bytes, found by search) with fragments on either
// side, each fragment a set of alternatives at a gap (min..max bytes) from
// its neighbour. Between subsequences lies a gap too: for BOF from the start
// of the file (or the end of the previous subsequence) to the leftmost byte
// of this one; for EOF from the end of the file (or the start of the
// previous subsequence) to the rightmost byte of this one.
//
// This is the compiled form of DROID's signature file; PRONOM's expression
// syntax (container signatures) is compiled into it too (pronom_syntax.h).
//
// Thread-safety: patterns are immutable once built; matching is const.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bevara::ingest::formats {

// One test of n consecutive bytes.
struct ByteTest {
  enum class Kind { kLiteral, kRange, kNotLiteral, kMask, kNotMask };
  Kind kind = Kind::kLiteral;
  std::string a;  // the literal, the range's low end, the mask
  std::string b;  // the range's high end (same length as a)
  size_t size() const { return a.size(); }
  bool Matches(const unsigned char* p) const;
};

// A run of tests with no gap between them.
using Run = std::vector<ByteTest>;
size_t RunSize(const Run& run);

// One place beside the anchor: any of `alternatives`, at a gap of
// min_gap..max_gap bytes from its neighbour nearer the anchor.
struct Fragment {
  std::vector<Run> alternatives;
  uint32_t min_gap = 0, max_gap = 0;
};

constexpr uint32_t kUnbounded = UINT32_MAX;

struct SubSequence {
  std::vector<Fragment> left;   // nearest the anchor first
  std::string anchor;           // literal; never empty
  std::vector<Fragment> right;  // nearest the anchor first
  uint32_t min_offset = 0, max_offset = 0;  // kUnbounded: anywhere after
  // The least and most room the fragments take on each side (kUnbounded
  // saturates); set by ComputeSpans() once the fragments are in place.
  uint64_t min_left = 0, max_left = 0, min_right = 0, max_right = 0;
  void ComputeSpans();
};

enum class Anchor { kBof, kEof, kVariable };

struct ByteSequence {
  Anchor anchor = Anchor::kBof;
  std::vector<SubSequence> subsequences;  // in PRONOM's Position order
};

// What of a file a matcher sees: all of it when small, else its first and
// its last bytes (DROID's "maximum bytes to scan" from each end).
class ScanWindow {
 public:
  // `head` is the file's first bytes; `tail` its last, ending at file_size.
  // When the file is whole in head, tail is empty.
  ScanWindow(std::string_view head, std::string_view tail, uint64_t file_size);

  std::string_view head() const { return head_; }
  std::string_view tail() const { return tail_; }  // empty when head is the whole file
  bool whole() const { return tail_.empty(); }
  uint64_t file_size() const { return file_size_; }
  // Whether some two consecutive bytes of the window equal s[i], s[i+1]
  // for every i: a cheap test that lets most searches be skipped.
  // The pairs are gathered on the first call (one pass, 8 KiB of bits).
  bool MayContain(std::string_view s) const;

 private:
  void AddPairs(std::string_view s) const;
  std::string_view head_, tail_;
  uint64_t file_size_;
  mutable std::vector<uint64_t> pairs_;  // bit set of the byte pairs seen
};

// Keeps a file's first and last `keep` bytes as it streams past, for a
// ScanWindow; a file of up to 2 * keep bytes is kept whole. A caller that
// can read the file's end itself afterwards (a staged blob) passes
// collect_tail = false and hands it over with SetTail(): a gigabyte then
// costs no copying.
class ScanBuffer {
 public:
  explicit ScanBuffer(size_t keep, bool collect_tail = true) : keep_(keep), collect_tail_(collect_tail) {}
  void Append(const char* data, size_t n);
  void Reset();
  uint64_t size() const { return size_; }
  // Whether the window needs the file's last `keep` bytes from SetTail().
  bool NeedsTail() const { return !collect_tail_ && size_ > 2 * keep_; }
  void SetTail(std::string last_bytes) { tail_ = std::move(last_bytes); }
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

// Whether `sequence` matches in `window`.
bool Matches(const ByteSequence& sequence, const ScanWindow& window);

}  // namespace bevara::ingest::formats
