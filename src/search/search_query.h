// SearchQuery and SearchResult: what the search index is asked and answers.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "src/common/clock.h"

namespace bevara::search {

using ::bevara::StartsWithIsoDate;  // src/common/clock.h

// Who is searching. kPublic searches a separate index that holds only the
// records the public may see, so nothing about the others (not a count,
// not a term statistic) can reach a public answer.
enum class Audience { kPublic, kArchive };

struct SearchQuery {
  // Words (Swedish stemming), "phrases", AND/OR/NOT, -word, title:word.
  // Empty: every record that matches the filters.
  std::string text;
  // Exact filters; empty means any. Case-insensitive.
  std::string case_number, creator, classification, record_type, direction;
  std::string access_state;  // archive only; ignored for the public
  std::string package_id;    // exactly (package ids are case-sensitive)
  bool review_only = false;  // archive only: the records waiting for an archivist's review
  std::string date_from, date_to;  // YYYY-MM-DD, inclusive
  uint32_t offset = 0, limit = 20;
};

struct FacetCount {
  std::string value;
  uint64_t count = 0;
};

// What the public index holds of why a record is published, checked again
// at the moment of answering (services/publication_check.h).
struct PublicationProof {
  std::string package_id, record_id;
  uint32_t version = 0;
  std::string published_by;                    // "decision", or a publication rule's id
  std::map<std::string, std::string> digests;  // path -> SHA-256
};

// Fields apart by NUL bytes (which no id, path or digest holds): read
// without a JSON parser on every hit of every public answer.
std::string EncodeProof(const PublicationProof& proof);
// nullopt when `data` is not an encoded proof.
std::optional<PublicationProof> DecodeProof(std::string_view data);

// One hit: the record's summary as the index stored it, sent without being
// parsed and written again (a parse per hit was a tenth of a search).
struct SearchHit {
  std::string id;            // the record's search id
  std::string package_id;
  std::string summary_json;  // a JSON object: the record's summary without package_id
  std::string snippet;       // HTML: the text around the query's words, the words in <mark>
  std::string proof;         // what the public interface checks before answering (EncodeProof)

  // The summary with "package_id" and "snippet" added, parsed: for callers
  // that want fields rather than speed. An empty object if malformed.
  nlohmann::json Json() const;
};

struct SearchResult {
  uint64_t total = 0;
  bool exact = true;     // total and facet counts are exact (else: estimates)
  bool sampled = false;  // a broad query: hits ranked and facets counted over a spread sample of its matches
  std::vector<SearchHit> hits;
  std::vector<std::pair<std::string, std::vector<FacetCount>>> facets;
};

}  // namespace bevara::search
