#include "storage/archive/maintenance.h"

#include <algorithm>
#include <array>
#include <set>
#include <vector>

#include "src/common/clock.h"
#include "src/common/file_util.h"
#include "src/common/hex.h"
#include "src/common/random.h"

namespace bevara::storage {
namespace {

constexpr char kCatalogCopyPrefix[] = "catalog.before-rebuild";

// Blob names as 32 bytes: a million of them cost 32 MB, not 100.
using Digest = std::array<uint8_t, 32>;

class ReferenceSet {
 public:
  Status Add(const std::string& name) {
    std::string bytes;
    if (!IsBlobName(name) || !HexDecode(name, &bytes)) return Status::OK();
    Digest d;
    std::copy(bytes.begin(), bytes.end(), d.begin());
    digests_.push_back(d);
    return Status::OK();
  }
  void Seal() {
    std::sort(digests_.begin(), digests_.end());
    digests_.erase(std::unique(digests_.begin(), digests_.end()), digests_.end());
  }
  bool Has(const std::string& name) const {
    std::string bytes;
    if (!HexDecode(name, &bytes) || bytes.size() != 32) return false;
    Digest d;
    std::copy(bytes.begin(), bytes.end(), d.begin());
    return std::binary_search(digests_.begin(), digests_.end(), d);
  }

