// Fixity audits: re-hash what the catalog says the archive holds and report
// every blob that is missing or no longer has the digest it is named by,
// with the packages, versions and paths that lose a file because of it.
//
// `bevara audit` checks every blob the catalog references (package files,
// AIP METS, inventories, version records); `bevara verify ID` checks one
// package: every version, and that its version records agree with the
// catalog.
//
// Thread-safety: runs on the caller's thread; safe beside ingests (blobs are
// immutable), not beside gc.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "src/common/result.h"
#include "storage/archive/archive.h"

namespace bevara::storage {

struct AuditProgress {
  uint64_t blobs_done = 0, blobs_total = 0;
  uint64_t bytes_done = 0;
  double seconds = 0;
};

struct AuditOptions {
  // Read at most this many bytes per second (0: as fast as the disk allows),
  // so that an audit of a live archive does not starve its users.
  uint64_t max_bytes_per_second = 0;
  // Called now and then (about every 100 ms) while the audit runs.
  std::function<void(const AuditProgress&)> progress;
  // When set and it becomes true, the audit stops early (the server's
  // shutdown); its report is then incomplete and must be discarded.
  const std::atomic<bool>* cancel = nullptr;
};

struct AffectedFile {
  std::string package_id;
  uint32_t version = 0;
  std::string path;  // logical path, or "(version record)" / "(inventory)"
};

struct AuditProblem {
  std::string kind;  // "missing", "corrupt", "unreadable", "inconsistent"
  std::string blob;
  std::string detail;
  std::vector<AffectedFile> affected;
};

struct AuditReport {
  uint64_t blobs_checked = 0, bytes_checked = 0;
  double seconds = 0;
  std::vector<AuditProblem> problems;
  bool clean() const { return problems.empty(); }
  std::string ToJson() const;
  std::string ToText() const;
};

// Re-hashes one stored blob, from the disk rather than the page cache,
// handing each piece's size to `account` (its error stops the reading).
// Returns "" when whole, else the finding's kind ("missing", "unreadable",
// "corrupt") with *detail saying what was found, and *failure (when given)
// the read's error. Audits of the archive and of each copy use it.
std::string CheckStoredBlob(BlobStore* store, const std::string& name, const std::function<Status(size_t n)>& account,
                            std::string* detail, Status* failure = nullptr);

// Re-hashes every blob the catalog references.
Result<AuditReport> AuditArchive(Archive* archive, const AuditOptions& options = {});

// Re-hashes every blob of every version of one package and checks its
// version records against the catalog. NotFound for an unknown package.
Result<AuditReport> VerifyPackage(Archive* archive, const std::string& package_id, const AuditOptions& options = {});

}  // namespace bevara::storage
