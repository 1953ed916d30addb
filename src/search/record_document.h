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
inline constexpr const char* kIndexFormat = "4";

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
inline constexpr const char* kTermReview = "XVreview";  // all/ only: waiting for review
inline constexpr const char* kPrefixPublishedBy = "XB";  // public/ only: the rule (or "decision") that published it
// Free-text prefix for title:word.
inline constexpr const char* kPrefixTitle = "S";

// Lower-cased (Unicode) and trimmed, for boolean terms; cut to fit
// Xapian's term length limit.
std::string FilterTerm(const char* prefix, const std::string& value);
// A package's term: its id exactly as it is (package ids are compared
// exactly everywhere; two that differ in letter case are two packages).
// An id too long for a term is hashed.
std::string PackageTerm(const std::string& package_id);

// The document for `audience`: for kPublic every field and the text have
// personnummer masked, and the access details and extraction notes are
// left out. Its data is a StoredRecord (below).
Xapian::Document ToDocument(const IndexedRecord& record, Audience audience);

// A document's data (format 4): the record's search id, its package id,
// its summary as JSON without the package id (what a hit shows: sent as
// stored, not parsed and written again), and its proof (what the public
// interface checks at the moment of answering: EncodeProof of the package
// id unmasked, the record id, the version, what published it, and the
// files' digests), each after its length in 4 bytes (little-endian); then the
// start of the text (for snippets; not JSON, so not unescaped on every hit).
struct StoredRecord {
  std::string_view id;
  std::string_view package_id;
  std::string_view summary_json;
  std::string_view proof;
  std::string_view text;
};

// The parts of `data`, which must outlive them; nullopt when malformed.
std::optional<StoredRecord> ParseStoredRecord(std::string_view data);

// The stored summary with its package id and, under "proof", its encoded
// proof as a string (an empty object when the data is malformed). Callers that answer the
// public take "proof" out.
nlohmann::json SummaryOf(const Xapian::Document& doc);

}  // namespace bevara::search
