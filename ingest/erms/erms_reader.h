// Reads FGS Ärendehantering / E-ARK ERMS metadata into a CaseMetadata, with
// the same hardened, validating parser as METS (no DOCTYPE, no fetching,
// bounded size), against bevara's ERMS schema.
//
// Thread-safety: one call at a time per thread; `schemas` may be shared.
#pragma once

#include <memory>
#include <string>

#include "ingest/erms/case_metadata.h"
#include "ingest/xml/schema_set.h"
#include "ingest/xml/secure_sax.h"
#include "src/common/result.h"

namespace bevara::ingest {

inline constexpr const char* kErmsNamespace = "https://DILCIS.eu/XML/ERMS";

// Rejected (ERMS-INVALID, with the first problem and its line) when the
// document is not well-formed or not valid ERMS.
Result<CaseMetadata> ReadCaseMetadata(std::shared_ptr<const SchemaSet> schemas, const ByteSource& source,
                                      const std::string& name);

// The same for a document in memory (tests, small files).
Result<CaseMetadata> ReadCaseMetadata(std::shared_ptr<const SchemaSet> schemas, const std::string& xml,
                                      const std::string& name);

}  // namespace bevara::ingest
