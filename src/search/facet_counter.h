// FacetCounter: counts the facet values of the matches of a search, as a
// Xapian match spy reading the one packed facet slot. Internal to src/search.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include <xapian.h>

#include "search/record_document.h"
#include "search/search_query.h"

namespace bevara::search {

// Thread-safety: one instance per search; the matcher calls it on the
// searching thread.
class FacetCounter : public Xapian::MatchSpy {
 public:
  // Counts about one in `every` of the matches the matcher shows it, chosen
  // by document id (reading a match's value costs a few microseconds; an
  // estimate needs a few hundred).
  // REQUIRES: every >= 1.
  explicit FacetCounter(Xapian::doccount every = 1) : every_(every) {}

  // Forgets what was counted, and counts one in `every` from now.
  void Reset(Xapian::doccount every);

  void operator()(const Xapian::Document& doc, double weight) override;

  // Matches counted.
  Xapian::doccount counted() const { return counted_; }

  // The `max` most frequent non-empty values of `field`, most frequent
  // first (ties by value), each count multiplied by `scale` and rounded.
  std::vector<FacetCount> Top(FacetField field, size_t max, double scale) const;

 private:
  Xapian::doccount every_;
  Xapian::doccount counted_ = 0;
  std::array<std::unordered_map<std::string, uint64_t>, kFacetFieldCount> counts_;
};

}  // namespace bevara::search
