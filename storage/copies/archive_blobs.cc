#include "storage/copies/archive_blobs.h"

#include <map>
#include <set>

namespace bevara::storage {

const char* BlobRoleName(BlobRole role) {
  switch (role) {
    case BlobRole::kFile: return "(a file)";
    case BlobRole::kVersionRecord: return "(the version record)";
    case BlobRole::kAipMets: return "(the AIP METS)";
    case BlobRole::kInventory: return "(the inventory)";
  }
  return "(unknown)";
}

Status ForEachHeldVersion(Archive* archive, const std::function<bool(const std::string&, uint32_t)>& skip,
                          const std::function<Status(const VersionBlobs&)>& fn) {
  // Removals first: a version removed later in the log is not held.
  std::map<std::string, uint32_t> removed_through;
  std::vector<VersionLogEntry> versions;
  BEVARA_RETURN_IF_ERROR(archive->versions()->ForEach([&](const VersionLogEntry& e) {
    if (e.kind == VersionLogKind::kRemoval) {
      uint32_t& through = removed_through[e.package_id];
      through = std::max(through, e.version);
    } else {
      versions.push_back(e);
    }
    return Status::OK();
  }));
  for (const VersionLogEntry& e : versions) {
    auto removed = removed_through.find(e.package_id);
    if (removed != removed_through.end() && e.version <= removed->second) continue;
    if (skip && skip(e.package_id, e.version)) continue;
    VersionBlobs v;
    v.package = e.package_id;
    v.version = e.version;
    auto record_size = archive->store()->Size(e.record);
    v.blobs.push_back({e.record, record_size.ok() ? *record_size : 0, BlobRole::kVersionRecord});
    auto record = archive->ReadVersionRecord(e.record);
    if (!record.ok()) {
      v.problem = "the version record " + e.record + " of " + e.package_id + " v" + std::to_string(e.version) +
                  " cannot be read: " + record.status().ToString();
      BEVARA_RETURN_IF_ERROR(fn(v));
      continue;
    }
    std::set<std::string> seen = {e.record};
    for (const FileRecord& f : record->files) {
      if (seen.insert(f.sha256).second) v.blobs.push_back({f.sha256, f.size});
    }
    for (const auto& [own, role] : {std::pair{record->aip_mets, BlobRole::kAipMets},
                                    std::pair{record->inventory, BlobRole::kInventory}}) {
      if (own.empty() || !seen.insert(own).second) continue;
      auto size = archive->store()->Size(own);
      v.blobs.push_back({own, size.ok() ? *size : 0, role});
    }
    BEVARA_RETURN_IF_ERROR(fn(v));
  }
  return Status::OK();
}

}  // namespace bevara::storage
