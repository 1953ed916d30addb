// What archivists see of a package, and the access decision on one of its
// records: the one place the JSON API (/api/v1/packages) and the web pages
// for archivists take it from. Who may see the package is the caller's
// check (Principal::MaySeeProducer); recording the read is the caller's too.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "src/server/api.h"

namespace bevara::server {

// {"id", "label", "producer", "head", "created", "updated", "href"}.
nlohmann::json PackageSummaryJson(const storage::PackageSummary& p);
// The summary with "versions" (each with its size) and the "files" of `version`.
Result<nlohmann::json> PackageVersionJson(storage::Archive* archive, const storage::PackageSummary& p, uint32_t version);
// Every PREMIS event of every version, oldest version first.
Result<nlohmann::json> PackageEventsJson(storage::Archive* archive, const storage::PackageSummary& p);
// The case and its records with their access states in force on `today`
// (and what the search index made of each); nullopt without case metadata.
Result<std::optional<nlohmann::json>> PackageCaseJson(PackageApi* api, const storage::PackageSummary& p, uint32_t version,
                                                      const std::string& today);

struct AccessChange {
  std::string record_id, state, reason;
  std::optional<uint32_t> reviewed_version;  // required to publish
  std::string by;                            // the token id or user who decides
};
// Records an archivist's access decision on a record of the package's head,
// bound to that version and the digests of the record's files as they are
// now, and brings search up to date before returning the record as it now
// stands. InvalidArgument for a publication without the reviewed version;
// NotFound for an unknown record; AlreadyExists (HTTP 409) when the package
// moved on or a file cannot be read; Unavailable when the decision is in
// force but search could not be updated yet (public search pauses).
Result<nlohmann::json> DecideRecordAccess(PackageApi* api, const storage::PackageSummary& p, const AccessChange& change);

}  // namespace bevara::server
