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

Result<std::optional<CaseView>> CaseService::Get(const std::string& package_id, uint32_t version,
                                                 const std::string& today) {
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
    CaseView view;
    view.source = f.path;
    for (ingest::RecordMetadata& r : meta->records) {
      CaseRecordView rv;
      rv.access = ingest::DeriveAccess(r, today);
      if (decisions_) rv.decision = decisions_->Find(package_id, r.system_id);
      if (rv.decision) {
        rv.access.state = rv.decision->state == "public" ? ingest::AccessState::kPublic
                          : rv.decision->state == "restricted" ? ingest::AccessState::kRestricted
                                                               : ingest::AccessState::kSecret;
        rv.access.ground = "archivist's decision: " + rv.decision->reason;
        rv.access.public_from.clear();
      }
      for (const std::string& href : r.documents) {
        // ERMS hrefs are relative to the package root, which the AIP keeps under submission/.
        auto path = ingest::ResolveHref(href, "");
        if (path.ok()) rv.files.push_back("submission/" + *path);
      }
      rv.record = std::move(r);
      view.records.push_back(std::move(rv));
    }
    meta->records.clear();
    view.metadata = std::move(*meta);
    return std::optional<CaseView>(std::move(view));
  }
  return std::optional<CaseView>();
}

}  // namespace bevara::services
