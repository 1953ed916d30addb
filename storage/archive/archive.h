// Archive: one data directory opened for use — the blob store, the version
// log and the catalog — and the rules that tie them together.
//
// Data directory layout:
//   store/     the blob store (blobs, staging, LOCK), versions.log and
//              damage.log (blobs found damaged, DamageRegister)
//   catalog/   RocksDB; catalog.before-rebuild.<time>/ copies kept by rebuild
//
// The order of durability, which every writer follows.
// A new version (PackageUpdate::Commit):
//   1. its blobs published (durable) in the store;
//   2. the version appended (fsynced) to store/versions.log;
//   3. the catalog committed (one synced RocksDB batch);
//   4. only then is anyone told that the version exists.
// A removal (RemovePackage):
//   1. the removal appended (fsynced) to store/versions.log;
//   2. the package's catalog rows deleted, its removal recorded (synced);
//   3. only then does anyone hear it is gone; its blobs stay until gc finds
//      that no version left in the log, the catalog or an earlier catalog
//      copy references them.
// A crash between the log and the catalog leaves the log ahead: Open()
// finds what the catalog lacks and commits it, or removes what the log
// removed (roll forward), so the log and the catalog agree after Open().
// A catalog step that fails without a crash leaves the log ahead the same
// way: the next update rolls forward first (under ExcludeUpdates), or is
// refused, so that no version number is logged twice.
//
// Thread-safety: safe for concurrent use. An update of a package holds that
// package's lock and keeps gc away, from reading its head to committing;
// updates of different packages run side by side.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <vector>

#include "src/common/env.h"
#include "src/common/mutex.h"
#include "src/common/result.h"
#include "storage/aip/version_log.h"
#include "storage/blobs/blob_store.h"
#include "storage/archive/damage_register.h"
#include "storage/catalog/catalog.h"

namespace bevara::storage {

struct ReplayStats {
  uint64_t entries = 0;    // entries in the log
  uint64_t committed = 0;  // versions the catalog lacked, now added
  uint64_t removed = 0;    // removals the catalog lacked, now carried out
  // Versions the log names that could not be brought into the catalog,
  // with the reason: their record cannot be read, or the log names two
  // different records for one version (audit reports them; gc refuses).
  std::vector<std::string> unreadable;
};

struct ArchiveOptions {
  // Only `bevara init` and `bevara serve --init` create an archive: opening
  // a directory that holds none (a typo, an unmounted disk) is an error.
  bool create_if_missing = false;
  // Opens to read only (audit, verify, export): the catalog read-only, nothing
  // rolled forward (a version the log has and the catalog lacks is reported
  // in recovery().unreadable instead). Works on a full disk. Updates are
  // refused.
  bool read_only = false;
  BlobStoreOptions store;
  // Where the catalog lives; empty: <data_dir>/catalog. (`bevara rebuild`
  // builds a new one beside the old.)
  std::string catalog_dir;
  CatalogOptions catalog;
};

class Archive;

// One package being changed: holds its lock (and keeps gc from removing a
// blob a batch counted on) until destroyed.
class PackageUpdate {
 public:
  ~PackageUpdate();
  // The package as it stood when the update began; nullopt when new.
  const std::optional<PackageSummary>& head() const { return head_; }
  // Set when the id belonged to a package that was removed: it is never used again.
  const std::optional<Removal>& removal() const { return removal_; }
  // Steps 2 and 3 of a new version. REQUIRES: the record's blobs and
  // `record_blob` are durable in the store; record.version is head + 1.
  Status Commit(const VersionRecord& record, const std::string& record_blob);

