// SipBuilder: `bevara sip create`. Turns a folder of files and a case
// description into an FGS Paketstruktur 2.0 SIP (E-ARK CSIP 2.1 + SIP 2.1)
// with FGS Ärendehantering (ERMS) case metadata, PREMIS and the schemas, as
// a tar or zip file.
//
// Streaming: every file is read once, in blocks, hashed while it is written
// into the archive; the METS, which needs the checksums, comes last. Only
// metadata is held in memory. Deterministic: the same description and the
// same file contents make the same bytes (fixed times, owners and order).
// Durable and whole: the archive is written beside `out_path`, fsynced and
// renamed into place; it never replaces an existing file, and a failure
// leaves nothing behind.
#pragma once

#include <cstdint>
#include <string>

#include "ingest/sip/case_description.h"
#include "src/common/env.h"
#include "src/common/result.h"
#include "src/common/status.h"

namespace bevara::ingest {

enum class SipFormat { kTar, kZip };

struct SipBuildResult {
  std::string package_id;
  uint64_t files = 0;  // in the package, METS.xml included
  uint64_t bytes = 0;  // of the archive
};

// Rejected("SIP-FILE") names a listed file that is missing, not a regular
// file, or changed while it was read; Rejected with a PKG-* rule a name the
// archive's reader would refuse; AlreadyExists when `out_path` exists.
Result<SipBuildResult> BuildSip(Env* env, const CaseDescription& description, const std::string& files_dir,
                                const std::string& out_path, SipFormat format);

}  // namespace bevara::ingest
