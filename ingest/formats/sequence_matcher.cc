#include "ingest/formats/sequence_matcher.h"

#include <algorithm>
#include <cstring>
#include <memory_resource>

namespace bevara::ingest::formats {
namespace {

using Position = int64_t;
constexpr Position kFar = INT64_MAX / 4;

struct Interval {
  Position lo, hi;  // inclusive
};
// Sorted and disjoint once normalised. The vectors of one Matches() call
// live in one arena on its stack: most signatures fail within a few
// intervals, and a heap allocation each would cost more than the matching.
using Intervals = std::pmr::vector<Interval>;
using Positions = std::pmr::vector<Position>;

Position Plus(Position base, uint64_t n) { return n >= kUnbounded ? kFar : base + static_cast<Position>(n); }
Position Minus(Position base, uint64_t n) { return n >= kUnbounded ? -kFar : base - static_cast<Position>(n); }

// Clamps to [0, limit], sorts and merges.
Intervals Normalize(Intervals v, Position limit) {
  for (Interval& i : v) {
    i.lo = std::max<Position>(i.lo, 0);
    i.hi = std::min(i.hi, limit);
  }
  v.erase(std::remove_if(v.begin(), v.end(), [](const Interval& i) { return i.lo > i.hi; }), v.end());
  std::sort(v.begin(), v.end(), [](const Interval& a, const Interval& b) { return a.lo < b.lo; });
  Intervals out(v.get_allocator());
  for (const Interval& i : v) {
    if (!out.empty() && i.lo <= out.back().hi + 1) {
      out.back().hi = std::max(out.back().hi, i.hi);
    } else {
      out.push_back(i);
    }
  }
  return out;
}

Intervals Intersect(const Intervals& a, const Intervals& b) {
  Intervals out(a.get_allocator());
  for (size_t i = 0, j = 0; i < a.size() && j < b.size();) {
    Position lo = std::max(a[i].lo, b[j].lo), hi = std::min(a[i].hi, b[j].hi);
    if (lo <= hi) out.push_back({lo, hi});
    (a[i].hi < b[j].hi) ? ++i : ++j;
  }
  return out;
}

uint64_t Width(const Intervals& v) {
  uint64_t w = 0;
  for (const Interval& i : v) w += static_cast<uint64_t>(i.hi - i.lo + 1);
  return w;
}

bool RunMatches(const Run& run, const unsigned char* p) {
  for (const ByteTest& t : run) {
    if (!t.Matches(p)) return false;
    p += t.size();
  }
  return true;
}

// The run's bytes when every test is a literal.
bool LiteralOf(const Run& run, std::string* out) {
  out->clear();
  for (const ByteTest& t : run) {
    if (t.kind != ByteTest::Kind::kLiteral) return false;
    *out += t.a;
  }
  return true;
}

// Calls fn(s) for each s in `where` at which `literal` starts; false when
// the budget ran out.
template <typename Fn>
bool ForEachLiteral(std::string_view literal, const ScanSide& side, const ScanWindow& w, const Intervals& where,
                    const Fn& fn) {
  const std::string_view buf = side.bytes();
  const Position len = static_cast<Position>(literal.size()), n = static_cast<Position>(buf.size());
  if (len == 0) {  // no literal to find: every position is a candidate
    if (!w.Spend(Width(where))) return false;
    for (const Interval& iv : where) {
      for (Position s = iv.lo; s <= std::min(iv.hi, n); ++s) fn(s);
    }
    return true;
  }
  if (Width(where) > 64 && !side.MayContain(literal)) return true;
  for (const Interval& iv : where) {
    const Position last = std::min(iv.hi, n - len);
    if (last - iv.lo < 16) {  // a few places: comparing is cheaper than setting up a search
      if (iv.lo <= last && !w.Spend(static_cast<uint64_t>(last - iv.lo + 1))) return false;
      for (Position s = iv.lo; s <= last; ++s) {
        if (std::memcmp(buf.data() + s, literal.data(), literal.size()) == 0) fn(s);
      }
      continue;
    }
    for (Position lo = iv.lo, hi = last; lo <= hi;) {
      const void* hit = memmem(buf.data() + lo, hi - lo + len, literal.data(), len);
      const Position at = hit ? static_cast<const char*>(hit) - buf.data() : hi;
      if (!w.Spend(static_cast<uint64_t>(at - lo) / 16 + 1)) return false;  // what memmem read
      if (!hit) break;
      fn(at);
      lo = at + 1;
    }
  }
  return true;
}

// Calls fn(s) for each s in `where` at which `run` matches.
template <typename Fn>
bool ForEachMatch(const Run& run, const ScanSide& side, const ScanWindow& w, const Intervals& where, const Fn& fn) {
  std::string literal;
  if (LiteralOf(run, &literal)) return ForEachLiteral(literal, side, w, where, fn);
  const auto* buf = reinterpret_cast<const unsigned char*>(side.bytes().data());
  const Position len = static_cast<Position>(RunSize(run)), n = static_cast<Position>(side.bytes().size());
  for (const Interval& iv : where) {
    const Position hi = std::min(iv.hi, n - len);
    if (iv.lo > hi) continue;
    if (!w.Spend(static_cast<uint64_t>(hi - iv.lo + 1))) return false;
    for (Position s = iv.lo; s <= hi; ++s) {
      if (RunMatches(run, buf + s)) fn(s);
    }
  }
  return true;
}

// From where the outermost left fragment may start, where the anchor may:
// the left fragments followed inwards, each level one set of positions.
bool SweepLeft(const std::vector<Fragment>& left, const ScanSide& side, const ScanWindow& w, Intervals* where) {
  const Position n = static_cast<Position>(side.bytes().size());
  for (size_t k = left.size(); k-- > 0;) {
    const Fragment& f = left[k];
    Intervals next(where->get_allocator());
    for (const Run& alt : f.alternatives) {
      const Position len = static_cast<Position>(RunSize(alt));
      if (!ForEachMatch(alt, side, w, *where, [&](Position s) {
            next.push_back({s + len + f.min_gap, Plus(s + len, f.max_gap)});
            if (next.size() > 2 * static_cast<size_t>(n) + 64) next = Normalize(std::move(next), n);  // stays O(n)
          })) {
        return false;
      }
    }
    *where = Normalize(std::move(next), n);
    if (where->empty()) return true;
  }
  return true;
}

// From the anchors' ends, the ends of the outermost right fragment.
bool SweepRight(const std::vector<Fragment>& right, const ScanSide& side, const ScanWindow& w,
                Positions* ends) {
  const Position n = static_cast<Position>(side.bytes().size());
  for (const Fragment& f : right) {
    Intervals starts(ends->get_allocator());
    for (Position e : *ends) starts.push_back({e + f.min_gap, Plus(e, f.max_gap)});
    starts = Normalize(std::move(starts), n);
    Positions next(ends->get_allocator());
    for (const Run& alt : f.alternatives) {
      const Position len = static_cast<Position>(RunSize(alt));
      if (!ForEachMatch(alt, side, w, starts, [&](Position s) { next.push_back(s + len); })) return false;
    }
    std::sort(next.begin(), next.end());
    next.erase(std::unique(next.begin(), next.end()), next.end());
    *ends = std::move(next);
    if (ends->empty()) return true;
  }
  return true;
}

// Where subsequence `s` can end when its leftmost byte lies in `allowed`.
bool Ends(const SubSequence& s, const ScanSide& side, const ScanWindow& w, Intervals allowed, Positions* ends) {
  const Position n = static_cast<Position>(side.bytes().size());
  ends->clear();
  Intervals anchor_at = std::move(allowed);
  if (!s.left.empty()) {
    if (!s.anchor.empty() && Width(anchor_at) > 256) {
      // A wide window: find the anchors first, and follow the fragments
      // only where one of them could reach.
      Intervals near(ends->get_allocator());
      Intervals around(ends->get_allocator());
      around.push_back({anchor_at.front().lo + static_cast<Position>(s.min_left), Plus(anchor_at.back().hi, s.max_left)});
      around = Normalize(std::move(around), n);
      if (!ForEachLiteral(s.anchor, side, w, around, [&](Position a) {
            near.push_back({Minus(a, s.max_left), a - static_cast<Position>(s.min_left)});
          })) {
        return false;
      }
      anchor_at = Intersect(anchor_at, Normalize(std::move(near), n));
    }
    if (!SweepLeft(s.left, side, w, &anchor_at)) return false;
  }
  const Position alen = static_cast<Position>(s.anchor.size());
  if (!ForEachLiteral(s.anchor, side, w, anchor_at, [&](Position a) { ends->push_back(a + alen); })) return false;
  return ends->empty() || SweepRight(s.right, side, w, ends);
}

bool Chain(const std::vector<SubSequence>& subs, bool floating, const ScanSide& side, const ScanWindow& w) {
  char stack[8192];
  std::pmr::monotonic_buffer_resource first(stack, sizeof stack);
  std::pmr::unsynchronized_pool_resource arena(&first);  // a level's vectors freed are reused by the next
  const Position n = static_cast<Position>(side.bytes().size());
  Intervals allowed(&arena);
  allowed.push_back(floating ? Interval{0, n} : Interval{subs[0].min_offset, Plus(0, subs[0].max_offset)});
  allowed = Normalize(std::move(allowed), n);
  Positions ends(&arena);
  for (size_t i = 0; i < subs.size(); ++i) {
    if (allowed.empty() || !Ends(subs[i], side, w, std::move(allowed), &ends) || ends.empty()) return false;
    if (i + 1 == subs.size()) return true;
    Intervals next(&arena);
    for (Position e : ends) next.push_back({e + subs[i + 1].min_offset, Plus(e, subs[i + 1].max_offset)});
    allowed = Normalize(std::move(next), n);
  }
  return false;
}

}  // namespace

bool Matches(const ByteSequence& sequence, const ScanWindow& window) {
  if (sequence.subsequences.empty() || window.exhausted()) return false;
  switch (sequence.anchor) {
    case Anchor::kBof:
      return Chain(sequence.subsequences, false, window.start(), window);
    case Anchor::kVariable:
      return Chain(sequence.subsequences, true, window.start(), window);
    case Anchor::kEof:  // turned around: matched forward over the end reversed
      return Chain(sequence.subsequences, false, window.reversed_end(), window);
  }
  return false;
}

}  // namespace bevara::ingest::formats