 private:
  std::vector<Digest> digests_;
};

// The packages the log removed; their ids are never used again.
Result<std::set<std::string>> RemovedPackages(Archive* archive) {
  std::set<std::string> removed;
  BEVARA_RETURN_IF_ERROR(archive->versions()->ForEach([&](const VersionLogEntry& e) {
    if (e.kind == VersionLogKind::kRemoval) removed.insert(e.package_id);
    return Status::OK();
  }));
  return removed;
}

// Every blob a catalog says a version that is not removed references.
Status AddCatalogReferences(Catalog* catalog, const std::set<std::string>& removed, ReferenceSet* refs) {
  BEVARA_RETURN_IF_ERROR(catalog->ForEachVersion([&](const VersionSummary& v) {
    if (removed.count(v.package_id)) return Status::OK();
    refs->Add(v.record);
    refs->Add(v.inventory);
    refs->Add(v.aip_mets);
    return catalog->ForEachFile(v.package_id, v.version, [&](const FileRecord& f) { return refs->Add(f.sha256); });
  }));
  return Status::OK();
}

// The earlier catalog copies `bevara rebuild` kept, by directory name.
Result<std::vector<std::string>> CatalogCopies(Env* env, const std::string& data_dir) {
  auto names = env->ListDir(data_dir);
  if (!names.ok()) return names.status();
  std::vector<std::string> copies;
  for (const std::string& n : *names) {
    if (n.rfind(kCatalogCopyPrefix, 0) == 0) copies.push_back(data_dir + "/" + n);
  }
  std::sort(copies.begin(), copies.end());
  return copies;
}

}  // namespace

Result<GcStats> CollectGarbage(Archive* archive) {
  auto exclusive = archive->ExcludeUpdates();
  // Versions logged but not catalogued were rolled forward when the archive
  // was opened; one that could not be is a reason to stop, not to guess.
  auto replay = archive->ReplayVersionLog();
  if (!replay.ok()) return replay.status();
  if (!replay->unreadable.empty()) {
    return Status::InvalidArgument("the version log names versions whose records cannot be read (" +
                                   replay->unreadable.front() + "); run bevara audit, nothing was removed");
  }
  auto removed = RemovedPackages(archive);
  if (!removed.ok()) return removed.status();
  std::string lost_removal;
  BEVARA_RETURN_IF_ERROR(archive->catalog()->ForEachRemoval([&](const Removal& r) {
    if (removed->count(r.package_id)) return Status::OK();
    lost_removal = r.package_id;
    return Status::StopIteration();
  }));
  if (!lost_removal.empty()) {
    return Status::InvalidArgument("the catalog records the removal of '" + lost_removal +
                                   "' and the version log does not; run bevara audit, nothing was removed");
  }
  GcStats stats;
  ReferenceSet refs;
  BEVARA_RETURN_IF_ERROR(AddCatalogReferences(archive->catalog(), *removed, &refs));
  BEVARA_RETURN_IF_ERROR(archive->versions()->ForEach([&](const VersionLogEntry& e) {
    return e.kind == VersionLogKind::kVersion && !removed->count(e.package_id) ? refs.Add(e.record) : Status::OK();
  }));
  auto copies = CatalogCopies(archive->env(), archive->data_dir());
  if (!copies.ok()) return copies.status();
  for (const std::string& copy : *copies) {
    auto old = Catalog::OpenReadOnly(copy);
    if (!old.ok()) {
      return old.status().WithMessage("the earlier catalog " + copy + " cannot be read (" + old.status().message() +
                                      "); nothing was removed");
    }
    BEVARA_RETURN_IF_ERROR(AddCatalogReferences(old->get(), *removed, &refs));
    ++stats.earlier_catalogs;
  }
  refs.Seal();
  std::vector<std::string> unreferenced;
  BEVARA_RETURN_IF_ERROR(archive->store()->ForEach([&](const std::string& name) {
    if (refs.Has(name)) {
      ++stats.blobs_kept;
    } else {
      unreferenced.push_back(name);
    }
    return Status::OK();
  }));
  for (const std::string& name : unreferenced) {
    auto size = archive->store()->Size(name);
    BEVARA_RETURN_IF_ERROR(archive->store()->Remove(name));
    ++stats.blobs_removed;
    stats.bytes_removed += size.ok() ? *size : 0;
  }
  auto staging = archive->store()->RemoveStaleStaging();
  if (!staging.ok()) return staging.status();
  stats.staging_files_removed = *staging;
  return stats;
}

Result<RebuildOutcome> RebuildCatalog(Env* env, const std::string& data_dir) {
  const std::string fresh = data_dir + "/catalog.rebuild";
  const std::string current = data_dir + "/catalog";
  BEVARA_RETURN_IF_ERROR(RemoveTree(env, fresh));  // a rebuild interrupted earlier
  RebuildOutcome out;
  {
    ArchiveOptions options;
    options.catalog_dir = fresh;
    auto archive = Archive::Open(env, data_dir, options);  // replays the log into the fresh catalog
    if (!archive.ok()) return archive.status();
    out.replay = (*archive)->recovery();
    if (env->Lstat(current).ok()) {
      // Whatever the replaced catalog knows and the fresh one does not was
      // lost from the log: keep the catalog that still knows it.
      auto old = Catalog::OpenReadOnly(current);
      if (!old.ok()) return old.status().WithMessage("the current catalog cannot be read: " + old.status().message());
      auto removed = RemovedPackages(archive->get());
      if (!removed.ok()) return removed.status();
      BEVARA_RETURN_IF_ERROR((*old)->ForEachVersion([&](const VersionSummary& v) -> Status {
        if (removed->count(v.package_id)) return Status::OK();
        auto have = (*archive)->catalog()->GetVersion(v.package_id, v.version);
        if (!have.ok()) return have.status();
        if (!*have || (*have)->record != v.record) out.missing_from_log.push_back(v.package_id + " v" + std::to_string(v.version));
        return Status::OK();
      }));
      // A removal only the old catalog knows: rebuilding would bring the package back.
      BEVARA_RETURN_IF_ERROR((*old)->ForEachRemoval([&](const Removal& r) {
        if (!removed->count(r.package_id)) out.missing_from_log.push_back("the removal of " + r.package_id);
        return Status::OK();
      }));
    }
  }
  if (!out.missing_from_log.empty()) {
    BEVARA_RETURN_IF_ERROR(RemoveTree(env, fresh));
    return out;
  }
  if (env->Lstat(current).ok()) {
    std::string stamp = NowRfc3339(env);
    for (char& c : stamp) c = c == ':' ? '-' : c;  // a folder name that every tool copes with
    out.kept_as = data_dir + "/" + kCatalogCopyPrefix + "." + stamp;
    if (env->Lstat(out.kept_as).ok()) out.kept_as += "-" + RandomHex(4);
    BEVARA_RETURN_IF_ERROR(env->RenameNoReplace(current, out.kept_as));
  }
  BEVARA_RETURN_IF_ERROR(env->RenameNoReplace(fresh, current));
  BEVARA_RETURN_IF_ERROR(env->SyncDir(data_dir));
  return out;
}

}  // namespace bevara::storage
