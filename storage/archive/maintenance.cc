#include "storage/archive/maintenance.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <vector>

namespace bevara::storage {
namespace {

using Digest = std::array<uint8_t, 32>;

// Blob names as 32 bytes: a million of them cost 32 MB, not 100.
bool ToDigest(const std::string& hex, Digest* out) {
  if (!IsBlobName(hex)) return false;
  auto nibble = [](char c) { return static_cast<uint8_t>(c <= '9' ? c - '0' : c - 'a' + 10); };
  for (size_t i = 0; i < 32; ++i) (*out)[i] = static_cast<uint8_t>(nibble(hex[2 * i]) << 4 | nibble(hex[2 * i + 1]));
  return true;
}

// Every blob some version references: its files, inventory and record, and
// the records the version log names.
Result<std::vector<Digest>> ReferencedBlobs(Archive* archive) {
  std::vector<Digest> referenced;
  auto add = [&](const std::string& name) {
    Digest d;
    if (ToDigest(name, &d)) referenced.push_back(d);
    return Status::OK();
  };
  BEVARA_RETURN_IF_ERROR(archive->catalog()->ForEachContentDigest(add));
  BEVARA_RETURN_IF_ERROR(archive->catalog()->ForEachVersion([&](const VersionSummary& v) {
    add(v.record);
    add(v.inventory);
    return add(v.aip_mets);
  }));
  BEVARA_RETURN_IF_ERROR(archive->versions()->ForEach([&](const VersionLogEntry& e) { return add(e.record); }));
  std::sort(referenced.begin(), referenced.end());
  referenced.erase(std::unique(referenced.begin(), referenced.end()), referenced.end());
  return referenced;
}

}  // namespace

Result<GcStats> CollectGarbage(Archive* archive) {
  std::unique_lock<std::shared_mutex> exclusive(archive->gc_lock());
  // Versions logged but not catalogued were rolled forward when the archive
  // was opened; one that could not be is a reason to stop, not to guess.
  auto replay = archive->ReplayVersionLog();
  if (!replay.ok()) return replay.status();
  if (!replay->unreadable.empty()) {
    return Status::InvalidArgument("the version log names versions whose records cannot be read (" +
                                   replay->unreadable.front() + "); run bevara audit, nothing was removed");
  }
  auto referenced = ReferencedBlobs(archive);
  if (!referenced.ok()) return referenced.status();
  GcStats stats;
  std::vector<std::string> unreferenced;
  BEVARA_RETURN_IF_ERROR(archive->store()->ForEach([&](const std::string& name) {
    Digest d;
    if (ToDigest(name, &d) && std::binary_search(referenced->begin(), referenced->end(), d)) {
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

Result<ReplayStats> RebuildCatalog(Env* env, const std::string& data_dir) {
  namespace fs = std::filesystem;
  const std::string fresh = data_dir + "/catalog.rebuild";
  const std::string current = data_dir + "/catalog";
  const std::string previous = data_dir + "/catalog.before-rebuild";
  std::error_code ec;
  fs::remove_all(fresh, ec);  // a rebuild interrupted earlier
  if (ec) return Status::IOError("cannot remove " + fresh + ": " + ec.message());
  ReplayStats stats;
  {
    ArchiveOptions options;
    options.catalog_dir = fresh;
    auto archive = Archive::Open(env, data_dir, options);  // replays the log into the fresh catalog
    if (!archive.ok()) return archive.status();
    stats = (*archive)->recovery();
  }
  fs::remove_all(previous, ec);
  if (ec) return Status::IOError("cannot remove " + previous + ": " + ec.message());
  if (fs::exists(current)) {
    fs::rename(current, previous, ec);
    if (ec) return Status::IOError("cannot move " + current + " aside: " + ec.message());
  }
  fs::rename(fresh, current, ec);
  if (ec) return Status::IOError("cannot move " + fresh + " into place: " + ec.message());
  BEVARA_RETURN_IF_ERROR(env->SyncDir(data_dir));
  return stats;
}

}  // namespace bevara::storage
