#include "src/services/storage_stats.h"

#include <set>

#include "src/common/clock.h"
#include "storage/catalog/catalog.h"

namespace bevara::services {

Result<StorageFigures> StorageStats::Get() {
  Env* env = archive_->env();
  const int64_t now = env->NowMicros();
  MutexLock lock(&mu_);  // one count at a time; the others wait for its result
  if (cached_at_us_ >= 0 && now - cached_at_us_ < 60 * 1000000) {
    StorageFigures f = cached_;
    f.damaged_blobs = archive_->damage()->All().size();  // damage is news at once
    return f;
  }
  StorageFigures f;
  std::set<std::string> packages;
  BEVARA_RETURN_IF_ERROR(archive_->catalog()->ForEachVersion([&](const storage::VersionSummary& v) {
    packages.insert(v.package_id);
    ++f.versions;
    f.files += v.file_count;
    f.archived_bytes += v.total_bytes;
    return Status::OK();
  }));
  f.packages = packages.size();
  auto space = env->GetDiskSpace(archive_->data_dir());
  if (space.ok()) {
    f.disk_total = space->total;
    f.disk_available = space->available;
  }
  f.damaged_blobs = archive_->damage()->All().size();
  f.counted = NowRfc3339(env);
  cached_ = f;
  cached_at_us_ = now;
  return f;
}

}  // namespace bevara::services
