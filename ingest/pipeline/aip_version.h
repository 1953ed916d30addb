// Staging the blobs bevara adds to an AIP version (AIP METS, OCFL
// inventory, version record), shared by ingest and re-identification.
//
// Thread-safety: functions over one batch, which belongs to one thread.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "src/common/result.h"
#include "storage/blobs/blob_store.h"
#include "storage/catalog/version_record.h"

namespace bevara::ingest {

inline constexpr char kAipMetsPath[] = "METS.xml";

using PieceSink = std::function<Status(std::string_view)>;

// Stages one blob whose bytes `write` produces in pieces; returns its name
// and, optionally, its size.
Result<std::string> StageBlob(storage::BlobBatch* batch, const std::function<Status(const PieceSink&)>& write,
                              uint64_t* size = nullptr);

// Stages the AIP METS, then the inventory (whose state names the AIP METS),
// then the record (which names both). Completes `r` (AIP METS as METS.xml
// first in its files, totals, blob names) and returns the record's blob
// name. REQUIRES: r->files sorted by path, without METS.xml; r->total_bytes
// and r->file_count zero.
Result<std::string> StageAipVersion(storage::BlobBatch* batch, std::string previous_inventory,
                                    storage::VersionRecord* r);

}  // namespace bevara::ingest
