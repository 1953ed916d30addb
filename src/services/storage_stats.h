// StorageStats: what the archive holds and what room is left, for the
// dashboard and GET /api/v1/storage. Counted by one pass over the catalog's
// versions, at most once a minute (cached), so a busy dashboard does not
// rescan a large catalog.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <cstdint>
#include <string>

#include "src/common/mutex.h"
#include "src/common/result.h"
#include "storage/archive/archive.h"

namespace bevara::services {

struct StorageFigures {
  uint64_t packages = 0, versions = 0, files = 0;
  uint64_t archived_bytes = 0;  // the files of every version as deposited (a file kept in two versions counts twice)
  uint64_t disk_total = 0, disk_available = 0;  // the file system of the data directory
  uint64_t damaged_blobs = 0;                   // in the damage register
  std::string counted;                          // RFC 3339: when
};

class StorageStats {
 public:
  // REQUIRES: archive outlives it.
  explicit StorageStats(storage::Archive* archive) : archive_(archive) {}
  Result<StorageFigures> Get();

 private:
  storage::Archive* archive_;
  Mutex mu_;
  StorageFigures cached_ GUARDED_BY(mu_);
  int64_t cached_at_us_ GUARDED_BY(mu_) = -1;
};

}  // namespace bevara::services
