// The AIP METS: a METS document (E-ARK CSIP conventions, OAISPACKAGETYPE AIP)
// that describes one version of an archived package:
//   * metsHdr agents: bevara (software, with its version) and the producer;
//   * a digiprovMD with PREMIS 3: the intellectual entity, one file object per
//     file (SHA-256, size, the MIME type libmagic detected, original name),
//     the events of the ingest and the agents;
//   * a fileSec listing every file of the submission with its checksum;
//   * a structMap over it.
// The submitted METS and metadata files are kept unchanged under
// "submission/"; this document only points at them.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "src/common/status.h"
#include "storage/catalog/version_record.h"

namespace bevara::storage {

// Writes the AIP METS for `record` (its files are the submission's, without
// the AIP METS itself) in pieces to `out`: a METS for 100,000 files is tens
// of megabytes and is never held whole.
Status WriteAipMets(const VersionRecord& record, const std::function<Status(std::string_view)>& out);

}  // namespace bevara::storage
