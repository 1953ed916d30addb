#include "src/services/case_service.h"

#include "ingest/erms/erms_reader.h"
#include "ingest/mets/href.h"

namespace bevara::services {
namespace {

constexpr char kDescriptive[] = "submission/metadata/descriptive/";
constexpr uint64_t kMaxErmsBytes = 64ull << 20;

bool IsDescriptiveXml(const std::string& path) {
  return path.rfind(kDescriptive, 0) == 0 && path.size() > 4 && path.compare(path.size() - 4, 4, ".xml") == 0;
}

}  // namespace

Result<std::optional<std::pair<ingest::CaseMetadata, std::string>>> CaseService::ReadCase(
    const std::string& package_id, uint32_t version) {
  std::vector<storage::FileRecord> candidates;
  Status s = archive_->catalog()->ForEachFile(package_id, version, [&](const storage::FileRecord& f) {
    if (IsDescriptiveXml(f.path) && f.size <= kMaxErmsBytes) candidates.push_back(f);
    return Status::OK();
  });
  if (!s.ok()) return s;
  for (const storage::FileRecord& f : candidates) {
    auto xml = archive_->ReadBlob(f.sha256, kMaxErmsBytes);
    if (!xml.ok()) return xml.status();
    auto meta = ingest::ReadCaseMetadata(schemas_, *xml, f.path);
    if (!meta.ok()) {
      if (meta.status().IsRejected()) continue;  // Dublin Core, EAD...: not a case
      return meta.status();
    }
    return std::optional<std::pair<ingest::CaseMetadata, std::string>>(std::make_pair(std::move(*meta), f.path));
  }
  return std::optional<std::pair<ingest::CaseMetadata, std::string>>();
}

Result<std::optional<CaseView>> CaseService::Get(const std::string& package_id, uint32_t version,
                                                 const std::string& today) {
  auto head = ReadCase(package_id, version);
  if (!head.ok()) return head.status();
  if (!*head) return std::optional<CaseView>();
  // What every earlier version's metadata said of each record: a new
  // version never lowers a state by itself.
  std::map<std::string, std::vector<VersionOfRecord>> history;
  for (uint32_t v = 1; v < version; ++v) {
    auto earlier = ReadCase(package_id, v);
    if (!earlier.ok()) return earlier.status();  // unreadable: nothing is decided on a guess
    if (!*earlier) continue;
    for (const ingest::RecordMetadata& r : (*earlier)->first.records) {
      history[r.system_id].push_back({v, ingest::DeriveAccess(r, today)});
    }
  }
  CaseView view;
  view.source = (*head)->second;
  ingest::CaseMetadata& meta = (*head)->first;
  for (ingest::RecordMetadata& r : meta.records) {
    CaseRecordView rv;
    for (const std::string& href : r.documents) {
      // ERMS hrefs are relative to the package root, which the AIP keeps under submission/.
      auto path = ingest::ResolveHref(href, "");
      if (!path.ok()) continue;
      const std::string file = "submission/" + *path;
      rv.files.push_back(file);
      auto f = archive_->catalog()->GetFile(package_id, version, file);
      if (!f.ok()) return f.status();
      if (*f) rv.digests[file] = (*f)->sha256;
    }
    std::vector<VersionOfRecord>& versions = history[r.system_id];
    versions.push_back({version, ingest::DeriveAccess(r, today)});
    if (decisions_) rv.decision = decisions_->Find(package_id, r.system_id);
    rv.state = DecideState(versions, rv.digests, rv.decision);
    rv.record = std::move(r);
    view.records.push_back(std::move(rv));
  }
  meta.records.clear();
  view.metadata = std::move(meta);
  return std::optional<CaseView>(std::move(view));
}

}  // namespace bevara::services
