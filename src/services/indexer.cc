#include "src/services/indexer.h"

#include <vector>

#include "src/search/personnummer.h"

namespace bevara::services {
namespace {

constexpr uint64_t kCommitEveryRecords = 20000;
constexpr size_t kMaxRecordTextBytes = 4u << 20;  // all files of one record together

// When the public may see the record (see indexer.h), and the state in force.
void DecideVisibility(const CaseRecordView& rv, search::IndexedRecord* r) {
  r->access_state = ingest::AccessStateName(rv.access.state);
  r->access_ground = rv.access.ground;
  if (rv.decision) {
    r->visible_from = rv.access.state == ingest::AccessState::kPublic ? search::kVisibleNow : search::kNeverVisible;
    return;
  }
  // An identity number in the text is personal data even where the
  // metadata does not say so: such a record is restricted instead of public
  // (and stays out of view when its secrecy ends).
  const bool identity_numbers = search::ContainsPersonnummer(r->text) || search::ContainsPersonnummer(r->title);
  switch (rv.access.state) {
    case ingest::AccessState::kPublic:
      if (identity_numbers) {
        r->access_state = ingest::AccessStateName(ingest::AccessState::kRestricted);
        r->access_ground = "personal data: a personal identity number in the record";
      }
      r->visible_from = identity_numbers ? search::kNeverVisible : search::kVisibleNow;
      break;
    case ingest::AccessState::kSecret:
      r->visible_from = (!rv.access.public_from.empty() && !rv.record.personal_data && !identity_numbers)
                            ? rv.access.public_from
                            : search::kNeverVisible;
      break;
    case ingest::AccessState::kRestricted: r->visible_from = search::kNeverVisible; break;
  }
}

}  // namespace

Status Indexer::AddText(const std::string& package_id, uint32_t version, const std::string& path,
                        search::IndexedRecord* record, IndexProgress* progress) {
  auto file = archive_->catalog()->GetFile(package_id, version, path);
  if (!file.ok()) return file.status();
  auto note = [&](const std::string& why) {
    record->text_notes.push_back(path + ": " + why);
    if (progress) ++progress->text_notes;
  };
  if (!*file) {
    note("named by the case metadata but not in the package");
    return Status::OK();
  }
  const std::string& mime = (*file)->mime_detected.empty() ? (*file)->mime_declared : (*file)->mime_detected;
  search::TextFormat format = search::TextFormatForMime(mime);
  if (format == search::TextFormat::kUnsupported) {
    note("no text is extracted from " + (mime.empty() ? std::string("this format") : mime));
    return Status::OK();
  }
  auto blob = archive_->store()->Open((*file)->sha256);
  if (!blob.ok()) {
    note("the stored file cannot be read (" + std::string(StatusCodeName(blob.status().code())) + ")");
    return Status::OK();
  }
  // Checked as it is read: text from damaged bytes is never indexed.
  auto checked = storage::VerifyingReader(std::move(*blob), (*file)->sha256);
  search::ExtractedText text = search::ExtractText(format, checked.get(), (*file)->size, limits_, schemas_);
  if (!text.note.empty()) note(text.note);
  if (record->text.size() + text.text.size() > kMaxRecordTextBytes) {
    note("the record's text is longer than " + std::to_string(kMaxRecordTextBytes) + " bytes; this file is not indexed");
    return Status::OK();
  }
  if (!record->text.empty()) record->text += "\n";
  record->text += text.text;
  return Status::OK();
}

Status Indexer::IndexPackage(const std::string& package_id, const std::string& today, IndexProgress* progress) {
  MutexLock lock(&mu_);
  return IndexPackageLocked(package_id, today, progress);
}

Status Indexer::IndexPackageLocked(const std::string& package_id, const std::string& today,
                                   IndexProgress* progress) {
  auto package = archive_->catalog()->GetPackage(package_id);
  if (!package.ok()) return package.status();
  BEVARA_RETURN_IF_ERROR(index_->DeletePackage(package_id));
  if (!*package) return Status::OK();
  const uint32_t version = (*package)->head;
  auto view = cases_->Get(package_id, version, today);
  if (!view.ok()) return view.status();
  if (*view) {
    const ingest::CaseMetadata& c = (*view)->metadata;
    for (const CaseRecordView& rv : (*view)->records) {
      search::IndexedRecord r;
      r.id = search::RecordSearchId(package_id, rv.record.system_id);
      r.package_id = package_id;
      r.version = version;
      r.record_id = rv.record.system_id;
      r.registration = rv.record.object_id;
      r.case_number = c.case_number;
      r.case_title = c.title;
      r.case_status = c.status;
      r.creator = c.creator;
      r.creator_id = c.creator_id;
      r.classification_code = c.classification_code;
      r.classification = c.classification;
      r.title = rv.record.title;
      r.record_type = rv.record.record_type;
      r.direction = rv.record.direction;
      r.date = search::StartsWithIsoDate(rv.record.created) ? rv.record.created.substr(0, 10)
               : search::StartsWithIsoDate(c.opened)        ? c.opened.substr(0, 10)
                                            : std::string();
      r.files = rv.files;
      for (const std::string& path : rv.files) BEVARA_RETURN_IF_ERROR(AddText(package_id, version, path, &r, progress));
      DecideVisibility(rv, &r);
      BEVARA_RETURN_IF_ERROR(index_->Put(r, today));
      if (progress) ++progress->records;
    }
  }
  return index_->SetIndexedVersion(package_id, version);
}

Status Indexer::CatchUp(const std::string& today, const IndexProgressFn& progress) {
  std::vector<std::pair<std::string, uint32_t>> packages;
  BEVARA_RETURN_IF_ERROR(archive_->catalog()->ListPackages({}, [&](const storage::PackageSummary& p) {
    packages.emplace_back(p.id, p.head);
    return Status::OK();
  }));
  IndexProgress state;
  state.packages_total = packages.size();
  uint64_t committed_at = 0;
  for (const auto& [id, head] : packages) {
    auto indexed = index_->IndexedVersion(id);
    if (!indexed.ok()) return indexed.status();
    if (*indexed != head) BEVARA_RETURN_IF_ERROR(IndexPackage(id, today, &state));
    ++state.packages_done;
    if (state.records - committed_at >= kCommitEveryRecords) {
      BEVARA_RETURN_IF_ERROR(index_->Commit());
      committed_at = state.records;
    }
    if (progress && !progress(state)) return index_->Commit();
  }
  BEVARA_RETURN_IF_ERROR(index_->Commit());
  return Promote(today);
}

Status Indexer::Promote(const std::string& today) {
  auto due = index_->PackagesBecomingVisible(today);
  if (!due.ok()) return due.status();
  for (const std::string& id : *due) BEVARA_RETURN_IF_ERROR(IndexPackage(id, today));
  BEVARA_RETURN_IF_ERROR(index_->SetPromotedThrough(today));
  return index_->Commit();
}

Status Indexer::Refresh(const std::string& package_id, const std::string& today) {
  Status s = IndexPackage(package_id, today);
  if (s.ok()) s = index_->Commit();
  MutexLock lock(&stale_mu_);
  if (s.ok()) {
    stale_.erase(package_id);
  } else {
    stale_.insert(package_id);
  }
  return s;
}

bool Indexer::public_index_trusted() const {
  MutexLock lock(&stale_mu_);
  return stale_.empty();
}

}  // namespace bevara::services
