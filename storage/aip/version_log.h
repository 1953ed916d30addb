// VersionLog: the archive's own account of what it holds, append-only: every
// AIP version stored, and every removal (a package disposed of).
//
// One record per entry in a RecordLog (src/common/record_log.h), appended
// and fsynced before the catalog learns of it. With the blobs this log is
// all `bevara rebuild` needs: a version entry names the version record blob
// that describes the version in full; a removal entry says that a package's
// versions up to a number are gone, by whose decision and why, so that no
// rebuild brings them back and gc may free their blobs.
//
// The log is read strictly: damage is Corruption naming the file and the
// offset, and an entry of a kind this bevara does not know (a newer one
// wrote it) is NotSupported: nothing is done from a partial view of the
// archive.
//
// Thread-safety: Append() and ForEach() may be called concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "src/common/env.h"
#include "src/common/record_log.h"
#include "src/common/result.h"

namespace bevara::storage {

enum class VersionLogKind {
  kVersion,  // a version of a package was stored
  kRemoval,  // a package's versions up to `version` were removed
};

struct VersionLogEntry {
  VersionLogKind kind = VersionLogKind::kVersion;
  std::string package_id;
  uint32_t version = 0;  // kVersion: this version; kRemoval: the last version removed
  std::string created;   // RFC 3339, UTC: when the entry was written
  std::string record;    // kVersion: blob name of the version record
  std::string reason;    // kRemoval: the decision it carries out (e.g. a disposal decision's reference)
  std::string by;        // kRemoval: who decided
};

class VersionLog {
 public:
  // Opens the log at `path`, creating it (durably) if absent; a log of JSON
  // lines written by an older bevara becomes a record log.
  static Result<std::unique_ptr<VersionLog>> Open(Env* env, const std::string& path);

  // Appends one entry; durable when OK is returned.
  Status Append(const VersionLogEntry& entry);

  // Calls `fn` for every entry, oldest first (StopIteration from fn: stop, OK).
  Status ForEach(const std::function<Status(const VersionLogEntry&)>& fn);

 private:
  VersionLog(Env* env, std::unique_ptr<RecordLog> log) : env_(env), log_(std::move(log)) {}

  Env* env_;
  std::unique_ptr<RecordLog> log_;
};

}  // namespace bevara::storage
