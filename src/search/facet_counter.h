// FacetCounter: counts the facet values of the matches of a search, as a
// Xapian match spy reading the one packed facet slot. Internal to src/search.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include <xapian.h>

#include "src/search/facet_table.h"
#include "src/search/record_document.h"
#include "src/search/search_query.h"

namespace bevara::search {

// Thread-safety: one instance per search; the matcher calls it on the
// searching thread.
class FacetCounter : public Xapian::MatchSpy {
 public:
  // Counts about one in `every` of the matches the matcher shows it, chosen
  // by document id (an estimate needs a few hundred). A match's facet value
  // comes from `table` when it has the match, else from the index (a block
  // read: a few microseconds).
  // REQUIRES: every >= 1; `table`, when given, outlives the counter.
  explicit FacetCounter(Xapian::doccount every = 1, const FacetTable* table = nullptr)
      : table_(table), every_(every) {}

  // Forgets what was counted, and counts one in `every` from now.
  void Reset(Xapian::doccount every);

  void operator()(const Xapian::Document& doc, double weight) override;

  // Matches counted.
  Xapian::doccount counted() const { return counted_; }

  // The `max` most frequent non-empty values of `field`, most frequent
  // first (ties by value), each count multiplied by `scale` and rounded.
  std::vector<FacetCount> Top(FacetField field, size_t max, double scale) const;

 private:
  // Adds `count` matches with facet value `packed` to by_field_.
  // REQUIRES: `packed` outlives by_field_'s use (the table's values and
  // by_value_'s keys do: neither moves).
  void AddPacked(std::string_view packed, uint64_t count) const;
  // Splits what was counted by value into by_field_, once.
  void CountFields() const;

  const FacetTable* table_;
  Xapian::doccount every_;
  Xapian::doccount counted_ = 0;
  // Counted by the table's value id, or by value when the table has none;
  // split into fields only when asked (Top), once per distinct value.
  std::unordered_map<uint32_t, uint64_t> by_id_;
  std::unordered_map<std::string, uint64_t> by_value_;
  mutable bool split_ = false;
  mutable std::array<std::unordered_map<std::string_view, uint64_t>, kFacetFieldCount> by_field_;
};

}  // namespace bevara::search
