// Reidentifier: `bevara formats --identify` — the formats of archived files
// identified again (after a signature file update), recorded as a new AIP
// version of each package whose formats changed.
//
// Only a file's first and last PronomIdentifier::kScanBytes are read, and a
// container's entries; every byte read counts against a rate budget, so
// that a re-identification can run beside other work. A package none of
// whose files changed gets no new version (nothing to record); one that
// changed gets version N+1 with the same files, the new format and policy
// per file, the signature files' version, and a PREMIS "format
// identification" event naming what changed. libmagic's answer is kept.
//
// Thread-safety: one run at a time per archive (each package is held by
// Archive::BeginUpdate while it is done).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "ingest/formats/format_policy.h"
#include "ingest/formats/pronom_identifier.h"
#include "storage/archive/archive.h"

namespace bevara::ingest {

struct ReidentifyProgress {
  uint64_t packages_done = 0, packages_total = 0;
  uint64_t files = 0, bytes_read = 0;
  uint64_t files_changed = 0, new_versions = 0;
  std::string current;  // the package being done (the one an error is about)
};

struct ReidentifyOptions {
  std::shared_ptr<const formats::PronomIdentifier> pronom;  // required
  formats::FormatPolicy policy = formats::FormatPolicy::Default();
  uint64_t max_bytes_per_second = 0;  // 0: as fast as the disk allows
  std::function<void(const ReidentifyProgress&)> progress;  // after each package; may be empty
};

// Stops at the first error; `progress->current` names its package. What
// was committed before stays (each package is all or nothing).
Status Reidentify(storage::Archive* archive, const ReidentifyOptions& options, ReidentifyProgress* progress);

}  // namespace bevara::ingest
