// Keeping the store and the catalog in shape.
//
// CollectGarbage (`bevara gc`) removes blobs no version references — left by
// ingests that failed after publishing, or killed before their commit — and
// staging files of batches that no longer exist. It is safe at startup and
// beside running ingests: it holds the archive's gc lock exclusively, and a
// blob whose version is in the log but not yet catalogued is kept.
//
// RebuildCatalog (`bevara rebuild`) makes a new catalog from the version log
// and the version records alone, then puts it in place of the old one (kept
// as catalog.before-rebuild).
#pragma once

#include <cstdint>
#include <string>

#include "src/common/result.h"
#include "storage/archive/archive.h"

namespace bevara::storage {

struct GcStats {
  uint64_t blobs_kept = 0, blobs_removed = 0, bytes_removed = 0, staging_files_removed = 0;
};

// Refuses (InvalidArgument, nothing removed) when the version log names a
// version whose record cannot be read: what that version references is
// unknown, and guessing could delete a file that is still needed.
Result<GcStats> CollectGarbage(Archive* archive);

// REQUIRES: no process has the archive open.
Result<ReplayStats> RebuildCatalog(Env* env, const std::string& data_dir);

}  // namespace bevara::storage
