#include "storage/archive/archive.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>
#include <nlohmann/json.hpp>

#include "src/common/clock.h"

namespace bevara::storage {

Archive::~Archive() = default;

Status Archive::Exists(Env* env, const std::string& data_dir) {
  auto store = env->Lstat(data_dir + "/store");
  if (store.ok() && store->type == FileType::kDirectory) return Status::OK();
  auto dir = env->Lstat(data_dir);
  const std::string what = !dir.ok() ? "does not exist"
                           : dir->type != FileType::kDirectory ? "is not a directory"
                                                                : "holds no bevara archive (no store/)";
  return Status::NotFound(data_dir + " " + what + "; to create a new archive there, run `bevara init --data " +
                          data_dir + "` (or `bevara serve --init`)");
}

Result<std::unique_ptr<Archive>> Archive::Open(Env* env, const std::string& data_dir, ArchiveOptions options) {
  if (!options.create_if_missing) BEVARA_RETURN_IF_ERROR(Exists(env, data_dir));
  std::unique_ptr<Archive> a(new Archive(env, data_dir, options.read_only));
  BEVARA_RETURN_IF_ERROR(env->CreateDir(data_dir, kDefaultDirMode));
  auto store = OpenBlobStore(env, data_dir + "/store", options.store);
  if (!store.ok()) return store.status();
  a->store_ = std::move(*store);
  auto log = VersionLog::Open(env, data_dir + "/store/versions.log");
  if (!log.ok()) return log.status();
  a->versions_ = std::move(*log);
  auto damage = DamageRegister::Open(env, data_dir + "/store/damage.log");
  if (!damage.ok()) return damage.status();
  a->damage_ = std::move(*damage);
  const std::string catalog_dir = options.catalog_dir.empty() ? data_dir + "/catalog" : options.catalog_dir;
  auto catalog = options.read_only ? Catalog::OpenReadOnly(catalog_dir) : Catalog::Open(catalog_dir, options.catalog);
  if (!catalog.ok()) return catalog.status();
  a->catalog_ = std::move(*catalog);
  auto recovered = a->ReplayVersionLog();
  if (!recovered.ok()) return recovered.status();
  a->recovery_ = std::move(*recovered);
  return a;
}

void Archive::MarkCatalogBehind() {
  MutexLock lock(&busy_mu_);
  catalog_behind_ = true;
}

Status Archive::CatchUpCatalog() {
  {
    MutexLock lock(&busy_mu_);
    if (!catalog_behind_) return Status::OK();
  }
  auto exclusive = ExcludeUpdates();
  {
    MutexLock lock(&busy_mu_);
    if (!catalog_behind_) return Status::OK();  // another update did it meanwhile
  }
  Status resumed = catalog_->Resume();
  auto replay = resumed.ok() ? ReplayVersionLog() : Result<ReplayStats>(resumed);
  if (!replay.ok()) {
    return Status::Unavailable("the catalog is behind the version log after an earlier failure and cannot be "
                               "brought level now (" + replay.status().message() + "); nothing was changed");
  }
  // A logged version whose record cannot be read now (and could when the
  // archive was opened) was not rolled forward: its package's head would be
  // stale and the next version number logged twice.
  for (const std::string& u : replay->unreadable) {
    if (std::find(recovery_.unreadable.begin(), recovery_.unreadable.end(), u) != recovery_.unreadable.end()) continue;
    return Status::Unavailable("the catalog is behind the version log and " + u +
                               " cannot be rolled forward; run bevara audit, nothing was changed");
  }
  env_->Log(LogLevel::kWarning, "the catalog was behind the version log after a failed step: " +
                                    std::to_string(replay->committed) + " versions and " +
                                    std::to_string(replay->removed) + " removals rolled forward");
  MutexLock lock(&busy_mu_);
  catalog_behind_ = false;
  return Status::OK();
}

Result<std::unique_ptr<PackageUpdate>> Archive::BeginUpdate(const std::string& id) {
  if (read_only_) return Status::InvalidArgument("the archive was opened to read only");
  std::unique_ptr<PackageUpdate> update;
  for (;;) {
    // Before the package's lock: rolling forward waits for every update to end.
    BEVARA_RETURN_IF_ERROR(CatchUpCatalog());
    update.reset(new PackageUpdate(this, id));
    {
      MutexLock lock(&busy_mu_);
      while (busy_.count(id)) busy_cv_.Wait(&busy_mu_);
      busy_.insert(id);
    }
    // From here on the destructor gives the package back.
    update->no_gc_ = std::shared_lock<std::shared_mutex>(gc_lock_);
    // The update this one waited for may have logged a version the catalog
    // then failed to take: its head would be stale here, so roll forward first.
    bool behind;
    {
      MutexLock lock(&busy_mu_);
      behind = catalog_behind_;
    }
    if (!behind) break;
    update.reset();
  }
  auto head = catalog_->GetPackage(id);
  if (!head.ok()) return head.status();
  update->head_ = std::move(*head);
  auto removal = catalog_->GetRemoval(id);
  if (!removal.ok()) return removal.status();
  update->removal_ = std::move(*removal);
  return update;
}

void Archive::EndUpdate(const std::string& id) {
  {
    MutexLock lock(&busy_mu_);
    busy_.erase(id);
  }
  busy_cv_.SignalAll();
}

PackageUpdate::~PackageUpdate() {
  no_gc_ = {};
  archive_->EndUpdate(id_);
}

Status PackageUpdate::Commit(const VersionRecord& record, const std::string& record_blob) {
  if (record.package_id != id_) return Status::InvalidArgument("a commit of '" + record.package_id + "' in an update of '" + id_ + "'");
  if (removal_) return Status::InvalidArgument("package '" + id_ + "' was removed; its id is not used again");
  BEVARA_RETURN_IF_ERROR(archive_->versions_->Append(
      {VersionLogKind::kVersion, record.package_id, record.version, record.created, record_blob, "", ""}));
  Status s = archive_->catalog_->CommitVersion(record, record_blob);
  archive_->HeadsChanged();
  if (s.ok()) return s;
  // The version is in the log, so it is kept: the next update rolls the
  // catalog forward first. The caller hears that it is not visible yet.
  archive_->MarkCatalogBehind();
  return Status::Unavailable("version " + std::to_string(record.version) + " of '" + id_ +
                             "' is in the version log but the catalog could not record it (" + s.message() +
                             "); it appears once the catalog can be written again");
}

Status Archive::RemovePackage(const std::string& id, const std::string& reason, const std::string& by) {
  if (reason.empty() || by.empty()) return Status::InvalidArgument("a removal needs the decision it carries out and who made it");
  auto update = BeginUpdate(id);
  if (!update.ok()) return update.status();
  if (!(*update)->head()) {
    return (*update)->removal() ? Status::OK() : Status::NotFound("no package '" + id + "' in the archive");
  }
  const Removal removal{id, (*update)->head()->head, NowRfc3339(env_), reason, by};
  BEVARA_RETURN_IF_ERROR(versions_->Append({VersionLogKind::kRemoval, id, removal.through_version, removal.at, "",
                                            removal.reason, removal.by}));
  Status s = catalog_->RemovePackage(removal);
  HeadsChanged();
  if (!s.ok()) MarkCatalogBehind();
  return s;
}

Result<std::string> Archive::ReadBlob(const std::string& name, uint64_t max_bytes) {
  auto file = store_->Open(name);
  if (!file.ok()) return file.status();
  std::string data;
  auto digest = ReadHashing(file->get(), [&](const char* piece, size_t n) {
    if (data.size() + n > max_bytes) return Status::Corruption("blob " + name + " is larger than expected");
    data.append(piece, n);
    return Status::OK();
  });
  if (!digest.ok()) return digest.status();
  if (*digest != name) return Status::Corruption("blob " + name + " does not match its digest");
  return data;
}

Result<VersionRecord> Archive::ReadVersionRecord(const std::string& name) {
  auto text = ReadBlob(name);
  if (!text.ok()) return text.status();
  nlohmann::json j = nlohmann::json::parse(*text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::Corruption("version record " + name + " is not JSON");
  return VersionRecordFromJson(j);
}

namespace {

// A log entry the catalog lacks, found while the archive is open to read only.
Status NotRolledForward(const VersionLogEntry& e, ReplayStats* stats) {
  stats->unreadable.push_back(e.package_id + (e.kind == VersionLogKind::kRemoval ? " removal" : " v" + std::to_string(e.version)) +
                              ": in the version log, not yet in the catalog (the next command that writes rolls it "
                              "forward)");
  return Status::OK();
}

}  // namespace

Result<ReplayStats> Archive::ReplayVersionLog() {
  // However it ends, heads may have changed: cached ones are dropped.
  struct Changed {
    Archive* archive;
    ~Changed() { archive->HeadsChanged(); }
  } changed{this};
  ReplayStats stats;
  // First the removals: a version of a package removed later is not
  // brought back. And the versions logged twice with different records:
  // which one holds is not for a replay to guess.
  std::map<std::string, VersionLogEntry> removals;
  std::map<std::pair<std::string, uint32_t>, std::string> records;
  std::set<std::pair<std::string, uint32_t>> contradicted;
  BEVARA_RETURN_IF_ERROR(versions_->ForEach([&](const VersionLogEntry& e) {
    ++stats.entries;
    if (e.kind == VersionLogKind::kRemoval) removals[e.package_id] = e;
    if (e.kind != VersionLogKind::kVersion) return Status::OK();
    auto [it, first] = records.emplace(std::make_pair(e.package_id, e.version), e.record);
    if (!first && it->second != e.record && contradicted.insert(it->first).second) {
      stats.unreadable.push_back(e.package_id + " v" + std::to_string(e.version) +
                                 ": the version log names two different records for it (" + it->second + " and " +
                                 e.record + ")");
    }
    return Status::OK();
  }));
  BEVARA_RETURN_IF_ERROR(versions_->ForEach([&](const VersionLogEntry& e) -> Status {
    if (e.kind == VersionLogKind::kRemoval) {
      auto known = catalog_->GetRemoval(e.package_id);
      if (!known.ok()) return known.status();
      if (*known) return Status::OK();
      if (read_only_) return NotRolledForward(e, &stats);
      BEVARA_RETURN_IF_ERROR(catalog_->RemovePackage({e.package_id, e.version, e.created, e.reason, e.by}));
      ++stats.removed;
      return Status::OK();
    }
    if (removals.count(e.package_id) || contradicted.count({e.package_id, e.version})) return Status::OK();
    // Removed by the catalog's account and not by the log's: the log lost
    // the removal. Audit reports it; nothing is brought back meanwhile.
    auto removed = catalog_->GetRemoval(e.package_id);
    if (!removed.ok()) return removed.status();
    if (*removed) return Status::OK();
    auto known = catalog_->GetVersion(e.package_id, e.version);
    if (!known.ok()) return known.status();
    if (*known) return Status::OK();
    auto record = ReadVersionRecord(e.record);
    if (record.ok() && (record->package_id != e.package_id || record->version != e.version)) {
      record = Status::Corruption("the record does not describe this version");
    }
    if (!record.ok()) {
      stats.unreadable.push_back(e.package_id + " v" + std::to_string(e.version) + " (record " + e.record +
                                 "): " + record.status().ToString());
      return Status::OK();
    }
    if (read_only_) return NotRolledForward(e, &stats);
    BEVARA_RETURN_IF_ERROR(catalog_->CommitVersion(*record, e.record));
    ++stats.committed;
    return Status::OK();
  }));
  return stats;
}

}  // namespace bevara::storage
