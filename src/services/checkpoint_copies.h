// Audit-log checkpoints kept on the object-store copies as well.
//
// A checkpoint in the data directory proves the log only while whoever
// changed the log left the checkpoints alone. Each checkpoint is also
// written to every S3 copy the configuration names, under
// "audit-checkpoints/<entries>-<time>.json", with the copy's Object Lock
// (compliance mode) when it has one: then no one holding the data
// directory's credentials, bevara's own S3 keys included, can delete or
// replace the proof before its retention ends. `bevara log verify
// --checkpoints-from-copy NAME` checks the log against the copy's.
//
// Thread-safety: functions without shared state.
#pragma once

#include <string>
#include <vector>

#include "src/access/log_checkpoint.h"
#include "src/common/result.h"
#include "storage/copies/copy_policy.h"

namespace bevara::services {

// The key of `c` on a copy; checkpoints list in the order they were made.
std::string CheckpointKey(const access::LogCheckpoint& c);

// Writes `c` to every S3 copy of `policy`; the names of those that have it
// are appended to `stored`. The first copy that refuses ends it, with an
// error naming the copy (the checkpoint stays made where it was).
Status StoreCheckpointOnCopies(const storage::CopyPolicy& policy, const access::LogCheckpoint& c,
                               std::vector<std::string>* stored);

// The checkpoints the copy `copy` holds, oldest first. An object under the
// prefix that is not a checkpoint is Corruption (never skipped).
Result<std::vector<access::LogCheckpoint>> ReadCheckpointsFromCopy(const storage::CopySpec& copy);

}  // namespace bevara::services
