#include "ingest/pipeline/ingester.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <set>
#include <nlohmann/json.hpp>

#include "ingest/pipeline/aip_version.h"
#include "ingest/pipeline/staging_sink.h"
#include "src/common/clock.h"
#include "src/common/version.h"
#include "storage/aip/aip_mets.h"
#include "storage/aip/format_identifier.h"
#include "storage/aip/inventory.h"

namespace bevara::ingest {
namespace {

using storage::FileRecord;
using storage::PremisEvent;
using storage::VersionRecord;

constexpr char kSubmission[] = "submission/";
constexpr size_t kMimeMismatchesListed = 20;
constexpr size_t kFormatFindingsListed = 20;

// The package's files as AIP file records, sorted by logical path.
std::vector<FileRecord> SubmissionFiles(std::vector<StagedFile> staged, PackageFacts& facts,
                                        const formats::FormatPolicy& policy) {
  // Sorted in place rather than indexed: a map of 100,000 entries costs MBs.
  std::vector<DeclaredFile>& declared = facts.declared;
  std::sort(declared.begin(), declared.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
  auto declared_mime = [&](const std::string& path) -> std::string {
    auto it = std::lower_bound(declared.begin(), declared.end(), path,
                               [](const DeclaredFile& d, const std::string& p) { return d.path < p; });
    return it != declared.end() && it->path == path ? it->mimetype : std::string();
  };
  std::vector<FileRecord> files;
  files.reserve(staged.size() + 1);  // + the AIP METS, inserted in front later
  for (StagedFile& s : staged) {
    FileRecord f;
    f.path = kSubmission + s.archive_path.substr(facts.root_prefix.size());
    f.size = s.size;
    f.sha256 = std::move(s.sha256);
    f.mime_detected = std::move(s.mime_detected);
    f.format = std::move(s.format);
    if (!f.format.empty()) f.format.policy = formats::StateName(policy.Judge(f.format.puid));
    for (const auto& [algorithm, hex] : s.other_digests) f.fixity[ShortDigestName(algorithm)] = hex;
    f.mime_declared = declared_mime(s.archive_path);
    files.push_back(std::move(f));
  }
  std::sort(files.begin(), files.end(), [](const FileRecord& a, const FileRecord& b) { return a.path < b.path; });
  return files;
}

std::string FormatInWords(const storage::FormatIdentity& id) {
  if (!id.puid.empty()) return id.puid + " (" + id.name + (id.version.empty() ? "" : " " + id.version) + ")";
  if (id.candidates.empty()) return "an unidentified format";
  std::string all;
  for (const std::string& c : id.candidates) all += (all.empty() ? "" : ", ") + c;
  if (id.candidates.size() == 1) return "a format its name suggests (" + all + ") but its bytes do not confirm";
  return "no single format (" + all + " tie)";
}

// Files the format policy does not accept: warnings or errors, as the
// policy's action says; files accepted for now: information.
void CheckFormatPolicy(const std::vector<FileRecord>& files, const formats::FormatPolicy& policy,
                       ValidationReport* report) {
  const bool reject = policy.action() == formats::PolicyAction::kReject;
  const char* rule = reject ? "FORMAT-POLICY" : "FORMAT-POLICY-WARN";
  size_t refused = 0, later = 0;
  report->Checked({rule, "FORMAT-MIGRATE"});
  for (const FileRecord& f : files) {
    const std::string what = FormatInWords(f.format);
    if (f.format.policy == "not_accepted" && ++refused <= kFormatFindingsListed) {
      report->Add(rule, "the archive does not accept " + what, f.path.substr(std::strlen(kSubmission)));
    } else if (f.format.policy == "accepted_for_now" && ++later <= kFormatFindingsListed) {
      report->Add("FORMAT-MIGRATE", what + " is accepted for now and listed for migration",
                  f.path.substr(std::strlen(kSubmission)));
    }
  }
  if (refused > kFormatFindingsListed) {
    report->Add(rule, std::to_string(refused) + " files in all are in formats the archive does not accept");
  }
  if (later > kFormatFindingsListed) {
    report->Add("FORMAT-MIGRATE", std::to_string(later) + " files in all are accepted for now");
  }
}

// Scans each distinct staged file once, with one engine; stops at the first
// file that is infected or could not be scanned whole (the package is
// rejected either way, and a scan may take minutes).
Status ScanFiles(storage::BlobBatch* batch, const std::vector<FileRecord>& files,
                 const scan::VirusScanner::Session& scanner, ValidationReport* report) {
  report->Checked({"VIRUS-FOUND", "VIRUS-SCAN-LIMIT"});
  std::set<std::string> done;
  for (const FileRecord& f : files) {
    if (!done.insert(f.sha256).second) continue;
    auto file = batch->OpenStaged(f.sha256);
    if (!file.ok()) return file.status();
    const std::string path = f.path.substr(std::strlen(kSubmission));
    auto verdict = scanner.Scan(file->get(), path);
    if (!verdict.ok()) return verdict.status();
    if (verdict->kind == scan::ScanVerdict::Kind::kInfected) {
      report->Add("VIRUS-FOUND", "the virus scanner found " + verdict->signature, path);
      return Status::OK();
    }
    if (verdict->kind == scan::ScanVerdict::Kind::kLimit) {
      report->Add("VIRUS-SCAN-LIMIT", "the file could not be scanned whole: " + verdict->signature, path);
      return Status::OK();
    }
  }
  return Status::OK();
}

// What PRONOM made of the files, for the format identification event.
std::string PronomSummary(const VersionRecord& r) {
  if (r.format_signatures.empty()) return "PRONOM identification not run";
  std::map<std::string, size_t> by_method, by_policy;
  for (const FileRecord& f : r.files) {
    if (f.format.empty()) continue;
    ++by_method[f.format.puid.empty() && !f.format.candidates.empty() ? "ambiguous" : f.format.method];
    ++by_policy[f.format.policy];
  }
  std::string out = "PRONOM (" + r.format_signatures + "):";
  for (const auto& [method, n] : by_method) out += " " + std::to_string(n) + " by " + method + ",";
  out += " format policy:";
  for (const auto& [state, n] : by_policy) out += " " + std::to_string(n) + " " + state + ",";
  out.pop_back();
  return out;
}

// The PREMIS events of this ingest (the ingestion itself is dated at commit).
std::vector<PremisEvent> IngestEvents(const VersionRecord& r, const ValidationReport& report,
                                      const std::string& validated_at, const std::string& virus_check) {
  const std::string agent = std::string("bevara ") + Version();
  uint64_t bytes = 0, mismatches = 0, declared_other = 0;
  std::string mismatch_list;
  for (const FileRecord& f : r.files) {
    bytes += f.size;
    declared_other += f.fixity.size();
    if (f.mime_declared.empty() || storage::MimeTypesAgree(f.mime_declared, f.mime_detected)) continue;
    if (++mismatches <= kMimeMismatchesListed) {
      mismatch_list += (mismatch_list.empty() ? ": " : "; ") + f.path + " declared " + f.mime_declared +
                       ", detected " + f.mime_detected;
    }
  }
  const std::string n = std::to_string(r.files.size());
  const std::string prefix = "event-v" + std::to_string(r.version) + "-";
  std::vector<PremisEvent> events = {
      {prefix + "1", "validation", validated_at, "success",
       "valid " + report.profile + " package (" + report.format + "): " + std::to_string(report.warning_count()) +
           " warnings",
       agent},
      {prefix + "2", "message digest calculation", validated_at, "success",
       "SHA-256 of " + n + " files (" + std::to_string(bytes) + " bytes) computed while reading the package", agent},
      {prefix + "3", "fixity check", validated_at, "success",
       "the declared size and checksum of " + n + " files verified" +
           (declared_other ? "; " + std::to_string(declared_other) + " digests in other algorithms recorded" : ""),
       agent},
      {prefix + "4", "format identification", validated_at, "success",
       PronomSummary(r) + "; libmagic identified " + n + " files; " + std::to_string(mismatches) +
           " disagree with the declared MIME type" + mismatch_list,
       agent},
  };
  if (!virus_check.empty()) {
    events.push_back({prefix + "6", "virus check", validated_at, "success",
                      "no malware found in " + n + " files; " + virus_check, agent});
  }
  events.push_back({prefix + "5", "ingestion", r.created, "success",
                    "archived as version " + std::to_string(r.version) + " of " + r.package_id, agent});
  return events;
}

// True when the head version holds exactly these submission files.
Result<bool> SameAsHead(storage::Catalog* catalog, const std::string& id, uint32_t head,
                        const std::vector<FileRecord>& files) {
  size_t i = 0;
  bool same = true;
  Status s = catalog->ForEachFile(id, head, [&](const FileRecord& f) -> Status {
    if (f.path.rfind(kSubmission, 0) != 0) return Status::OK();
    same = same && i < files.size() && files[i].path == f.path && files[i].sha256 == f.sha256;
    ++i;
    return Status::OK();
  });
  if (!s.ok()) return s;
  return same && i == files.size();
}

}  // namespace

Ingester::Ingester(storage::Archive* archive, std::shared_ptr<const SchemaSet> schemas, IngestOptions options)
    : archive_(archive), schemas_(std::move(schemas)), options_(std::move(options)) {}

Result<IngestOutcome> Ingester::Ingest(const std::string& package_path) {
  IngestOutcome out;
  auto batch = archive_->store()->NewBatch();
  if (!batch.ok()) return batch.status();
  auto identifier = storage::FormatIdentifier::Create();
  if (!identifier.ok()) return identifier.status();
  FormatWorker::IdentifierSource pronom;
  if (options_.identify_formats) {
    pronom = [given = options_.pronom]() -> Result<std::shared_ptr<const formats::PronomIdentifier>> {
      if (given) return given;
      return formats::PronomIdentifier::SharedEmbedded();
    };
  }
  StagingSink sink(batch->get(), identifier->get(), std::move(pronom));
  PackageFacts facts;
  PackageValidator validator(options_.package_env ? options_.package_env : archive_->env(), schemas_,
                             options_.validator);
  auto report = validator.Validate(package_path, &sink, &facts);
  if (!report.ok()) return report.status();
  out.report = std::move(*report);
  if (!out.report.valid()) return out;  // the batch's destructor drops what was staged
  if (facts.objid.empty()) return Status::InvalidArgument("the package has no OBJID to archive it under");
  if (!options_.required_producer.empty() && facts.producer_id != options_.required_producer) {
    out.report.Add("DEPOSIT-PRODUCER", "the package names producer '" + facts.producer_id +
                                           "'; this depositor may deposit only for '" + options_.required_producer + "'");
    return out;
  }
  const std::string validated_at = NowRfc3339(archive_->env());

  VersionRecord& r = out.record;
  r.package_id = facts.objid;
  r.message = options_.message;
  r.label = facts.label;
  r.profile = facts.profile;
  r.content_type = facts.type;
  r.producer_id = facts.producer_id;
  r.producer_name = facts.producer_name;
  r.sip_created = facts.create_date;
  r.sip_format = out.report.format;
  auto staged = sink.TakeFiles();
  if (!staged.ok()) return staged.status();
  r.files = SubmissionFiles(std::move(*staged), facts, options_.format_policy);
  r.format_signatures = sink.signatures();
  facts.declared = {};  // no longer needed; a large package's list is tens of MB
  CheckFormatPolicy(r.files, options_.format_policy, &out.report);
  if (!out.report.valid()) return out;  // the batch's destructor drops what was staged
  std::string virus_check;
  if (options_.scanner) {
    const scan::VirusScanner::Session session = options_.scanner->NewSession();
    BEVARA_RETURN_IF_ERROR(ScanFiles(batch->get(), r.files, session, &out.report));
    if (!out.report.valid()) return out;
    virus_check = session.Description();
  } else if (options_.scan_required) {
    return Status::Unavailable("virus scanning is required, but no signature database is loaded: nothing was archived");
  }
  if (options_.before_commit) BEVARA_RETURN_IF_ERROR(options_.before_commit());

  // From here to the commit the package is ours, and gc does not remove a
  // blob this batch found stored.
  auto update = archive_->BeginUpdate(r.package_id);
  if (!update.ok()) return update.status();
  if ((*update)->removal()) {
    out.report.Add("STORE-REMOVED", "package '" + r.package_id + "' was removed from the archive on " +
                                        (*update)->removal()->at + "; its id is not used again");
    return out;
  }
  storage::Catalog* catalog = archive_->catalog();
  const std::optional<storage::PackageSummary>& head = (*update)->head();
  std::string previous_inventory;
  if (head) {
    if (head->producer_id != r.producer_id) {
      out.report.Add("STORE-PRODUCER", "package '" + r.package_id + "' is archived for producer '" +
                                           head->producer_id + "', not '" + r.producer_id + "'");
      return out;
    }
    auto same = SameAsHead(catalog, r.package_id, head->head, r.files);
    if (!same.ok()) return same.status();
    auto head_version = catalog->GetVersion(r.package_id, head->head);
    if (!head_version.ok()) return head_version.status();
    if (!*head_version) return Status::Corruption("catalog: package '" + r.package_id + "' lacks its head version");
    if (*same) {
      auto record = archive_->ReadVersionRecord((*head_version)->record);
      if (!record.ok()) return record.status();
      out.record = std::move(*record);
      out.record_blob = (*head_version)->record;
      out.archived = out.duplicate = true;
      return out;
    }
    auto inventory = archive_->ReadBlob((*head_version)->inventory);
    if (!inventory.ok()) return inventory.status();
    previous_inventory = std::move(*inventory);
    r.version = head->head + 1;
  } else {
    r.version = 1;
  }
  r.created = NowRfc3339(archive_->env());
  r.events = IngestEvents(r, out.report, validated_at, virus_check);

  auto record_blob = StageAipVersion(batch->get(), std::move(previous_inventory), &r);
  if (!record_blob.ok()) return record_blob.status();
  out.record_blob = *record_blob;

  auto stored = (*batch)->Publish();
  if (!stored.ok()) return stored.status();
  out.stored = *stored;
  BEVARA_RETURN_IF_ERROR((*update)->Commit(r, out.record_blob));
  out.archived = true;
  return out;
}

Status WriteReceipt(const IngestOutcome& o, const std::function<Status(std::string_view)>& out) {
  nlohmann::json j;
  j["archived"] = o.archived;
  if (o.archived) {
    j["duplicate"] = o.duplicate;
    j["package_id"] = o.record.package_id;
    j["version"] = o.record.version;
    j["record"] = o.record_blob;
    j["stored"] = {{"new_blobs", o.stored.new_blobs}, {"new_bytes", o.stored.new_bytes}};
  }
  j["validation"] = nlohmann::json::parse(o.report.ToJson(), nullptr, false);
  std::string text = j.dump();
  if (!o.archived) return out(text + "\n");
  text.pop_back();  // the AIP's record follows
  BEVARA_RETURN_IF_ERROR(out(text + ",\"aip\":"));
  BEVARA_RETURN_IF_ERROR(storage::WriteJson(o.record, out));
  return out("}\n");
}

std::string ReceiptJson(const IngestOutcome& o) {
  std::string text;
  WriteReceipt(o, [&](std::string_view piece) {
    text.append(piece);
    return Status::OK();
  });
  return text;
}

}  // namespace bevara::ingest
