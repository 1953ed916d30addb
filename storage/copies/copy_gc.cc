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

// True, with the retention, when the object is locked beyond now. A store
// that does not answer or refuses us says nothing: that is an error.
Result<bool> LockedNow(S3Client* client, const std::string& key, const std::string& now, std::string* retention) {
  auto r = client->Retention(key);
  if (!r.ok()) {
    if (IsStoreWideFailure(r.status())) return r.status();
    return false;  // no retention on it (or no Object Lock on the bucket)
  }
  const size_t until = r->find(" until ");
  if (until == std::string::npos) return true;  // a retention we cannot read: kept
  if (r->compare(until + 7, now.size() - 1, now, 0, now.size() - 1) <= 0) return false;
  *retention = *r;
  return true;
}

}  // namespace

std::string CopyGcReport::ToText(const std::string& copy) const {
  std::ostringstream out;
  out << "copy " << copy << ": kept " << blobs_kept << " blobs; deleted " << blobs_deleted << " blobs (" << bytes_deleted
      << " bytes) no version holds";
  if (!locked.empty()) out << "; " << locked.size() << " kept by their lock until it ends";
  if (not_ours) out << "; " << not_ours << " objects this archive did not send left alone";
  out << "\n";
  for (const std::string& l : locked) out << "  LOCKED: " << l << "\n";
  return out.str();
}

Result<CopyGcReport> CollectCopyGarbage(Archive* archive, S3Client* client, CopyLedger* ledger) {
  auto held = HeldNames(archive);
  if (!held.ok()) return held.status();
  CopyGcReport report;
  std::map<std::string, Orphan> orphans;
  std::set<std::string> kept, not_ours;
  BEVARA_RETURN_IF_ERROR(client->ListVersions("sha256/", [&](const S3Version& v) {
    const std::string name = v.key.substr(v.key.rfind('/') + 1);
    if (!IsBlobName(name) || v.key != S3KeyForBlob(name)) return Status::OK();  // not a blob
    if (held->count(name)) {
      kept.insert(name);
      return Status::OK();
    }
    // Only what this archive sent there (its ledger knows it), and only what
    // the local gc took from the local store (which keeps what any catalog,
    // an earlier one too, still references): never a bucket's other content,
    // nor what a wrong --data or a new archive does not know.
    if (!ledger->Find(name)) {
      not_ours.insert(name);
      return Status::OK();
    }
    Orphan& o = orphans[v.key];
    o.blob = name;
    o.version_ids.push_back(v.version_id);
    if (!v.delete_marker) o.has_object = true, o.size = std::max(o.size, v.size);
    return Status::OK();
  }));
  report.blobs_kept = kept.size();
  report.not_ours = not_ours.size();
  const std::string now = NowRfc3339(archive->env());
  for (const auto& entry : orphans) {
    const std::string& key = entry.first;
    const Orphan& o = entry.second;  // a plain reference: lambdas below capture it
    if (archive->store()->Size(o.blob).ok()) {  // the local gc kept it
      ++report.blobs_kept;
      continue;
    }
    std::string retention;
    if (o.has_object) {
      auto locked = LockedNow(client, key, now, &retention);
      if (!locked.ok()) return locked.status();
      if (*locked) {
        report.locked.push_back(o.blob + ": " + retention);
        continue;
      }
    }
    auto record = [&](const std::string& outcome, const std::string& detail) {
      return ledger->RecordDurably({ledger->NewEvent("deletion", o.blob, o.size, outcome, detail)});
    };
    // Begun before the object is touched: from here the copy does not count
    // it as held, whatever happens to the delete.
    BEVARA_RETURN_IF_ERROR(record("begun", "no version holds it (disposal)"));
    std::string refused;
    for (const std::string& id : o.version_ids) {
      Status s = client->DeleteVersion(key, id);
      if (s.code() == StatusCode::kPermissionDenied) {
        refused = s.message();
        continue;
      }
      if (!s.ok() && s.code() != StatusCode::kNotFound) return s;
    }
    if (!refused.empty()) {
      BEVARA_RETURN_IF_ERROR(record("refused", refused));
      report.locked.push_back(o.blob + ": the store refused to delete a version");
      continue;
    }
    BEVARA_RETURN_IF_ERROR(record("deleted", "every version"));
    if (o.has_object) {
      ++report.blobs_deleted;
      report.bytes_deleted += o.size;
    }
  }
  return report;
}

}  // namespace bevara::storage
