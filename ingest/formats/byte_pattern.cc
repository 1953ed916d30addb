#include "ingest/formats/byte_pattern.h"

#include <algorithm>
#include <cstring>

namespace bevara::ingest::formats {
namespace {

// Sums of the least and most room the fragments take; kUnbounded saturates.
void Span(const std::vector<Fragment>& fragments, uint64_t* min, uint64_t* max) {
  *min = *max = 0;
  for (const Fragment& f : fragments) {
    size_t shortest = SIZE_MAX, longest = 0;
    for (const Run& r : f.alternatives) {
      shortest = std::min(shortest, RunSize(r));
      longest = std::max(longest, RunSize(r));
    }
    *min += f.min_gap + shortest;
    if (*max != kUnbounded) *max = f.max_gap == kUnbounded ? kUnbounded : *max + f.max_gap + longest;
  }
}

// -1, 0 or 1 as the n bytes at p compare with v, both read as big-endian
// numbers; `reversed`: both are stored back to front.
int Compare(const unsigned char* p, const std::string& v, size_t n, bool reversed) {
  for (size_t k = 0; k < n; ++k) {
    size_t i = reversed ? n - 1 - k : k;
    unsigned char b = static_cast<unsigned char>(v[i]);
    if (p[i] != b) return p[i] < b ? -1 : 1;
  }
  return 0;
}

void TurnAround(Run* run) {
  std::reverse(run->begin(), run->end());
  for (ByteTest& t : *run) {
    std::reverse(t.a.begin(), t.a.end());
    std::reverse(t.b.begin(), t.b.end());
    t.reversed = !t.reversed;
  }
}

// A subsequence as seen from the end of the file: its anchor and runs back
// to front, its left fragments now on its right.
void TurnAround(SubSequence* s) {
  std::reverse(s->anchor.begin(), s->anchor.end());
  std::swap(s->left, s->right);
  for (auto* side : {&s->left, &s->right}) {
    for (Fragment& f : *side) {
      for (Run& alt : f.alternatives) TurnAround(&alt);
    }
  }
}

}  // namespace

void SubSequence::ComputeSpans() {
  Span(left, &min_left, &max_left);
  Span(right, &min_right, &max_right);
}

bool ByteTest::Matches(const unsigned char* p) const {
  const size_t n = a.size();
  switch (kind) {
    case Kind::kLiteral:
      return std::memcmp(p, a.data(), n) == 0;
    case Kind::kNotLiteral:
      return std::memcmp(p, a.data(), n) != 0;
    case Kind::kRange:
    case Kind::kNotRange: {  // inclusive, either order
      int lo = Compare(p, a, n, reversed), hi = Compare(p, b, n, reversed);
      bool in = (lo >= 0 && hi <= 0) || (lo <= 0 && hi >= 0);
      return kind == Kind::kRange ? in : !in;
    }
    case Kind::kMask:
    case Kind::kNotMask: {
      bool all = true;
      for (size_t i = 0; i < n; ++i) all = all && (p[i] & uint8_t(a[i])) == uint8_t(a[i]);
      return kind == Kind::kMask ? all : !all;
    }
  }
  return false;
}

size_t RunSize(const Run& run) {
  size_t n = 0;
  for (const ByteTest& t : run) n += t.size();
  return n;
}

void PrepareForMatching(ByteSequence* sequence) {
  if (sequence->anchor == Anchor::kEof) {
    for (SubSequence& s : sequence->subsequences) TurnAround(&s);
    std::reverse(sequence->subsequences.begin(), sequence->subsequences.end());  // the one nearest the end first
  }
  for (SubSequence& s : sequence->subsequences) s.ComputeSpans();
}

}  // namespace bevara::ingest::formats
