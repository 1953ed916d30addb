#include "storage/copies/copy_audit.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <map>
#include <set>
#include <sstream>

#include "src/common/file_util.h"
#include "storage/blobs/s3_client.h"
#include "storage/copies/archive_blobs.h"

namespace bevara::storage {
namespace {

using Clock = std::chrono::steady_clock;

const OpenCopy* FindCopy(const std::vector<OpenCopy>& copies, const std::string& name) {
  for (const OpenCopy& c : copies) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

// Findings no file of the catalog holds (a version record, an AIP METS, an
// inventory, or a catalog that lost track) name the versions of the log that
// hold them: one pass over the log, and only when such findings exist.
Status NameVersionHolders(Archive* archive, std::vector<CopyFinding>* findings) {
  std::map<std::string, CopyFinding*> orphans;
  for (CopyFinding& f : *findings) {
    if (f.affected.empty()) orphans[f.blob] = &f;
  }
  if (orphans.empty()) return Status::OK();
  return ForEachHeldVersion(archive, nullptr, [&](const VersionBlobs& v) {
    for (const HeldBlob& b : v.blobs) {
      auto it = orphans.find(b.name);
      if (it != orphans.end()) it->second->affected.push_back({v.package, v.version, BlobRoleName(b.role)});
    }
    return Status::OK();
  });
}

}  // namespace

uint64_t CopyAuditReport::repaired() const {
  uint64_t n = 0;
  for (const CopyFinding& f : findings) n += f.repaired_from.empty() ? 0 : 1;
  return n;
}

uint64_t CopyAuditReport::unrepaired() const { return findings.size() - repaired(); }

std::string CopyAuditReport::ToJson() const {
  nlohmann::json out = {{"copy", copy}, {"blobs_checked", blobs_checked}, {"bytes_checked", bytes_checked},
                        {"seconds", seconds}, {"complete", complete}, {"repaired", repaired()},
                        {"unrepaired", unrepaired()}, {"findings", nlohmann::json::array()}};
  for (const CopyFinding& f : findings) {
    nlohmann::json j = {{"blob", f.blob}, {"size", f.size}, {"kind", f.kind}, {"detail", f.detail}};
    if (!f.repaired_from.empty()) j["repaired_from"] = f.repaired_from;
    if (!f.not_repaired.empty()) j["not_repaired"] = f.not_repaired;
    j["affected"] = nlohmann::json::array();
    for (const AffectedFile& a : f.affected) j["affected"].push_back({{"package", a.package_id}, {"version", a.version}, {"path", a.path}});
    out["findings"].push_back(j);
  }
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string CopyAuditReport::ToText() const {
  std::ostringstream out;
  out << "copy " << copy << ": " << blobs_checked << " blobs, " << bytes_checked << " bytes checked in " << seconds << " s";
  if (!complete) out << " (stopped early)";
  out << "\n";
  for (const CopyFinding& f : findings) {
    out << "  " << f.kind << " " << f.blob << ": " << f.detail << "\n";
    if (!f.repaired_from.empty()) out << "    repaired from copy " << f.repaired_from << "\n";
    if (!f.not_repaired.empty()) out << "    NOT REPAIRED: " << f.not_repaired << "\n";
    for (const AffectedFile& a : f.affected) out << "    affects " << a.package_id << " v" << a.version << " " << a.path << "\n";
  }
  if (findings.empty()) out << "  every blob whole\n";
  return out.str();
}

Result<std::string> RepairBlob(Archive* archive, const std::vector<OpenCopy>& copies, const OpenCopy& target,
                               const std::string& blob, uint64_t size) {
  std::vector<std::string> tried;
  for (const OpenCopy& source : copies) {
    if (source.name == target.name) continue;
    if (!source.local && !source.ledger->Confirmed(blob)) {
      tried.push_back(source.name + ": does not hold it");
      continue;
    }
    auto file = source.store->Open(blob);
    if (!file.ok()) {
      tried.push_back(source.name + ": " + file.status().ToString());
      continue;
    }
    // Restore refuses bytes that do not hash to the name; the reader says why.
    auto verified = VerifyingReader(std::move(*file), blob);
    Status restored = target.store->Restore(blob, verified.get());
    if (!restored.ok()) {
      tried.push_back(source.name + ": " + restored.ToString());
      continue;
    }
    // Read back from the repaired copy, and hashed again.
    std::string detail;
    const std::string again = CheckStoredBlob(target.store, blob, [](size_t) { return Status::OK(); }, &detail);
    if (!again.empty()) {
      tried.push_back(source.name + ": written, but read back " + again + " (" + detail + ")");
      continue;
    }
    BEVARA_RETURN_IF_ERROR(
        target.ledger->Record(target.ledger->NewEvent("repair", blob, size, "repaired", "from copy " + source.name)));
    if (target.local) BEVARA_RETURN_IF_ERROR(archive->damage()->MarkWhole(blob, "repair"));
    return source.name;
  }
  std::string why = "no copy could give good bytes (";
  for (size_t i = 0; i < tried.size(); ++i) why += (i ? "; " : "") + tried[i];
  why += tried.empty() ? "there is no other copy)" : ")";
  (void)target.ledger->Record(target.ledger->NewEvent("repair", blob, size, "failed", why));
  return Status::NotFound(why);
}

Result<CopyAuditReport> AuditBlobs(Archive* archive, const std::vector<OpenCopy>& copies, const std::string& target_name,
                                   const std::vector<HeldBlob>& blobs, const CopyAuditOptions& options) {
  const OpenCopy* target = FindCopy(copies, target_name);
  if (!target) return Status::NotFound("there is no copy named " + target_name);
  CopyAuditReport report;
  report.copy = target_name;
  const auto start = Clock::now();
  auto cancelled = [&] { return options.cancel && options.cancel->load(std::memory_order_relaxed); };
  auto account = [&](size_t n) {
    report.bytes_checked += n;
    PaceReading(start, report.bytes_checked, options.max_bytes_per_second);
    return cancelled() ? Status::Unavailable("audit stopped") : Status::OK();
  };
  for (const HeldBlob& b : blobs) {
    if (cancelled()) break;
    if (options.only && !options.only(b.name)) continue;
    if (!target->local && !target->ledger->Find(b.name)) continue;  // never copied: lag, not damage
    CopyFinding f{b.name, b.size, "", "", "", "", {}};
    Status failure;
    f.kind = CheckStoredBlob(target->store, b.name, account, &f.detail, &failure);
    if (cancelled()) break;
    // A store that does not answer, refuses our credentials or has lost its
    // bucket says nothing about this blob: the audit stops, and nothing is
    // recorded as damaged (every blob would be, and each "repaired").
    if (!target->local && IsStoreWideFailure(failure)) {
      BEVARA_RETURN_IF_ERROR(target->ledger->Sync());
      return failure.WithMessage("copy " + target_name + ": " + failure.message());
    }
    ++report.blobs_checked;
    BEVARA_RETURN_IF_ERROR(target->ledger->Record(
        target->ledger->NewEvent("fixity check", b.name, b.size, f.kind.empty() ? "whole" : f.kind, f.detail), false));
    if (target->local) {
      BEVARA_RETURN_IF_ERROR(f.kind.empty() ? archive->damage()->MarkWhole(b.name, "audit")
                                            : archive->damage()->MarkDamaged({b.name, f.kind, f.detail, "audit", ""}));
    }
    if (options.progress) options.progress(report.blobs_checked, report.bytes_checked);
    if (f.kind.empty()) continue;
    (void)archive->catalog()->ForEachHolder(b.name, [&](const std::string& id, uint32_t ver, const std::string& path) {
      f.affected.push_back({id, ver, path});
      return Status::OK();
    });
    if (options.repair) {
      auto from = RepairBlob(archive, copies, *target, b.name, b.size);
      if (from.ok()) {
        f.repaired_from = *from;
      } else {
        f.not_repaired = from.status().message();
      }
    }
    report.findings.push_back(std::move(f));
  }
  BEVARA_RETURN_IF_ERROR(target->ledger->Sync());
  BEVARA_RETURN_IF_ERROR(NameVersionHolders(archive, &report.findings));
  report.complete = !cancelled();
  report.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  return report;
}

Result<std::vector<HeldBlob>> HeldBlobs(Archive* archive) {
  std::vector<HeldBlob> blobs;
  std::set<std::string> seen;
  BEVARA_RETURN_IF_ERROR(ForEachHeldVersion(archive, nullptr, [&](const VersionBlobs& v) {
    for (const HeldBlob& b : v.blobs) {
      if (seen.insert(b.name).second) blobs.push_back(b);
    }
    return Status::OK();
  }));
  std::sort(blobs.begin(), blobs.end(), [](const HeldBlob& a, const HeldBlob& b) { return a.name < b.name; });
  return blobs;
}

Result<CopyAuditReport> AuditCopy(Archive* archive, const std::vector<OpenCopy>& copies, const std::string& target,
                                  const CopyAuditOptions& options) {
  auto blobs = HeldBlobs(archive);
  if (!blobs.ok()) return blobs.status();
  return AuditBlobs(archive, copies, target, *blobs, options);
}

}  // namespace bevara::storage
