#include "src/search/facet_counter.h"

#include <algorithm>

namespace bevara::search {

void FacetCounter::Reset(Xapian::doccount every) {
  every_ = every;
  counted_ = 0;
  by_id_.clear();
  by_value_.clear();
  split_ = false;
  for (auto& c : by_field_) c.clear();
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
  const Xapian::docid did = doc.get_docid();
  if (every_ > 1 && Mix(did) % every_ != 0) return;
  ++counted_;
  split_ = false;
  if (const uint32_t id = table_ ? table_->Find(did) : 0; id != 0) {
    ++by_id_[id];
  } else {
    ++by_value_[doc.get_value(kSlotFacets)];
  }
}

void FacetCounter::AddPacked(std::string_view packed, uint64_t count) const {
  size_t begin = 0;
  for (size_t field = 0; field < by_field_.size() && begin <= packed.size(); ++field) {
    size_t end = packed.find(kFacetSeparator, begin);
    if (end == std::string_view::npos) end = packed.size();
    if (end > begin) by_field_[field][packed.substr(begin, end - begin)] += count;
    begin = end + 1;
  }
}

void FacetCounter::CountFields() const {
  if (split_) return;
  split_ = true;
  for (auto& c : by_field_) c.clear();
  for (const auto& [id, count] : by_id_) AddPacked(table_->Packed(id), count);
  for (const auto& [packed, count] : by_value_) AddPacked(packed, count);
}

std::vector<FacetCount> FacetCounter::Top(FacetField field, size_t max, double scale) const {
  CountFields();
  std::vector<std::pair<std::string_view, uint64_t>> all(by_field_[field].begin(), by_field_[field].end());
  const auto by_count = [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  };
  const size_t n = std::min(max, all.size());
  std::partial_sort(all.begin(), all.begin() + n, all.end(), by_count);
  std::vector<FacetCount> top;
  for (size_t i = 0; i < n; ++i) top.push_back({std::string(all[i].first), static_cast<uint64_t>(all[i].second * scale + 0.5)});
  return top;
}

}  // namespace bevara::search
