// Fixity of each copy, and repair from a good one.
//
// AuditCopy re-hashes the bytes a copy holds — downloaded whole from an
// object store, never its ETag — for every blob the copy should have: in the
// local copy every blob of a held version; in a remote copy those its ledger
// has confirmed (what was never copied is lag, not damage). Each finding is
// a PREMIS fixity event in the copy's ledger; in the local copy it also goes
// to the damage register, so that the server refuses the blob.
//
// With `repair`, a blob found missing or corrupt is restored from another
// copy whose bytes hash to its name (the local copy first), then read back
// and hashed again; the repair is a PREMIS event (naming the good copy), and
// the damage register learns the blob is whole. A blob no copy holds good
// bytes of is reported, with the packages and paths it affects, and left as
// it is: never "repaired" with wrong bytes.
//
// Thread-safety: runs on the caller's thread; one audit per copy at a time.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "src/common/result.h"
#include "storage/archive/archive.h"
#include "storage/archive/audit.h"
#include "storage/copies/archive_blobs.h"
#include "storage/copies/copy_ledger.h"

namespace bevara::storage {

// The copies opened: each by name, with its store and ledger. "local" is the
// archive's own store.
struct OpenCopy {
  std::string name;
  BlobStore* store = nullptr;
  CopyLedger* ledger = nullptr;
  bool local = false;
};

struct CopyAuditOptions {
  uint64_t max_bytes_per_second = 0;  // 0: no limit
  bool repair = false;
  const std::atomic<bool>* cancel = nullptr;
  // Only blobs this accepts (a schedule's share of the period); empty: all.
  std::function<bool(const std::string& blob)> only;
  // Called after each blob with the running totals.
  std::function<void(uint64_t blobs_done, uint64_t bytes_done)> progress;
};

struct CopyFinding {
  std::string blob;
  uint64_t size = 0;
  std::string kind;    // "missing", "corrupt", "unreadable"
  std::string detail;
  std::string repaired_from;  // the good copy, when repaired
  std::string not_repaired;   // why not, when repair was asked for and failed
  std::vector<AffectedFile> affected;
};

struct CopyAuditReport {
  std::string copy;
  uint64_t blobs_checked = 0, bytes_checked = 0;
  double seconds = 0;
  bool complete = true;  // false: stopped early
  std::vector<CopyFinding> findings;
  uint64_t repaired() const;
  uint64_t unrepaired() const;
  std::string ToJson() const;
  std::string ToText() const;
};

// Audits copy `target` (one of `copies`), repairing from the others when
// asked. A remote copy that stops answering ends the audit with Unavailable
// (what it could not reach is not recorded as damaged).
Result<CopyAuditReport> AuditCopy(Archive* archive, const std::vector<OpenCopy>& copies, const std::string& target,
                                  const CopyAuditOptions& options = {});

// The same over the given blobs (a schedule's share), in their order.
Result<CopyAuditReport> AuditBlobs(Archive* archive, const std::vector<OpenCopy>& copies, const std::string& target,
                                   const std::vector<HeldBlob>& blobs, const CopyAuditOptions& options = {});

// Every blob of a held version, once, ordered by name.
Result<std::vector<HeldBlob>> HeldBlobs(Archive* archive);

// Restores `blob` in copy `target` from the first other copy whose bytes hash
// right, reads it back, and records the repair. NotFound naming each copy's
// state when none could give good bytes.
Result<std::string> RepairBlob(Archive* archive, const std::vector<OpenCopy>& copies, const OpenCopy& target,
                               const std::string& blob, uint64_t size);

}  // namespace bevara::storage
