// Keeping the store and the catalog in shape.
//
// CollectGarbage (`bevara gc`) removes blobs nothing references — left by
// ingests that failed after publishing or were killed before their commit,
// and those of removed packages — and staging files of batches that no
// longer exist. A blob is kept while any version that is not removed
// references it in the catalog, in the version log, or in any earlier
// catalog copy (catalog.before-rebuild.*): a log or catalog that lost a
// version by damage or by a mistaken rebuild never costs that version its
// files. It is safe at startup and beside running ingests: it holds off
// every update while it decides.
//
// RebuildCatalog (`bevara rebuild`) makes a new catalog from the version log
// and the version records alone and puts it in place of the old one, which
// is kept as catalog.before-rebuild.<time> (every earlier copy is kept). It
// refuses when the old catalog knows a version the log does not: then the
// log, not the catalog, is what lost something.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "src/common/result.h"
#include "storage/archive/archive.h"

namespace bevara::storage {

struct GcStats {
  uint64_t blobs_kept = 0, blobs_removed = 0, bytes_removed = 0, staging_files_removed = 0;
  uint64_t earlier_catalogs = 0;  // catalog copies whose references were kept too
};

// Refuses (InvalidArgument, nothing removed) when the version log names a
// version whose record cannot be read: what that version references is
// unknown, and guessing could delete a file that is still needed.
Result<GcStats> CollectGarbage(Archive* archive);

struct RebuildOutcome {
  ReplayStats replay;
  // Versions ("id vN") and removals ("the removal of id") the replaced
  // catalog has and the log does not. When not empty the rebuild was
  // refused: the old catalog is still in place.
  std::vector<std::string> missing_from_log;
  std::string kept_as;  // where the old catalog went
};

// REQUIRES: no process has the archive open.
Result<RebuildOutcome> RebuildCatalog(Env* env, const std::string& data_dir);

}  // namespace bevara::storage
