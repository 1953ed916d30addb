// What the public may see of a record, and of a request for records: the
// one place the JSON API (/public/v1) and the web pages for citizens take it
// from, so that both show the same thing under the same checks.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "src/access/record_requests.h"
#include "src/common/result.h"
#include "src/search/search_index.h"
#include "src/services/publication_check.h"
#include "storage/archive/archive.h"

namespace bevara::server {

struct PublicFile {
  std::string path, sha256, content_type;
  uint64_t size = 0;
};

struct PublicRecord {
  nlohmann::json summary;  // from the public index (personnummer masked), without its proof or package
  services::PublicationProof proof;
  std::vector<PublicFile> files;  // the published files whose bytes are the ones the publication names
};

// The record `id` if it is published now (the publication check asked again);
// nullopt for every other id, the same as for one never issued.
Result<std::optional<PublicRecord>> LookUpPublicRecord(search::SearchIndex* search, services::PublicationCheck* check,
                                                       storage::Archive* archive, const std::string& id);

// What a citizen sees of a request: each record asked for (or of the case,
// once decided) with its decision, note and released files. `token` makes
// the download links.
nlohmann::json CitizenRequestView(search::SearchIndex* search, const access::RecordRequest& q, const std::string& token);

// The records a request concerns: those it names, and those of the case it
// names, as the archive index describes them (summaries with access state);
// a named id the index does not know is {"id": ..., "unknown": true}.
std::vector<nlohmann::json> RequestCandidates(search::SearchIndex* search, const access::RecordRequest& q);

// The archivists' view of a request: what was asked, by whom, the candidates and decisions.
nlohmann::json ArchivistRequestView(const access::RecordRequest& q, std::vector<nlohmann::json> candidates);

// Completes and records an archivist's decision on a request: the record
// must be one the request concerns (or be denied), the files must be its
// own, and a release is bound to the bytes at the package's head (the
// version the archivist reviewed, when `reviewed` names one: Conflict-free
// only if the package has not moved on). InvalidArgument for a decision
// that does not fit; NotFound for an unknown request; AlreadyExists when
// the package moved on (HTTP 409).
Result<access::RecordRequest> DecideOnRequest(access::RecordRequests* requests, search::SearchIndex* search,
                                              storage::Archive* archive, const std::string& request_id,
                                              access::RecordDecision d, std::optional<uint32_t> reviewed,
                                              std::vector<nlohmann::json>* candidates);

}  // namespace bevara::server
