#include "ingest/pipeline/reidentifier.h"

#include <chrono>

#include "ingest/pipeline/aip_version.h"
#include "ingest/pipeline/format_worker.h"
#include "src/common/clock.h"
#include "src/common/file_util.h"
#include "src/common/version.h"

namespace bevara::ingest {
namespace {

using storage::FileRecord;
using storage::VersionRecord;

constexpr size_t kChangesListed = 20;

// A stored blob read through a byte budget: every byte read is counted,
// and reading waits while the run is ahead of its rate.
class BudgetedFile final : public ReadableFile {
 public:
  BudgetedFile(std::unique_ptr<ReadableFile> file, const ReidentifyOptions& options, ReidentifyProgress* progress,
               std::chrono::steady_clock::time_point start)
      : file_(std::move(file)), options_(options), progress_(progress), start_(start) {}

  Result<size_t> Read(char* buf, size_t n) override {
    auto r = file_->Read(buf, n);
    if (!r.ok()) return r;
    progress_->bytes_read += *r;
    PaceReading(start_, progress_->bytes_read, options_.max_bytes_per_second);
    return r;
  }
  Result<int64_t> Seek(int64_t offset, int whence) override { return file_->Seek(offset, whence); }

 private:
  std::unique_ptr<ReadableFile> file_;
  const ReidentifyOptions& options_;
  ReidentifyProgress* progress_;
  std::chrono::steady_clock::time_point start_;
};

// The file's identification from its stored blob, through the same window
// the ingest had.
Result<storage::FormatIdentity> IdentifyStored(storage::Archive* archive, const FileRecord& f,
                                               const ReidentifyOptions& options, ReidentifyProgress* progress,
                                               std::chrono::steady_clock::time_point start) {
  auto opened = archive->store()->Open(f.sha256);
  if (!opened.ok()) return opened.status();
  BudgetedFile file(std::move(*opened), options, progress, start);
  std::string first;
  BEVARA_RETURN_IF_ERROR(ReadExactlyAt(&file, 0, std::min<uint64_t>(f.size, 2 * formats::PronomIdentifier::kScanBytes),
                                       &first, "a stored file is shorter than the catalog says"));
  return IdentifyFile(*options.pronom, WindowHead(first, f.size), f.size, [&]() -> Result<ReadableFile*> { return &file; },
                      f.path, f.mime_detected);
}

std::string Named(const storage::FormatIdentity& id) {
  if (!id.puid.empty()) return id.puid;
  return id.candidates.empty() ? "unidentified" : "ambiguous";
}

// One package: a new version when some file's format changed.
Status ReidentifyPackage(storage::Archive* archive, const std::string& id, const ReidentifyOptions& options,
                         ReidentifyProgress* progress, std::chrono::steady_clock::time_point start) {
  auto update = archive->BeginUpdate(id);
  if (!update.ok()) return update.status();
  if (!(*update)->head()) return Status::OK();  // removed meanwhile
  const uint32_t head = (*update)->head()->head;
  auto version = archive->catalog()->GetVersion(id, head);
  if (!version.ok()) return version.status();
  if (!*version) return Status::Corruption("catalog: package '" + id + "' lacks its head version");
  auto record = archive->ReadVersionRecord((*version)->record);
  if (!record.ok()) return record.status();
  VersionRecord r = std::move(*record);
  std::vector<FileRecord> files;
  std::string changes;
  uint64_t changed = 0;
  for (FileRecord& f : r.files) {
    if (f.path == kAipMetsPath) continue;  // bevara's own, made anew
    ++progress->files;
    auto fresh = IdentifyStored(archive, f, options, progress, start);
    if (!fresh.ok()) return fresh.status();
    fresh->policy = formats::StateName(options.policy.Judge(fresh->puid));
    if (fresh->puid != f.format.puid || fresh->candidates != f.format.candidates || fresh->method != f.format.method) {
      if (++changed <= kChangesListed) {
        changes += (changes.empty() ? ": " : "; ") + f.path + " " + (f.format.empty() ? "none" : Named(f.format)) +
                   " -> " + Named(*fresh);
      }
      f.format = std::move(*fresh);
    }
    files.push_back(std::move(f));
  }
  if (changed == 0) return Status::OK();
  progress->files_changed += changed;
  auto inventory = archive->ReadBlob((*version)->inventory);
  if (!inventory.ok()) return inventory.status();
  r.files = std::move(files);
  r.version = head + 1;
  r.created = NowRfc3339(archive->env());
  r.message = "Formats identified again with " + options.pronom->version();
  r.format_signatures = options.pronom->version();
  r.total_bytes = r.file_count = 0;
  r.events = {{"event-v" + std::to_string(r.version) + "-1", "format identification", r.created, "success",
               "PRONOM (" + options.pronom->version() + ") identified the files of version " + std::to_string(head) +
                   " again; " + std::to_string(changed) + " changed" + changes,
               std::string("bevara ") + Version()}};
  auto batch = archive->store()->NewBatch();
  if (!batch.ok()) return batch.status();
  auto record_blob = StageAipVersion(batch->get(), std::move(*inventory), &r);
  if (!record_blob.ok()) return record_blob.status();
  auto stored = (*batch)->Publish();
  if (!stored.ok()) return stored.status();
  BEVARA_RETURN_IF_ERROR((*update)->Commit(r, *record_blob));
  ++progress->new_versions;
  return Status::OK();
}

}  // namespace

Status Reidentify(storage::Archive* archive, const ReidentifyOptions& options, ReidentifyProgress* out) {
  if (!options.pronom) return Status::InvalidArgument("no PRONOM identifier");
  std::vector<std::string> ids;  // first, so that new versions do not disturb the listing
  BEVARA_RETURN_IF_ERROR(archive->catalog()->ListPackages({}, [&](const storage::PackageSummary& p) {
    ids.push_back(p.id);
    return Status::OK();
  }));
  ReidentifyProgress& progress = *out;
  progress.packages_total = ids.size();
  const auto start = std::chrono::steady_clock::now();
  for (const std::string& id : ids) {
    progress.current = id;
    BEVARA_RETURN_IF_ERROR(ReidentifyPackage(archive, id, options, &progress, start));
    ++progress.packages_done;
    if (options.progress) options.progress(progress);
  }
  progress.current.clear();
  return Status::OK();
}

}  // namespace bevara::ingest
