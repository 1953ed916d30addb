// How an IndexedRecord becomes a Xapian document, and the slots and term
// prefixes the queries use. Internal to src/search.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <xapian.h>

#include "src/search/indexed_record.h"
#include "src/search/search_query.h"

namespace bevara::search {

// The layout of the index's documents; an index of another format is
// rebuilt (see SearchIndex::Open).
inline constexpr const char* kIndexFormat = "3";

// Value slots. (1-6 held one facet each in format 1.)
enum Slot : Xapian::valueno {
  kSlotDate = 0,          // YYYY-MM-DD
  kSlotVisibleFrom = 7,   // all/ only
  kSlotFacets = 8,        // the facet fields, in FacetField order, joined by kFacetSeparator
};

// The fields counted as facets, in their order in kSlotFacets: one value
// read per match counts all of them.
enum FacetField { kFacetCreator, kFacetClassification, kFacetRecordType, kFacetYear, kFacetDirection,
                  kFacetAccessState, kFacetFieldCount };
inline constexpr char kFacetSeparator = '\x1f';

// Boolean term prefixes (exact, lower-cased values).
inline constexpr const char* kPrefixId = "Q";
inline constexpr const char* kPrefixPackage = "XP";
inline constexpr const char* kPrefixCaseNumber = "XD";
inline constexpr const char* kPrefixCreator = "XC";
inline constexpr const char* kPrefixClassification = "XK";
inline constexpr const char* kPrefixRecordType = "XT";
inline constexpr const char* kPrefixDirection = "XR";
inline constexpr const char* kPrefixAccessState = "XA";
// Free-text prefix for title:word.
inline constexpr const char* kPrefixTitle = "S";

// Lower-cased (Unicode) and trimmed, for boolean terms; cut to fit
// Xapian's term length limit.
std::string FilterTerm(const char* prefix, const std::string& value);

// The document for `audience`: for kPublic every field and the text have
// personnummer masked, and the access details and extraction notes are
// left out. Its data is a StoredRecord (below).
Xapian::Document ToDocument(const IndexedRecord& record, Audience audience);

// A document's data (format 3): the record's search id, its package id,
// and its summary as JSON without the package id (what a hit shows: sent as
// stored, not parsed and written again), each after its length in 4 bytes
// (little-endian); then the start of the text (for snippets; not JSON, so
// not unescaped on every hit).
struct StoredRecord {
  std::string_view id;
  std::string_view package_id;
  std::string_view summary_json;
  std::string_view text;
};

// The parts of `data`, which must outlive them; nullopt when malformed.
std::optional<StoredRecord> ParseStoredRecord(std::string_view data);

// The stored summary with its package id (an empty object when the data
// is malformed).
nlohmann::json SummaryOf(const Xapian::Document& doc);

}  // namespace bevara::search
