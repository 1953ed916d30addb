#include "storage/archive/archive.h"

#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>


namespace bevara::storage {

Archive::~Archive() = default;

Result<std::unique_ptr<Archive>> Archive::Open(Env* env, const std::string& data_dir, ArchiveOptions options) {
  std::unique_ptr<Archive> a(new Archive(env));
  BEVARA_RETURN_IF_ERROR(env->CreateDir(data_dir, kDefaultDirMode));
  auto store = LocalBlobStore::Open(env, data_dir + "/store", options.store);
  if (!store.ok()) return store.status();
  a->store_ = std::move(*store);
  auto log = VersionLog::Open(env, data_dir + "/store/versions.log");
  if (!log.ok()) return log.status();
  a->versions_ = std::move(*log);
  auto catalog = Catalog::Open(options.catalog_dir.empty() ? data_dir + "/catalog" : options.catalog_dir);
  if (!catalog.ok()) return catalog.status();
  a->catalog_ = std::move(*catalog);
  auto recovered = a->ReplayVersionLog();
  if (!recovered.ok()) return recovered.status();
  a->recovery_ = std::move(*recovered);
  return a;
}

Status Archive::CommitVersion(const VersionRecord& record, const std::string& record_blob) {
  BEVARA_RETURN_IF_ERROR(versions_->Append({record.package_id, record.version, record.created, record_blob}));
  return catalog_->CommitVersion(record, record_blob);
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

Result<ReplayStats> Archive::ReplayVersionLog() {
  ReplayStats stats;
  Status s = versions_->ForEach(
      [&](const VersionLogEntry& e) -> Status {
        ++stats.entries;
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
        BEVARA_RETURN_IF_ERROR(catalog_->CommitVersion(*record, e.record));
        ++stats.committed;
        return Status::OK();
      },
      &stats.torn_lines);
  if (!s.ok()) return s;
  return stats;
}

}  // namespace bevara::storage
