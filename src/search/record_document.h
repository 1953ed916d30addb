// How an IndexedRecord becomes a Xapian document, and the slots and term
// prefixes the queries use. Internal to src/search.
#pragma once

#include <string>

#include <xapian.h>

#include "search/indexed_record.h"
#include "search/search_query.h"

namespace bevara::search {

// The layout of the index's documents; an index of another format is
// rebuilt (see SearchIndex::Open).
inline constexpr const char* kIndexFormat = "2";

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
// left out. Its data is the summary JSON plus the start of the text (for
// snippets).
Xapian::Document ToDocument(const IndexedRecord& record, Audience audience);

// The stored summary (without the text) and the text kept for snippets.
nlohmann::json SummaryOf(const Xapian::Document& doc, std::string* snippet_text);

}  // namespace bevara::search
