#include "src/services/indexer.h"

#include <initializer_list>
#include <utility>
#include <vector>

#include "src/common/percent_encoding.h"
#include "src/search/personnummer.h"

namespace bevara::services {
namespace {

constexpr uint64_t kCommitEveryRecords = 20000;
constexpr size_t kMaxRecordTextBytes = 4u << 20;  // all files of one record together

// Passes a file's bytes through, showing each to a scanner on the way, and
// says whether the file was read to its end without error.
class ScanningReader final : public ReadableFile {
 public:
  ScanningReader(ReadableFile* base, search::RawPersonnummerScanner* scanner) : base_(base), scanner_(scanner) {}
  Result<size_t> Read(char* buf, size_t n) override {
    auto got = base_->Read(buf, n);
    if (!got.ok()) {
      failed_ = true;
      return got;
    }
    if (*got == 0) at_end_ = true;
    if (scanner_) scanner_->Feed(buf, *got);
    return got;
  }
  Status ReadToEnd() {
    char buf[64 << 10];
    for (;;) {
      auto got = Read(buf, sizeof buf);
      if (!got.ok()) return got.status();
      if (*got == 0) return Status::OK();
    }
  }
  bool whole() {
    if (!at_end_ && !failed_) (void)ReadToEnd();  // an extractor may stop early
    return at_end_ && !failed_;
  }

