// What each copy holds and lacks, for people (`bevara copies`, the API's
// GET /api/v1/copies and the staff dashboard): one JSON document.
//
//   {"level": bool,                 every copy holds every blob, none damaged
//    "copies": [{"name", "type": "local"|"s3", "where" (never credentials),
//                "acknowledge", "audit_period_days", "audit_max_bytes_per_second",
//                "object_lock_days" (s3), "confirmed": {"blobs", "bytes"} (s3),
//                "lag": {"blobs", "bytes", "sample": [{"blob", "size", "package", "version"}]} (s3),
//                "damaged": [{"blob", "finding", "since"}]}]}
#pragma once

#include <nlohmann/json.hpp>

#include <functional>

#include "src/common/result.h"
#include "storage/archive/archive.h"
#include "storage/copies/copy_set.h"
#include "storage/copies/replicator.h"

namespace bevara::storage {

// How a copy's lag is had: measured (MeasureLag reads the records of the
// versions not yet complete there), or remembered by a caller that knows
// nothing changed since.
using LagSource = std::function<Result<CopyLag>(const OpenCopy& copy)>;

// The status of every copy; the lag of each remote one from `lag` (empty:
// measured now).
Result<nlohmann::json> CopiesStatus(Archive* archive, const CopySet& copies, const LagSource& lag = {});

}  // namespace bevara::storage
