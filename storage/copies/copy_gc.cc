#include "storage/copies/copy_gc.h"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include "src/common/clock.h"
#include "storage/blobs/blob_store.h"
#include "storage/copies/archive_blobs.h"

namespace bevara::storage {
namespace {

// The object versions (and delete markers) of one blob no version holds.
struct Orphan {
  std::string blob;
  uint64_t size = 0;
  std::vector<std::string> version_ids;
  bool has_object = false;  // not only delete markers
};

// Every blob the archive's held versions reference; Corruption when one
// version cannot say what it holds.
Result<std::set<std::string>> HeldNames(Archive* archive) {
  std::set<std::string> held;
  Status problem;
  BEVARA_RETURN_IF_ERROR(ForEachHeldVersion(archive, nullptr, [&](const VersionBlobs& v) {
    if (!v.problem.empty() && problem.ok()) problem = Status::Corruption(v.problem + "; nothing is deleted from any copy");
    for (const HeldBlob& b : v.blobs) held.insert(b.name);
    return Status::OK();
  }));
  if (!problem.ok()) return problem;
  return held;
}

// True, with the retention, when the object is locked beyond now.
bool LockedNow(S3Client* client, const std::string& key, const std::string& now, std::string* retention) {
  auto r = client->Retention(key);
  if (!r.ok()) return false;
  const size_t until = r->find(" until ");
  if (until == std::string::npos || r->compare(until + 7, now.size() - 1, now, 0, now.size() - 1) <= 0) return false;
  *retention = *r;
  return true;
}

}  // namespace

std::string CopyGcReport::ToText(const std::string& copy) const {
  std::ostringstream out;
  out << "copy " << copy << ": kept " << blobs_kept << " blobs; deleted " << blobs_deleted << " blobs (" << bytes_deleted
      << " bytes) no version holds";
  if (!locked.empty()) out << "; " << locked.size() << " kept by their lock until it ends";
  out << "\n";
  for (const std::string& l : locked) out << "  LOCKED: " << l << "\n";
  return out.str();
}

Result<CopyGcReport> CollectCopyGarbage(Archive* archive, S3Client* client, CopyLedger* ledger) {
  auto held = HeldNames(archive);
  if (!held.ok()) return held.status();
  CopyGcReport report;
  std::map<std::string, Orphan> orphans;
  std::set<std::string> kept;
  BEVARA_RETURN_IF_ERROR(client->ListVersions("sha256/", [&](const S3Version& v) {
    const std::string name = v.key.substr(v.key.rfind('/') + 1);
    if (!IsBlobName(name) || v.key != S3KeyForBlob(name)) return Status::OK();  // not ours
    if (held->count(name)) {
      kept.insert(name);
      return Status::OK();
    }
    Orphan& o = orphans[v.key];
    o.blob = name;
    o.version_ids.push_back(v.version_id);
    if (!v.delete_marker) o.has_object = true, o.size = std::max(o.size, v.size);
    return Status::OK();
  }));
  report.blobs_kept = kept.size();
  const std::string now = NowRfc3339(Env::Default());
  for (const auto& [key, o] : orphans) {
    std::string retention;
    if (o.has_object && LockedNow(client, key, now, &retention)) {
      report.locked.push_back(o.blob + ": " + retention);
      continue;
    }
    // Recorded first: the copy no longer counts it as held, whatever
    // happens to the delete.
    CopyEvent e = ledger->NewEvent("deletion", o.blob, o.size, "deleted", "no version holds it (disposal)");
    BEVARA_RETURN_IF_ERROR(ledger->RecordDurably({e}));
    bool locked = false;
    for (const std::string& id : o.version_ids) {
      Status s = client->DeleteVersion(key, id);
      if (s.code() == StatusCode::kPermissionDenied) {
        locked = true;
        continue;
      }
      if (!s.ok() && s.code() != StatusCode::kNotFound) return s;
    }
    if (locked) {
      report.locked.push_back(o.blob + ": a version is locked");
    } else if (o.has_object) {
      ++report.blobs_deleted;
      report.bytes_deleted += o.size;
    }
  }
  return report;
}

}  // namespace bevara::storage