 private:
  friend class Archive;
  PackageUpdate(Archive* archive, std::string id) : archive_(archive), id_(std::move(id)) {}
  Archive* archive_;
  std::string id_;
  std::shared_lock<std::shared_mutex> no_gc_;
  std::optional<PackageSummary> head_;
  std::optional<Removal> removal_;
};

class Archive {
 public:
  // OK when `data_dir` holds an archive (its store/); NotFound naming the
  // directory, and saying how to create one, otherwise.
  static Status Exists(Env* env, const std::string& data_dir);
  // Opens the archive in `data_dir` (creating it only with
  // options.create_if_missing; NotFound otherwise, as Exists), and rolls
  // forward what the version log has and the catalog lacks.
  // REQUIRES: env outlives it.
  static Result<std::unique_ptr<Archive>> Open(Env* env, const std::string& data_dir, ArchiveOptions options = {});
  ~Archive();

  Env* env() const { return env_; }
  const std::string& data_dir() const { return data_dir_; }
  BlobStore* store() const { return store_.get(); }
  Catalog* catalog() const { return catalog_.get(); }
  // What audits and transfers found damaged (store/damage.log).
  DamageRegister* damage() const { return damage_.get(); }
  VersionLog* versions() const { return versions_.get(); }
  // What Open() found in the version log that the catalog lacked.
  const ReplayStats& recovery() const { return recovery_; }

  // Changes whenever a package's head may have changed in the catalog (a
  // commit, a removal, a roll forward), after the catalog write: a cache of
  // heads read while it stayed the same is still true.
  uint64_t head_generation() const { return head_generation_.load(std::memory_order_acquire); }

  // Begins changing package `id`: waits for another update of it to end.
  Result<std::unique_ptr<PackageUpdate>> BeginUpdate(const std::string& id);

  // Removes a package, every version (see the order above). NotFound for
  // an unknown package. `reason` names the decision (a disposal decision's
  // reference); `by`, who made it.
  Status RemovePackage(const std::string& id, const std::string& reason, const std::string& by);

  // A whole blob in memory, for the small JSON and XML blobs bevara writes
  // itself. Corruption if it is larger than `max_bytes` or its content does
  // not match its name.
  Result<std::string> ReadBlob(const std::string& name, uint64_t max_bytes = 256ull << 20);
  // The version record blob named `name`, parsed.
  Result<VersionRecord> ReadVersionRecord(const std::string& name);

  // Brings the catalog level with the version log: commits the versions it
  // lacks and carries out the removals. On an empty catalog this rebuilds
  // it (`bevara rebuild`). A version whose record cannot be read is counted
  // and named, not fatal: audit reports it, gc and rebuild refuse.
  // Cost: one catalog lookup per logged entry, at every Open().
  Result<ReplayStats> ReplayVersionLog();

  // Holds off every update while gc decides what is unreferenced.
  std::unique_lock<std::shared_mutex> ExcludeUpdates() { return std::unique_lock<std::shared_mutex>(gc_lock_); }

 private:
  friend class PackageUpdate;
  Archive(Env* env, std::string data_dir, bool read_only)
      : env_(env), data_dir_(std::move(data_dir)), read_only_(read_only) {}
  void EndUpdate(const std::string& id);
  // After a log step that succeeded and a catalog step that did not.
  void MarkCatalogBehind();
  // Rolls the catalog forward if a catalog step failed since the last time.
  Status CatchUpCatalog();

  Env* env_;
  std::string data_dir_;
  const bool read_only_;
  std::unique_ptr<BlobStore> store_;
  std::unique_ptr<VersionLog> versions_;
  std::unique_ptr<Catalog> catalog_;
  std::unique_ptr<DamageRegister> damage_;
  // Not a data guard but a protocol, held across a PackageUpdate's life:
  // shared by updates, exclusive for gc.
  std::shared_mutex gc_lock_;
  Mutex busy_mu_;
  CondVar busy_cv_;
  std::set<std::string> busy_ GUARDED_BY(busy_mu_);  // packages being updated
  bool catalog_behind_ GUARDED_BY(busy_mu_) = false;
  std::atomic<uint64_t> head_generation_{0};
  void HeadsChanged() { head_generation_.fetch_add(1, std::memory_order_acq_rel); }
  ReplayStats recovery_;
};

}  // namespace bevara::storage
