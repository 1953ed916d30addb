// CaseService: a package version's case and records, derived on demand
// from the ERMS document stored in its AIP
// (submission/metadata/descriptive/*.xml), with each record's state in
// force today (services/record_state.h): every earlier version's metadata
// and the archivists' decisions (access/access_decisions.h) count.
// Derived data: nothing is stored that the AIP does not hold, except the
// decisions.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ingest/erms/case_metadata.h"
#include "ingest/xml/schema_set.h"
#include "src/access/access_decisions.h"
#include "src/services/record_state.h"
#include "src/common/result.h"
#include "storage/archive/archive.h"

namespace bevara::services {

struct CaseRecordView {
  ingest::RecordMetadata record;
  StateInForce state;                              // in force today
  std::optional<access::AccessDecision> decision;  // the latest decision, when there is one
  std::vector<std::string> files;                  // logical paths in the AIP ("submission/...")
  std::map<std::string, std::string> digests;      // of those in the version: path -> SHA-256
};

struct CaseView {
  ingest::CaseMetadata metadata;  // records moved out into `records`
  std::string source;             // the AIP path of the ERMS document
  std::vector<CaseRecordView> records;
};

class CaseService {
 public:
  // `decisions` (may be null) override derived states.
  CaseService(storage::Archive* archive, std::shared_ptr<const ingest::SchemaSet> schemas,
              access::AccessDecisions* decisions)
      : archive_(archive), schemas_(std::move(schemas)), decisions_(decisions) {}

  // nullopt when the version holds no ERMS document. `today` is YYYY-MM-DD.
  Result<std::optional<CaseView>> Get(const std::string& package_id, uint32_t version, const std::string& today);

 private:
  // The version's ERMS document, parsed; nullopt when it has none.
  Result<std::optional<std::pair<ingest::CaseMetadata, std::string>>> ReadCase(const std::string& package_id,
                                                                               uint32_t version);

  storage::Archive* archive_;
  std::shared_ptr<const ingest::SchemaSet> schemas_;
  access::AccessDecisions* decisions_;
};

}  // namespace bevara::services
