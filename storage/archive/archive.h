// Archive: one data directory opened for use — the blob store, the version
// log and the catalog — and the rules that tie them together.
//
// Data directory layout:
//   store/     LocalBlobStore (blobs, staging, LOCK) and versions.log
//   catalog/   RocksDB
//
// The order of durability, which every writer follows:
//   1. blobs published (durable) in the store;
//   2. the version appended (fsynced) to store/versions.log;
//   3. the catalog committed (one synced RocksDB batch);
//   4. only then is anyone told that the version exists.
// A crash between 2 and 3 leaves a version that is complete in the store but
// unknown to the catalog: Open() finds it in the log and commits it (roll
// forward), so the log and the catalog always agree after Open().
//
// Thread-safety: safe for concurrent use. Ingests hold gc_lock() shared from
// Publish() to their commit; gc holds it exclusively, so it never removes a
// blob that a commit is about to reference.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "src/common/env.h"
#include "src/common/result.h"
#include "storage/aip/version_log.h"
#include "storage/blobs/local_blob_store.h"
#include "storage/catalog/catalog.h"

namespace bevara::storage {

struct ReplayStats {
  uint64_t entries = 0;       // versions in the log
  uint64_t committed = 0;     // of which were missing in the catalog and were added
  uint64_t torn_lines = 0;    // unreadable lines (a crash during an append)
  std::vector<std::string> unreadable;  // versions whose record could not be read, with the reason
};

struct ArchiveOptions {
  LocalBlobStoreOptions store;
  // Where the catalog lives; empty: <data_dir>/catalog. (`bevara rebuild`
  // builds a new one beside the old.)
  std::string catalog_dir;
};

class Archive {
 public:
  // Opens (creating if needed) the archive in `data_dir`, and rolls forward
  // any version the log has and the catalog lacks. REQUIRES: env outlives it.
  static Result<std::unique_ptr<Archive>> Open(Env* env, const std::string& data_dir, ArchiveOptions options = {});
  ~Archive();

  Env* env() const { return env_; }
  LocalBlobStore* store() const { return store_.get(); }
  Catalog* catalog() const { return catalog_.get(); }
  VersionLog* versions() const { return versions_.get(); }
  std::shared_mutex& gc_lock() { return gc_lock_; }
  // Held from choosing a version number to committing it. Ingests of
  // different packages therefore publish one after another; fine for the
  // CLI, and a per-package lock is the refinement when the server needs it.
  std::mutex& commit_lock() { return commit_lock_; }
  // What Open() found in the version log that the catalog lacked.
  const ReplayStats& recovery() const { return recovery_; }

  // Steps 2 and 3 above. REQUIRES: the record's blobs and `record_blob` are
  // durable in the store.
  Status CommitVersion(const VersionRecord& record, const std::string& record_blob);

  // A whole blob in memory, for the small JSON and XML blobs bevara writes
  // itself. Corruption if it is larger than `max_bytes` or its content does
  // not match its name.
  Result<std::string> ReadBlob(const std::string& name, uint64_t max_bytes = 256ull << 20);
  // The version record blob named `name`, parsed.
  Result<VersionRecord> ReadVersionRecord(const std::string& name);

  // Commits to the catalog every version of the log that it lacks. On an
  // empty catalog this rebuilds it (`bevara rebuild`). A version whose record
  // cannot be read is counted and named, not fatal: audit reports it.
  // Cost: one catalog lookup per logged version, at every Open().
  Result<ReplayStats> ReplayVersionLog();

 private:
  explicit Archive(Env* env) : env_(env) {}

  Env* env_;
  std::unique_ptr<LocalBlobStore> store_;
  std::unique_ptr<VersionLog> versions_;
  std::unique_ptr<Catalog> catalog_;
  std::shared_mutex gc_lock_;
  std::mutex commit_lock_;
  ReplayStats recovery_;
};

}  // namespace bevara::storage
