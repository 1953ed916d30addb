// AccessDecisions: archivists' decisions on a record's access state, which
// take the place of the state derived from its metadata: a record released
// after a secrecy review, one kept secret longer, or one published online.
//
// A decision is bound to the content the archivist saw: the package version
// and the SHA-256 of every file of the record in it. It holds for a later
// version only while those files are the same (access/record_state.h); a
// decision of an older bevara names no content and is only ever kept when
// it is the stricter.
//
// Stored append-only in <dir>/access-decisions.log (a RecordLog), one JSON
// record per decision, fsynced before the change is acknowledged; the latest
// decision for a record is the one in force. Every decision is also in the
// audit log. (access-decisions.jsonl of an older bevara is taken over.)
//
// Thread-safety: safe for concurrent use; one writing process.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "src/common/env.h"
#include "src/common/mutex.h"
#include "src/common/record_log.h"
#include "src/common/result.h"

namespace bevara::access {

struct AccessDecision {
  std::string package_id, record_id;
  std::string state;   // "published", "public", "restricted" or "secret"
  std::string reason;  // required
  std::string by;      // token id
  std::string at;      // RFC 3339
  uint32_t version = 0;                      // the version decided on; 0: bound to nothing (older bevara)
  std::map<std::string, std::string> files;  // every file of the record in it: AIP path -> SHA-256
};

class AccessDecisions {
 public:
  static Result<std::unique_ptr<AccessDecisions>> Open(Env* env, const std::string& dir);

  // InvalidArgument for an unknown state, an empty reason or no version.
  // Durable on OK.
  Status Record(const AccessDecision& decision);
  std::optional<AccessDecision> Find(const std::string& package_id, const std::string& record_id);
  // Whether the decision in force publishes the record with exactly these
  // files (path -> SHA-256). Copies nothing: asked for every public hit.
  bool Publishes(const std::string& package_id, const std::string& record_id,
                 const std::map<std::string, std::string>& files);
  // Whether any decision was made on the record.
  bool Has(const std::string& package_id, const std::string& record_id);

 private:
  AccessDecisions() = default;
  // Applies one record of the log. REQUIRES: mu_ held.
  Status Apply(std::string_view payload) REQUIRES(mu_);

  Mutex mu_;
  std::unique_ptr<RecordLog> log_ GUARDED_BY(mu_);
  std::map<std::pair<std::string, std::string>, AccessDecision> latest_ GUARDED_BY(mu_);
};

}  // namespace bevara::access
