// FormatReport: what the archive holds per PRONOM format — files, bytes and
// the format policy's state today — the input for preservation planning
// (`bevara formats`, GET /api/v1/formats).
//
// Counts the files of every package's head version (what the archive keeps
// today); bevara's own AIP METS is left out. Files with no single format
// are counted under "unidentified" (no signature, or an untrusted extension)
// or "ambiguous" (several formats at the same priority).
//
// Thread-safety: a function over a catalog; safe while the server runs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "ingest/formats/format_policy.h"
#include "src/common/result.h"
#include "storage/catalog/catalog.h"

namespace bevara::services {

struct FormatCount {
  std::string puid;  // "fmt/354", or "unidentified" / "ambiguous"
  std::string name, version;
  std::string policy;  // the policy's state today
  uint64_t files = 0, bytes = 0;
  uint64_t recorded_other_policy = 0;  // files whose recorded state differs (the policy changed)
};

struct FormatReport {
  uint64_t packages = 0, files = 0, bytes = 0;
  std::vector<FormatCount> formats;  // most files first
};

Result<FormatReport> BuildFormatReport(storage::Catalog* catalog, const ingest::formats::FormatPolicy& policy);
nlohmann::json ToJson(const FormatReport& report);

}  // namespace bevara::services
