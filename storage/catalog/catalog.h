// Catalog: the archive's index of packages, versions, files and events, in
// RocksDB. Derived data: everything in it comes from version records in the
// store, and `bevara rebuild` can make it again from them.
//
// Rows (keys are fields joined by '\0'; versions are 8-digit decimals, so
// that keys sort in version order):
//   P id                           -> package summary (JSON)
//   V id ver                       -> version summary (JSON)
//   F id ver path                  -> FileRecord (JSON)
//   D sha256 id ver path           -> ""   which packages hold a file
//   R producer created id ver      -> ""   by producer and date
//   T created id ver               -> ""   by date
//   E id ver n                     -> PremisEvent (JSON)
//   X id ver                       -> ""   a version being committed (its F/D rows may exist)
//   Z id                           -> Removal (JSON): the package was removed; its id is never used again
//
// After CommitVersion() returns OK a version survives a crash; before, no
// reader sees any of it (the rows that make it exist come in one last,
// synced batch). Open() drops the rows of a commit that never finished.
// RemovePackage() is the mirror image: one synced batch writes the Z row and
// deletes the rows a reader starts from (P, V, R, T, E); the file rows go
// after it, and Open() finishes a removal a crash cut short.
//
// Thread-safety: safe for concurrent use (RocksDB is).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "src/common/result.h"
#include "storage/catalog/version_record.h"

namespace rocksdb {
class DB;
class Env;
}

namespace bevara::storage {

struct PackageSummary {
  std::string id;
  uint32_t head = 0;  // latest version
  std::string producer_id, producer_name, label;
  std::string created;  // of version 1
  std::string updated;  // of the head version
};

struct VersionSummary {
  std::string package_id;
  uint32_t version = 0;
  std::string created, message;
  std::string record, inventory, aip_mets;  // blob names
  uint64_t file_count = 0, total_bytes = 0;
};

// A package removed from the archive (disposed of), and why.
struct Removal {
  std::string package_id;
  uint32_t through_version = 0;  // its last version
  std::string at, reason, by;
};

struct PackageFilter {
  std::string producer;          // empty: any
  std::string created_from;      // inclusive RFC 3339 prefix compare; empty: open
  std::string created_to;        // exclusive
};

struct CatalogOptions {
  // The file system RocksDB writes through; null: the default. Tests put
  // one that fails writes here (RocksDB keeps its own, not bevara's Env).
  rocksdb::Env* rocksdb_env = nullptr;
};

class Catalog {
 public:
  static Result<std::unique_ptr<Catalog>> Open(const std::string& path, const CatalogOptions& options = {});
  // An earlier copy of the catalog, only to read (gc and rebuild consult
  // the copies `bevara rebuild` kept). No recovery is done.
  static Result<std::unique_ptr<Catalog>> OpenReadOnly(const std::string& path);
  ~Catalog();

  // After a write failed, RocksDB refuses every write until it recovers:
  // tries to (OK when it needed none).
  Status Resume();

  // Reads every block of every table file and checks its checksum (RocksDB's
  // VerifyChecksum): Corruption naming the file when one is damaged. A read
  // that does not touch the damaged block would not notice it.
  Status VerifyChecksums();

  // Commits one version. `record_blob` names the version record in the store.
  // REQUIRES: every blob the record names is durable in the store.
  Status CommitVersion(const VersionRecord& record, const std::string& record_blob);

  // Removes every row of a package and records the removal (Z). OK when the
  // package is already removed. REQUIRES: the removal is in the version log.
  Status RemovePackage(const Removal& removal);
  // nullopt when the package was never removed.
  Result<std::optional<Removal>> GetRemoval(const std::string& id);

  // nullopt when the package is unknown.
  Result<std::optional<PackageSummary>> GetPackage(const std::string& id);
  Result<std::optional<VersionSummary>> GetVersion(const std::string& id, uint32_t version);

  // One file of a version, by its logical path; nullopt when absent.
  // REQUIRES: version <= the package's head (a commit in progress has rows).
  Result<std::optional<FileRecord>> GetFile(const std::string& id, uint32_t version, const std::string& path);
  // Iterations stop at, and return, the first non-OK status of `fn`
  // (StopIteration: stop, and return OK).
  Status ForEachFile(const std::string& id, uint32_t version, const std::function<Status(const FileRecord&)>& fn);
  Status ForEachEvent(const std::string& id, uint32_t version, const std::function<Status(const PremisEvent&)>& fn);
  Status ForEachVersion(const std::function<Status(const VersionSummary&)>& fn);
  Status ForEachRemoval(const std::function<Status(const Removal&)>& fn);
  Status ListPackages(const PackageFilter& filter, const std::function<Status(const PackageSummary&)>& fn);
  // Which package versions hold a file with this SHA-256, and under what path.
  Status ForEachHolder(const std::string& sha256,
                       const std::function<Status(const std::string& id, uint32_t version, const std::string& path)>& fn);
  // Every content digest referenced by some version, each once, in order.
  Status ForEachContentDigest(const std::function<Status(const std::string& sha256)>& fn);

 private:
  explicit Catalog(rocksdb::DB* db);
  Status Scan(const std::string& prefix, const std::function<Status(std::string_view key, std::string_view value)>& fn);
  // Removes the file rows of an unfinished commit of (id, ver), if any.
  Status DropPending(const std::string& id, const std::string& ver);
  // DropPending for every unfinished commit, and the file rows a removal
  // left; returns how many commits were dropped.
  Result<uint64_t> RecoverPending();
  // Deletes the F and D rows of package `id` (all versions), in batches.
  Status DeleteFileRows(const std::string& id);

  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace bevara::storage
