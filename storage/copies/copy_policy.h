// CopyPolicy: the copies of the archive's blobs that the configuration names,
// read from the server's configuration file (the same file the CLI's
// --config takes), one section per copy:
//
//   [copy.local]                  the data directory's own store; always there
//   audit_period_days = 90        every blob re-hashed once per period
//   audit_max_bytes_per_second = 50MiB
//   acknowledge = local           or all: an ingest waits for every copy
//   acknowledge_wait = 10min      how long a deposit waits for them before it
//                                 fails as not yet confirmed (it stays archived here)
//
//   [copy.offsite]
//   type = s3
//   endpoint = https://s3.example.se
//   bucket = bevara-kommun
//   region = us-east-1
//   addressing = path             or virtual
//   access_key_id_env = BEVARA_OFFSITE_KEY        (or access_key_id = ...)
//   secret_access_key_env = BEVARA_OFFSITE_SECRET (or secret_access_key = ...)
//   acknowledge = all             this copy confirms before an ingest is acknowledged
//   audit_period_days = 90
//   audit_max_bytes_per_second = 10MiB
//   object_lock_days = 3650       written in compliance mode, locked this long
//
// JSON: {"copies": {"offsite": {"type": "s3", ...}}} says the same. Without
// any section the archive has the local copy alone, audited every 90 days.
// Strict as the rest of the configuration: an unknown key, a missing one, a
// credential given both ways or an environment variable that is not set is
// an error naming the copy and the key. Secrets are never in a message.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "src/common/result.h"
#include "storage/blobs/s3_client.h"

namespace bevara::storage {

struct CopySpec {
  std::string name;
  bool local = false;         // the data directory's store
  S3Settings s3;              // remote copies
  bool acknowledge = false;   // an ingest waits for this copy (for local: for every copy)
  int audit_period_days = 90;
  uint64_t audit_max_bytes_per_second = 0;  // 0: no limit
};

struct CopyPolicy {
  std::vector<CopySpec> copies;  // "local" first, then the others by name
  const CopySpec* Find(const std::string& name) const;
  const CopySpec& local() const { return copies.front(); }
  bool has_remote() const { return copies.size() > 1; }
  // Copies an ingest waits for before it is acknowledged (never "local").
  std::vector<std::string> AcknowledgedBy() const;
  // How long an ingest waits for them ([copy.local] acknowledge_wait).
  double acknowledge_wait_seconds = 600;
};

// Settings of the copy sections: "NAME.key" -> value as written (sizes
// take units, as elsewhere in the configuration). `where` names each
// setting's place in the file for messages ("line 12"), may be empty.
struct CopySetting {
  std::string value, where;
};
Result<CopyPolicy> ParseCopyPolicy(const std::map<std::string, CopySetting>& settings,
                                   const std::function<const char*(const char*)>& getenv);

// The policy of an archive with no copy sections.
CopyPolicy LocalOnlyPolicy();

}  // namespace bevara::storage
