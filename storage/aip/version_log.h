// VersionLog: the append-only list of every AIP version the store holds.
//
// One JSON object per line, appended and fsynced before the catalog commits
// the version. With the blobs, this file is all `bevara rebuild` needs: each
// line names the version record blob that describes the version in full.
//
// A crash may leave a torn last line. Reading skips it (and reports it), and
// the next append starts on a fresh line, so a torn line never merges with a
// good one.
//
// Thread-safety: Append() and ForEach() may be called concurrently.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "src/common/env.h"
#include "src/common/result.h"

namespace bevara::storage {

struct VersionLogEntry {
  std::string package_id;
  uint32_t version = 0;
  std::string created;  // RFC 3339, UTC
  std::string record;   // blob name of the version record
};

class VersionLog {
 public:
  // Opens the log at `path`, creating it (durably) if absent.
  static Result<std::unique_ptr<VersionLog>> Open(Env* env, const std::string& path);

  // Appends one entry; durable when OK is returned.
  Status Append(const VersionLogEntry& entry);

  // Calls `fn` for every complete entry, oldest first. `skipped` (optional)
  // counts lines that could not be read (torn by a crash).
  Status ForEach(const std::function<Status(const VersionLogEntry&)>& fn, uint64_t* skipped = nullptr);

 private:
  VersionLog(Env* env, std::string path) : env_(env), path_(std::move(path)) {}

  Env* env_;
  std::string path_;
  std::mutex mu_;
  bool needs_newline_ = false;  // the file ends in a torn line; guarded by mu_
};

}  // namespace bevara::storage
