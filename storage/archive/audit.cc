#include "storage/archive/audit.h"

#include <fcntl.h>

#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <sstream>

#include "src/common/file_util.h"

namespace bevara::storage {
namespace {

using Clock = std::chrono::steady_clock;
constexpr char kRecordPath[] = "(version record)";
constexpr char kInventoryPath[] = "(inventory)";

// Re-hashes blobs, keeping count, reporting progress and keeping to a rate.
class BlobChecker {
 public:
  // `found_by` names the check in the damage register ("audit", "verify").
  BlobChecker(Archive* archive, const AuditOptions& options, AuditReport* report, std::string found_by)
      : archive_(archive), options_(options), report_(report), found_by_(std::move(found_by)), start_(Clock::now()) {}

  void set_total(uint64_t total) { progress_.blobs_total = total; }

  // Checks one blob. Adds a problem (affected files still empty) and returns
  // it when the blob is missing, unreadable or corrupt; nullptr when intact.
  AuditProblem* Check(const std::string& name) {
    if (cancelled()) return nullptr;
    AuditProblem problem{"", name, "", {}};
    problem.kind = CheckStoredBlob(archive_->store(), name, [&](size_t n) {
      Account(n);
      return cancelled() ? Status::Internal("audit cancelled") : Status::OK();
    }, &problem.detail);
    if (cancelled()) return nullptr;
    ++report_->blobs_checked;
    ++progress_.blobs_done;
    Report(false);
    Register(problem);
    if (problem.kind.empty()) return nullptr;
    report_->problems.push_back(std::move(problem));
    return &report_->problems.back();
  }

  // Tells the damage register what this check found, so that the server
  // refuses a damaged blob, and serves a repaired one again. A register
  // that cannot be written is a problem of its own.
  void Register(const AuditProblem& problem) {
    DamageRegister* damage = archive_->damage();
    Status s = problem.kind.empty()
                   ? damage->MarkWhole(problem.blob, found_by_)
                   : damage->MarkDamaged({problem.blob, problem.kind, problem.detail, found_by_, ""});
    if (!s.ok()) report_->problems.push_back({"unrecorded", problem.blob, "the damage register: " + s.ToString(), {}});
  }

  void Finish() {
    Report(true);
    report_->seconds = Elapsed();
  }

 private:
  bool cancelled() const { return options_.cancel && options_.cancel->load(std::memory_order_relaxed); }
  double Elapsed() const { return std::chrono::duration<double>(Clock::now() - start_).count(); }

  void Account(size_t n) {
    report_->bytes_checked += n;
    progress_.bytes_done += n;
    PaceReading(start_, progress_.bytes_done, options_.max_bytes_per_second);
    Report(false);
  }

  void Report(bool final) {
    if (!options_.progress) return;
    auto now = Clock::now();
    if (!final && now - last_report_ < std::chrono::milliseconds(100)) return;
    last_report_ = now;
    progress_.seconds = Elapsed();
    options_.progress(progress_);
  }

