// CopyLedger: what bevara knows of one copy of the archive's blobs — which
// are confirmed there, when, and what was found and done — kept across
// restarts, one ledger per copy.
//
// On disk, <data>/store/copies/<name>.log: a RecordLog (framed, checksummed;
// damage is an error, never skipped) of JSON events, each a PREMIS 3 event
// about one blob in this copy:
//   {"id", "type", "at", "blob", "size", "outcome", "detail", "agent"}
// with type "replication" (outcome "confirmed": the copy holds the blob and
// its bytes were checked on the way in), "fixity check" ("whole", "missing",
// "corrupt", "unreadable"), "repair" ("repaired" naming the good copy in
// detail, or "failed"), and, per version, {"type": "version copied",
// "package", "version"} once every blob of that version is confirmed, so a
// catch-up need not read that version's record again.
//
// The last fixity or repair event of a blob says whether it is damaged in
// this copy. A blob is confirmed from its replication event until a fixity
// check finds it missing or corrupt, and again after a repair.
//
// Thread-safety: safe for concurrent use.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "src/common/env.h"
#include "src/common/mutex.h"
#include "src/common/record_log.h"
#include "src/common/result.h"

namespace bevara::storage {

struct CopyEvent {
  std::string id;       // unique: "<copy>-<random>"
  std::string type;     // "replication", "fixity check", "repair", "version copied", "deletion"
  std::string at;       // RFC 3339, UTC
  std::string blob;
  uint64_t size = 0;
  std::string outcome;  // see above
  std::string detail;
  std::string agent;    // "bevara <version> replicator" ...
  std::string package;  // "version copied" only
  uint32_t version = 0;
};

struct CopyBlobState {
  bool confirmed = false;
  uint64_t size = 0;
  std::string confirmed_at;
  std::string damage;  // "" when none known; else the last finding's outcome
};

class CopyLedger {
 public:
  // Opens (creating) <dir>/<copy>.log and reads it whole.
  static Result<std::unique_ptr<CopyLedger>> Open(Env* env, const std::string& dir, const std::string& copy);

  const std::string& copy() const { return copy_; }

  // Appends events; durable when `sync` (a batch of confirmations is
  // synced once, at its end, with Sync()).
  // A good event (confirmed, whole, repaired) holds only once written; a
  // finding of damage holds even when writing it failed.
  Status Record(CopyEvent event, bool sync = true);
  // Appends `events`, syncs once, and only then makes them hold: what a
  // deposit's acknowledgement relies on is durable before anyone sees it.
  Status RecordDurably(const std::vector<CopyEvent>& events);
  Status Sync();

  bool Confirmed(const std::string& blob) const;
  std::optional<CopyBlobState> Find(const std::string& blob) const;
  bool VersionCopied(const std::string& package, uint32_t version) const;
  // Blobs confirmed, and their bytes.
  uint64_t confirmed_blobs() const;
  uint64_t confirmed_bytes() const;
  // Blobs whose last finding here is damage (and no repair since).
  std::vector<std::pair<std::string, CopyBlobState>> Damaged() const;
  // Every event about `blob`, oldest first (read from the log).
  Result<std::vector<CopyEvent>> EventsOf(const std::string& blob);

  // A new event with id, time and agent filled in.
  CopyEvent NewEvent(const std::string& type, const std::string& blob, uint64_t size, const std::string& outcome,
                     const std::string& detail) const;

 private:
  CopyLedger(Env* env, std::string copy, std::string path) : env_(env), copy_(std::move(copy)), path_(std::move(path)) {}
  Status Apply(std::string_view payload);

  Env* const env_;
  const std::string copy_;
  const std::string path_;
  std::unique_ptr<RecordLog> log_;
  mutable Mutex mu_;
  std::map<std::string, CopyBlobState> blobs_ GUARDED_BY(mu_);
  std::set<std::string> versions_ GUARDED_BY(mu_);  // "package\nversion"
  uint64_t confirmed_blobs_ GUARDED_BY(mu_) = 0;
  uint64_t confirmed_bytes_ GUARDED_BY(mu_) = 0;
};

std::string ToJson(const CopyEvent& e);

}  // namespace bevara::storage
