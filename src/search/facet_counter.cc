#include "search/facet_counter.h"

#include <algorithm>

namespace bevara::search {

void FacetCounter::Reset(Xapian::doccount every) {
  every_ = every;
  counted_ = 0;
  for (auto& c : counts_) c.clear();
}

namespace {

// SplitMix64's finaliser: picks records for counting by their id, not by
// their position among the matches, which can beat in time with a pattern
// in the data (every 4th record a decision, say).
uint64_t Mix(uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

void FacetCounter::operator()(const Xapian::Document& doc, double) {
  if (every_ > 1 && Mix(doc.get_docid()) % every_ != 0) return;
  ++counted_;
  const std::string packed = doc.get_value(kSlotFacets);
  size_t begin = 0;
  for (size_t field = 0; field < counts_.size() && begin <= packed.size(); ++field) {
    size_t end = packed.find(kFacetSeparator, begin);
    if (end == std::string::npos) end = packed.size();
    if (end > begin) ++counts_[field][packed.substr(begin, end - begin)];
    begin = end + 1;
  }
}

std::vector<FacetCount> FacetCounter::Top(FacetField field, size_t max, double scale) const {
  std::vector<FacetCount> top;
  for (const auto& [value, count] : counts_[field]) top.push_back({value, count});
  const auto by_count = [](const FacetCount& a, const FacetCount& b) {
    return a.count != b.count ? a.count > b.count : a.value < b.value;
  };
  const size_t n = std::min(max, top.size());
  std::partial_sort(top.begin(), top.begin() + n, top.end(), by_count);
  top.resize(n);
  for (FacetCount& f : top) f.count = static_cast<uint64_t>(f.count * scale + 0.5);
  return top;
}

}  // namespace bevara::search
