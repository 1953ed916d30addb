#include "ingest/formats/byte_pattern.h"

#include <cstring>
#include <functional>

namespace bevara::ingest::formats {
namespace {

using Position = int64_t;  // within one buffer; may go negative while computing

// A non-owning callable reference: the matcher's callbacks nest deeply and
// run for every candidate, and std::function would allocate each time.
class EndFn {
 public:
  template <typename F>
  EndFn(const F& f) : object_(&f), call_([](const void* o, Position p) { return (*static_cast<const F*>(o))(p); }) {}  // NOLINT
  bool operator()(Position p) const { return call_(object_, p); }

 private:
  const void* object_;
  bool (*call_)(const void*, Position);
};

bool RunMatches(const Run& run, std::string_view buf, Position at) {
  if (at < 0 || static_cast<uint64_t>(at) + RunSize(run) > buf.size()) return false;
  auto* p = reinterpret_cast<const unsigned char*>(buf.data()) + at;
  for (const ByteTest& t : run) {
    if (!t.Matches(p)) return false;
    p += t.size();
  }
  return true;
}

// Calls fn with each leftmost position the left fragments can reach from
// `pos` (the anchor's first byte), until fn returns true.
bool ForEachLeftEnd(const std::vector<Fragment>& left, size_t k, std::string_view buf, Position pos, const EndFn& fn) {
  if (k == left.size()) return fn(pos);
  const Fragment& f = left[k];
  for (uint64_t gap = f.min_gap; gap <= f.max_gap && static_cast<Position>(gap) <= pos; ++gap) {
    for (const Run& alt : f.alternatives) {
      Position start = pos - static_cast<Position>(gap + RunSize(alt));
      if (RunMatches(alt, buf, start) && ForEachLeftEnd(left, k + 1, buf, start, fn)) return true;
    }
  }
  return false;
}

// The same to the right, from `pos` (one past the anchor's last byte); fn
// gets one past the rightmost byte.
bool ForEachRightEnd(const std::vector<Fragment>& right, size_t k, std::string_view buf, Position pos,
                     const EndFn& fn) {
  if (k == right.size()) return fn(pos);
  const Fragment& f = right[k];
  for (uint64_t gap = f.min_gap; gap <= f.max_gap && pos + static_cast<Position>(gap) <= Position(buf.size());
       ++gap) {
    for (const Run& alt : f.alternatives) {
      Position start = pos + static_cast<Position>(gap);
      if (RunMatches(alt, buf, start) && ForEachRightEnd(right, k + 1, buf, start + RunSize(alt), fn)) return true;
    }
  }
  return false;
}

// Calls fn with each position in [lo, hi] where `anchor` starts, lowest
// first, until fn returns true.
bool ForEachAnchor(const std::string& anchor, std::string_view buf, const ScanWindow& window, Position lo,
                   Position hi, const EndFn& fn) {
  lo = std::max<Position>(lo, 0);
  hi = std::min<Position>(hi, Position(buf.size()) - Position(anchor.size()));
  if (lo > hi) return false;
  if (hi - lo > 64 && !window.MayContain(anchor)) return false;
  while (lo <= hi) {
    const void* hit = memmem(buf.data() + lo, hi - lo + anchor.size(), anchor.data(), anchor.size());
    if (!hit) return false;
    Position at = static_cast<const char*>(hit) - buf.data();
    if (fn(at)) return true;
    lo = at + 1;
  }
  return false;
}

Position Add(Position base, uint64_t n) { return n >= kUnbounded ? INT64_MAX / 4 : base + Position(n); }
Position Sub(Position base, uint64_t n) { return n >= kUnbounded ? INT64_MIN / 4 : base - Position(n); }

// BOF and variable sequences: subsequence i's leftmost byte lies at
// from + [min_offset, max_offset].
bool ChainForward(const std::vector<SubSequence>& subs, size_t i, std::string_view buf, const ScanWindow& window,
                  Position from) {
  if (i == subs.size()) return true;
  const SubSequence& s = subs[i];
  const uint64_t min_left = s.min_left, max_left = s.max_left;
  const Position lo = from + s.min_offset, hi = Add(from, s.max_offset);
  const Position anchor_hi = max_left == kUnbounded ? INT64_MAX / 4 : Add(hi, max_left);
  return ForEachAnchor(s.anchor, buf, window, lo + Position(min_left), anchor_hi, [&](Position at) {
    return ForEachLeftEnd(s.left, 0, buf, at, [&](Position leftmost) {
      if (leftmost < lo || leftmost > hi) return false;
      return ForEachRightEnd(s.right, 0, buf, at + Position(s.anchor.size()),
                             [&](Position end) { return ChainForward(subs, i + 1, buf, window, end); });
    });
  });
}

// EOF sequences: subsequence i's rightmost byte ends at to - [min_offset,
// max_offset]; the chain runs towards the start of the file.
bool ChainBackward(const std::vector<SubSequence>& subs, size_t i, std::string_view buf, const ScanWindow& window,
                   Position to) {
  if (i == subs.size()) return true;
  const SubSequence& s = subs[i];
  const uint64_t min_right = s.min_right, max_right = s.max_right;
  const Position hi = to - s.min_offset, lo = Sub(to, s.max_offset);  // bounds of the rightmost end
  const Position alen = Position(s.anchor.size());
  const Position anchor_lo = max_right == kUnbounded ? INT64_MIN / 4 : Sub(lo, max_right) - alen;
  return ForEachAnchor(s.anchor, buf, window, anchor_lo, hi - Position(min_right) - alen, [&](Position at) {
    return ForEachRightEnd(s.right, 0, buf, at + alen, [&](Position end) {
      if (end < lo || end > hi) return false;
      return ForEachLeftEnd(s.left, 0, buf, at,
                            [&](Position start) { return ChainBackward(subs, i + 1, buf, window, start); });
    });
  });
}

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
    case Kind::kRange:  // big-endian, inclusive, either order
      return (std::memcmp(p, a.data(), n) >= 0 && std::memcmp(p, b.data(), n) <= 0) ||
             (std::memcmp(p, b.data(), n) >= 0 && std::memcmp(p, a.data(), n) <= 0);
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

ScanWindow::ScanWindow(std::string_view head, std::string_view tail, uint64_t file_size)
    : head_(head), tail_(tail), file_size_(file_size) {}

void ScanWindow::AddPairs(std::string_view s) const {
  auto* p = reinterpret_cast<const unsigned char*>(s.data());
  uint64_t* bits = pairs_.data();
  for (size_t i = 1; i < s.size(); ++i) {
    unsigned pair = p[i - 1] << 8 | p[i];
    bits[pair >> 6] |= uint64_t{1} << (pair & 63);
  }
}

bool ScanWindow::MayContain(std::string_view s) const {
  if (pairs_.empty()) {
    pairs_.resize(65536 / 64);
    AddPairs(head_);
    AddPairs(tail_);
  }
  auto* p = reinterpret_cast<const unsigned char*>(s.data());
  for (size_t i = 1; i < s.size(); ++i) {
    unsigned pair = p[i - 1] << 8 | p[i];
    if (!(pairs_[pair >> 6] & (uint64_t{1} << (pair & 63)))) return false;
  }
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
  if (tail_.size() >= keep_ || !collect_tail_) {
    end_ = tail_.substr(tail_.size() - std::min(keep_, tail_.size()));
  } else {  // the file's last keep_ bytes begin in head_
    end_ = head_.substr(head_.size() - (keep_ - tail_.size())) + tail_;
  }
  return ScanWindow(std::string_view(head_).substr(0, keep_), end_, size_);
}

bool Matches(const ByteSequence& sequence, const ScanWindow& window) {
  if (sequence.subsequences.empty()) return false;
  switch (sequence.anchor) {
    case Anchor::kBof:
      return ChainForward(sequence.subsequences, 0, window.head(), window, 0);
    case Anchor::kEof: {
      std::string_view end = window.whole() ? window.head() : window.tail();
      return ChainBackward(sequence.subsequences, 0, end, window, Position(end.size()));
    }
    case Anchor::kVariable:
      return ChainForward(sequence.subsequences, 0, window.head(), window, 0) ||
             (!window.whole() && ChainForward(sequence.subsequences, 0, window.tail(), window, 0));
  }
  return false;
}

}  // namespace bevara::ingest::formats