 private:
  ReadableFile* base_;
  search::RawPersonnummerScanner* scanner_;
  bool at_end_ = false, failed_ = false;
};

// Where a personal identity number stands in what the public would see of
// the record, or "" when nowhere.
std::string IdentityNumberIn(const search::IndexedRecord& r, const ingest::CaseMetadata& c) {
  for (const auto& [where, text] : std::initializer_list<std::pair<const char*, const std::string*>>{
           {"the title", &r.title}, {"the case title", &c.title}, {"the registration number", &r.registration},
           {"the case number", &r.case_number}, {"the record type", &r.record_type}, {"the package id", &r.package_id},
           {"the creator", &r.creator}, {"the classification", &r.classification}, {"the record id", &r.record_id},
           {"the case status", &r.case_status}, {"the creator's id", &r.creator_id}, {"the direction", &r.direction},
           {"the classification code", &r.classification_code}, {"the date", &r.date}, {"the text", &r.text}}) {
    if (search::ContainsPersonnummer(*text)) return where;
  }
  for (const std::string& agent : c.agents) {
    if (search::ContainsPersonnummer(agent)) return "a party of the case";
  }
  for (const std::string& path : r.files) {
    // The name as the public sees it, and as its link encodes it.
    if (search::ContainsPersonnummer(path) || search::ContainsPersonnummer(PercentEncode(path, true))) {
      return "a file name";
    }
  }
  return "";
}

}  // namespace

// Whether the record is a candidate for publication, and by what: an
// archivist's decision bound to these files, or a publication rule over a
// record that is public by everything else (or will be when its secrecy
// lapses). Files are then checked whole (AddText) before it is published.
void Indexer::Candidate(const CaseRecordView& rv, search::IndexedRecord* r) {
  r->access_state = RecordStateName(rv.state.state);
  r->access_ground = rv.state.ground;
  r->review = rv.state.review;
  r->visible_from = search::kNeverVisible;
  if (rv.state.state == RecordState::kPublished) {
    r->published_by = "decision";
    r->visible_from = search::kVisibleNow;
    return;
  }
  // Where an archivist decided on the record, the decision alone counts: a
  // rule never widens it (and never outlives a decision against it).
  if (!rules_ || rv.decision) return;
  const bool lapsing = rv.state.state == RecordState::kSecret && !rv.state.public_from.empty() &&
                       !rv.record.personal_data;
  if (rv.state.state != RecordState::kPublic && !lapsing) return;
  auto rule = rules_->Match({r->creator, r->classification_code, r->record_type, r->date});
  if (!rule) return;
  r->published_by = rule->id;
  r->visible_from = lapsing ? rv.state.public_from : search::kVisibleNow;
}

// After the files were read: what keeps a candidate from the public.
void Indexer::CheckCandidate(const ingest::CaseMetadata& c, const FileEvidence& evidence, search::IndexedRecord* r) {
  const std::string number_in = evidence.number_in.empty() ? IdentityNumberIn(*r, c) : evidence.number_in;
  // An identity number is personal data, whatever the metadata says.
  if (!number_in.empty() && (r->access_state == RecordStateName(RecordState::kPublic) ||
                             r->access_state == RecordStateName(RecordState::kPublished))) {
    r->access_state = RecordStateName(RecordState::kRestricted);
    r->access_ground = "personal data: a personal identity number in " + number_in;
  }
  if (r->published_by.empty()) return;
  const std::vector<std::string>& unread = evidence.unread;
  std::string blocked;
  if (!evidence.damaged.empty()) {
    blocked = "the file " + evidence.damaged + " could not be read whole; it is not published until it can";
  } else if (!number_in.empty()) {
    blocked = "a personal identity number in " + number_in + "; it cannot be published (publish a masked version)";
  } else if (r->published_by != "decision" && !unread.empty()) {
    blocked = "the publication rule matches, but " + unread.front() + " could not be read whole; an archivist decides";
  }
  if (blocked.empty()) {
    if (r->published_by != "decision" && r->visible_from == search::kVisibleNow) {
      r->access_state = RecordStateName(RecordState::kPublished);
      r->access_ground = "publication rule " + r->published_by;
    }
    return;
  }
  r->published_by.clear();
  r->visible_from = search::kNeverVisible;
  if (r->access_state == RecordStateName(RecordState::kPublished)) {
    r->access_state = RecordStateName(RecordState::kRestricted);
    r->access_ground = blocked;  // the decision stands, but cannot be carried out
  }
  r->review = blocked;
}

Status Indexer::AddText(const std::string& package_id, uint32_t version, const std::string& path,
                        search::IndexedRecord* record, IndexProgress* progress, FileEvidence* evidence) {
  auto file = archive_->catalog()->GetFile(package_id, version, path);
  if (!file.ok()) return file.status();
  auto note = [&](const std::string& why) {
    record->text_notes.push_back(path + ": " + why);
    evidence->unread.push_back(path);
    if (progress) ++progress->text_notes;
  };
  if (!*file) {
    note("named by the case metadata but not in the package");
    return Status::OK();
  }
  const std::string& mime = (*file)->mime_detected.empty() ? (*file)->mime_declared : (*file)->mime_detected;
  search::TextFormat format = search::TextFormatForMime(mime);
  const bool scan = !record->published_by.empty();  // only what may be published is read byte by byte
  if (format == search::TextFormat::kUnsupported && !scan) {
    note("no text is extracted from " + (mime.empty() ? std::string("this format") : mime));
    return Status::OK();
  }
  auto blob = archive_->store()->Open((*file)->sha256);
  if (!blob.ok()) {
    note("the stored file cannot be read (" + std::string(StatusCodeName(blob.status().code())) + ")");
    if (scan) evidence->damaged = path;
    return Status::OK();
  }
  // Checked as it is read: text from damaged bytes is never indexed. The raw
  // bytes are searched for identity numbers too: comments, attributes,
  // document metadata, other encodings.
  auto checked = storage::VerifyingReader(std::move(*blob), (*file)->sha256);
  search::RawPersonnummerScanner scanner;
  ScanningReader scanning(checked.get(), scan ? &scanner : nullptr);
  std::string text;
  if (format == search::TextFormat::kUnsupported) {
    (void)scanning.ReadToEnd();  // an error shows in whole() below
    note("no text is extracted from " + (mime.empty() ? std::string("this format") : mime));
  } else {
    search::ExtractedText extracted = search::ExtractText(format, &scanning, (*file)->size, limits_, schemas_);
    if (!extracted.note.empty()) note(extracted.note);
    text = std::move(extracted.text);
  }
  // Every file of a candidate is read to its end and looked through, on
  // every path: also one whose text is not indexed.
  if (scan && !scanning.whole()) {
    evidence->damaged = path;
  } else if (scan && evidence->number_in.empty() && (scanner.Finish() || search::ContainsPersonnummer(text))) {
    evidence->number_in = "the file " + path;
  }
  if (record->text.size() + text.size() > kMaxRecordTextBytes) {
    note("the record's text is longer than " + std::to_string(kMaxRecordTextBytes) + " bytes; this file is not indexed");
    return Status::OK();
  }
  if (!text.empty()) {
    if (!record->text.empty()) record->text += "\n";
    record->text += text;
  }
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
      r.digests = rv.digests;
      Candidate(rv, &r);
      FileEvidence evidence;
      for (const std::string& path : rv.files) {
        BEVARA_RETURN_IF_ERROR(AddText(package_id, version, path, &r, progress, &evidence));
      }
      CheckCandidate(c, evidence, &r);
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
