// Byte patterns as PRONOM writes them (sequence_matcher.h says where in a
// file they match).
//
// A PRONOM signature is one or more byte sequences that must all match. A
// byte sequence is anchored at the beginning of the file (BOF), at its end
// (EOF), or floats (variable). It is a chain of subsequences; each has an
// anchor (a literal run of bytes, found by search) with fragments on either
// side, each fragment a set of alternatives at a gap (min..max bytes) from
// its neighbour. Between subsequences lies a gap too: for BOF from the start
// of the file (or the end of the previous subsequence) to the leftmost byte
// of this one; for EOF from the end of the file (or the start of the
// previous subsequence) to the rightmost byte of this one (the EOF chain
// starts from its last subsequence, the one nearest the end of the file).
//
// This is the compiled form of DROID's signature file; PRONOM's expression
// syntax (container signatures) is compiled into it too (pronom_syntax.h).
//
// Thread-safety: patterns are immutable once built; matching is const.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bevara::ingest::formats {

// One test of n consecutive bytes.
struct ByteTest {
  enum class Kind { kLiteral, kRange, kNotLiteral, kNotRange, kMask, kNotMask };
  Kind kind = Kind::kLiteral;
  std::string a;  // the literal, the range's low end, the mask
  std::string b;  // the range's high end (same length as a)
  // Stored back to front (an EOF sequence turned around): a range still
  // compares the bytes as the big-endian number they are in the file.
  bool reversed = false;
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

// Makes a sequence ready for matching, once, after it was read: spans
// computed, and an EOF sequence turned around (matched from the end of the
// file as a BOF sequence is from its start, over the file's end reversed).
void PrepareForMatching(ByteSequence* sequence);

}  // namespace bevara::ingest::formats
