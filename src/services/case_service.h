// CaseService: a package version's case and records (issue 5), derived on
// demand from the ERMS document stored in its AIP
// (submission/metadata/descriptive/*.xml), with each record's access state
// for today. Derived data: nothing is stored that the AIP does not hold,
// except archivists' access decisions (access/access_decisions.h), which
// take the place of a record's derived state.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "ingest/erms/case_metadata.h"
#include "ingest/xml/schema_set.h"
#include "src/access/access_decisions.h"
#include "src/common/result.h"
#include "storage/archive/archive.h"

namespace bevara::services {

struct CaseRecordView {
  ingest::RecordMetadata record;
  ingest::RecordAccess access;                   // in force: an archivist's decision, else derived
  std::optional<access::AccessDecision> decision;  // the decision, when there is one
  std::vector<std::string> files;  // logical paths in the AIP ("submission/...")
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
  storage::Archive* archive_;
  std::shared_ptr<const ingest::SchemaSet> schemas_;
  access::AccessDecisions* decisions_;
};

}  // namespace bevara::services