  Archive* archive_;
  const AuditOptions& options_;
  AuditReport* report_;
  const std::string found_by_;
  Clock::time_point start_, last_report_;
  AuditProgress progress_;
};

}  // namespace

std::string CheckStoredBlob(BlobStore* store, const std::string& name, const std::function<Status(size_t n)>& account,
                            std::string* detail, Status* failure) {
  auto file = store->Open(name);
  // From the disk, not from memory: cached pages would hide rot the disk
  // already has (pages a server holds locked stay; see PinnedBlobs).
  if (file.ok() && (*file)->NativeHandle() >= 0) ::posix_fadvise((*file)->NativeHandle(), 0, 0, POSIX_FADV_DONTNEED);
  Result<std::string> digest =
      file.ok() ? ReadHashing(file->get(), [&](const char*, size_t n) { return account(n); }) : Result<std::string>(file.status());
  if (!digest.ok()) {
    if (failure) *failure = digest.status();
    *detail = digest.status().ToString();
    return digest.status().IsNotFound() ? "missing" : "unreadable";
  }
  if (*digest != name) {
    *detail = "content has SHA-256 " + *digest;
    return "corrupt";
  }
  return "";
}

namespace {

Status AddHolders(Catalog* catalog, AuditProblem* problem) {
  return catalog->ForEachHolder(problem->blob, [&](const std::string& id, uint32_t v, const std::string& path) {
    problem->affected.push_back({id, v, path});
    return Status::OK();
  });
}

// Checks a version's record and inventory blobs.
void CheckVersionBlobs(BlobChecker* checker, const VersionSummary& v) {
  if (AuditProblem* p = checker->Check(v.record)) p->affected.push_back({v.package_id, v.version, kRecordPath});
  if (AuditProblem* p = checker->Check(v.inventory)) p->affected.push_back({v.package_id, v.version, kInventoryPath});
}

// Compares a version record (the truth) with what the catalog says.
void CompareRecordWithCatalog(Archive* archive, const VersionSummary& v, AuditReport* report) {
  auto inconsistent = [&](std::string detail) {
    report->problems.push_back({"inconsistent", v.record, std::move(detail), {{v.package_id, v.version, kRecordPath}}});
  };
  auto record = archive->ReadVersionRecord(v.record);
  if (!record.ok()) return;  // reported by CheckVersionBlobs
  size_t i = 0;
  Status s = archive->catalog()->ForEachFile(v.package_id, v.version, [&](const FileRecord& f) -> Status {
    if (i >= record->files.size() || record->files[i].path != f.path || record->files[i].sha256 != f.sha256 ||
        record->files[i].size != f.size) {
      return Status::Corruption("catalog row for '" + f.path + "' differs from the version record");
    }
    ++i;
    return Status::OK();
  });
  if (!s.ok()) return inconsistent(s.message());
  if (i != record->files.size()) inconsistent("the catalog lists " + std::to_string(i) + " files, the record " +
                                              std::to_string(record->files.size()));
}

// Every version the catalog knows must be in the version log with the same
// record: the log is the archive's own account, and what only the catalog
// knows would not survive a rebuild.
Status CompareCatalogWithLog(Archive* archive, AuditReport* report) {
  std::map<std::pair<std::string, uint32_t>, std::string> logged;
  std::set<std::string> removed;
  BEVARA_RETURN_IF_ERROR(archive->versions()->ForEach([&](const VersionLogEntry& e) {
    if (e.kind == VersionLogKind::kRemoval) removed.insert(e.package_id);
    if (e.kind == VersionLogKind::kVersion) logged[{e.package_id, e.version}] = e.record;
    return Status::OK();
  }));
  BEVARA_RETURN_IF_ERROR(archive->catalog()->ForEachRemoval([&](const Removal& r) {
    if (!removed.count(r.package_id)) {
      report->problems.push_back({"inconsistent", "", "the catalog records the removal of package '" + r.package_id +
                                                          "', the version log does not: the log lost it (do not rebuild "
                                                          "the catalog, it would bring the package back)", {}});
    }
    return Status::OK();
  }));
  return archive->catalog()->ForEachVersion([&](const VersionSummary& v) {
    auto it = logged.find({v.package_id, v.version});
    std::string detail;
    if (removed.count(v.package_id)) {
      detail = "the catalog still lists a version of a package the version log says was removed";
    } else if (it == logged.end()) {
      detail = "the catalog lists a version the version log does not hold: the log lost it (its blobs are kept; do "
               "not rebuild the catalog)";
    } else if (it->second != v.record) {
      detail = "the catalog and the version log name different version records (" + it->second + " in the log)";
    }
    if (!detail.empty()) report->problems.push_back({"inconsistent", v.record, detail, {{v.package_id, v.version, kRecordPath}}});
    return Status::OK();
  });
}

}  // namespace

Result<AuditReport> AuditArchive(Archive* archive, const AuditOptions& options) {
  AuditReport report;
  for (const std::string& u : archive->recovery().unreadable) report.problems.push_back({"unreadable", "", u, {}});
  // The catalog first: a damaged block may hide rows from every scan below,
  // which would then pass over what they never saw.
  Status catalog_ok = archive->catalog()->VerifyChecksums();
  if (!catalog_ok.ok()) {
    report.problems.push_back({"catalog", "", catalog_ok.ToString() +
                                                  " (the version log and the store are intact: `bevara rebuild` makes a "
                                                  "new catalog from them)", {}});
    return report;
  }
  BEVARA_RETURN_IF_ERROR(CompareCatalogWithLog(archive, &report));
  Catalog* catalog = archive->catalog();
  uint64_t total = 0;
  BEVARA_RETURN_IF_ERROR(catalog->ForEachContentDigest([&](const std::string&) { return ++total, Status::OK(); }));
  BEVARA_RETURN_IF_ERROR(catalog->ForEachVersion([&](const VersionSummary&) { return total += 2, Status::OK(); }));
  BlobChecker checker(archive, options, &report, "audit");
  checker.set_total(total);
  BEVARA_RETURN_IF_ERROR(catalog->ForEachContentDigest([&](const std::string& digest) -> Status {
    if (AuditProblem* p = checker.Check(digest)) return AddHolders(catalog, p);
    return Status::OK();
  }));
  BEVARA_RETURN_IF_ERROR(catalog->ForEachVersion([&](const VersionSummary& v) {
    CheckVersionBlobs(&checker, v);
    return Status::OK();
  }));
  checker.Finish();
  return report;
}

Result<AuditReport> VerifyPackage(Archive* archive, const std::string& package_id, const AuditOptions& options) {
  Catalog* catalog = archive->catalog();
  auto package = catalog->GetPackage(package_id);
  if (!package.ok()) return package.status();
  if (!*package) return Status::NotFound("no package '" + package_id + "' in the archive");
  AuditReport report;
  BlobChecker checker(archive, options, &report, "verify");
  std::set<std::string> checked;
  for (uint32_t v = 1; v <= (*package)->head; ++v) {
    auto version = catalog->GetVersion(package_id, v);
    if (!version.ok()) return version.status();
    if (!*version) {
      report.problems.push_back({"inconsistent", "", "the catalog lacks version " + std::to_string(v), {}});
      continue;
    }
    CheckVersionBlobs(&checker, **version);
    CompareRecordWithCatalog(archive, **version, &report);
    BEVARA_RETURN_IF_ERROR(catalog->ForEachFile(package_id, v, [&](const FileRecord& f) -> Status {
      if (!checked.insert(f.sha256).second) return Status::OK();
      if (AuditProblem* p = checker.Check(f.sha256)) return AddHolders(catalog, p);
      return Status::OK();
    }));
  }
  checker.Finish();
  return report;
}

std::string AuditReport::ToJson() const {
  nlohmann::json problems_json = nlohmann::json::array();
  for (const AuditProblem& p : problems) {
    nlohmann::json affected = nlohmann::json::array();
    for (const AffectedFile& a : p.affected) {
      affected.push_back({{"package_id", a.package_id}, {"version", a.version}, {"path", a.path}});
    }
    problems_json.push_back({{"kind", p.kind}, {"blob", p.blob}, {"detail", p.detail}, {"affected", affected}});
  }
  nlohmann::json j = {{"clean", clean()},
                      {"blobs_checked", blobs_checked},
                      {"bytes_checked", bytes_checked},
                      {"seconds", seconds},
                      {"problems", problems_json}};
  return j.dump(2) + "\n";
}

std::string AuditReport::ToText() const {
  std::ostringstream out;
  out << (clean() ? "CLEAN" : "PROBLEMS FOUND") << ": " << blobs_checked << " blobs, " << bytes_checked
      << " bytes checked in " << seconds << " s\n";
  for (const AuditProblem& p : problems) {
    out << "  " << p.kind << (p.blob.empty() ? "" : " blob " + p.blob) << ": " << p.detail << "\n";
    for (const AffectedFile& a : p.affected) {
      out << "    affects " << a.package_id << " v" << a.version << " " << a.path << "\n";
    }
  }
  return out.str();
}

}  // namespace bevara::storage
