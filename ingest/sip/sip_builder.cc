#include "ingest/sip/sip_builder.h"

#include <archive.h>
#include <archive_entry.h>

#include <chrono>
#include <set>
#include <vector>

#include "ingest/mets/xsd_values.h"
#include "ingest/reader/entry_policy.h"
#include "ingest/sip/sip_documents.h"
#include "schemas/embedded_schemas.h"
#include "src/common/digest.h"
#include "src/common/path.h"

namespace bevara::ingest {
namespace {

constexpr size_t kBlock = 1 << 20;

// One entry of the archive: bytes held here, or a file read from the folder.
struct PlannedEntry {
  PackedFile file;
  std::string literal;  // when `source` is empty
  std::string source;   // the file in the folder
};

Status FileError(const std::string& path, const std::string& what) {
  return Status::Rejected("SIP-FILE", "'" + path + "' " + what, path);
}

// The listed file, checked: a regular file reached without symbolic links.
Result<uint64_t> CheckSource(Env* env, const std::string& dir, const std::string& rel) {
  std::string at = dir;
  for (std::string_view part : SplitPath(rel)) {
    at += "/" + std::string(part);
    Result<FileInfo> info = env->Lstat(at);
    if (!info.ok()) return FileError(rel, "is not in the files folder");
    bool last = at.size() == dir.size() + 1 + rel.size();
    if (info->type == FileType::kSymlink) return FileError(rel, "is or passes through a symbolic link");
    if (!last && info->type != FileType::kDirectory) return FileError(rel, "is not in the files folder");
    if (last && info->type != FileType::kRegular) return FileError(rel, "is not a regular file");
    if (last) return info->size;
  }
  return FileError(rel, "is not in the files folder");
}

std::string AboutText(const CaseDescription& d, const std::string& id) {
  size_t files = 0;
  for (const CaseRecord& r : d.records) files += r.files.size();
  return "Paket " + id + "\n\nÄrende " + d.case_number + ": " + d.title + "\nArkivbildare: " + d.archival_creator.name +
         " (" + d.archival_creator.id + ")\nLevererat av: " + d.producer.name + " (" + d.producer.id + ")\n" +
         std::to_string(d.records.size()) + " handlingar, " + std::to_string(files) +
         " filer.\n\nPaketet följer FGS Paketstruktur 2.0 (E-ARK CSIP 2.1 och SIP 2.1); ärendet beskrivs enligt "
         "FGS Ärendehantering (E-ARK ERMS) i metadata/descriptive/erms.xml.\nSkapat av " + d.software_name + " " +
         d.software_version + ".\n";
}

Result<std::vector<PlannedEntry>> Plan(Env* env, const CaseDescription& d, const std::string& id,
                                       const std::string& dir) {
  std::vector<PlannedEntry> plan;
  auto literal = [&](PackedFile::Group g, std::string path, std::string mime, std::string bytes) {
    PlannedEntry e;
    e.file = {g, std::move(path), std::move(mime), bytes.size(), Sha256Hex(bytes)};
    e.literal = std::move(bytes);
    plan.push_back(std::move(e));
  };
  literal(PackedFile::Group::kMetadata, "metadata/descriptive/erms.xml", "application/xml", ErmsXml(d, id));
  literal(PackedFile::Group::kMetadata, "metadata/preservation/premis.xml", "application/xml", PremisXml(d, id));
  literal(PackedFile::Group::kDocumentation, "documentation/om-paketet.txt", "text/plain", AboutText(d, id));
  std::set<std::string> seen;
  auto source = [&](PackedFile::Group g, const CaseFile& f, std::string path) -> Status {
    if (!seen.insert(path).second) return Status::OK();  // one file, listed by two records
    Result<uint64_t> size = CheckSource(env, dir, f.path);
    if (!size.ok()) return size.status();
    PlannedEntry e;
    e.file = {g, std::move(path), f.mimetype.empty() ? MimeTypeForName(f.path) : f.mimetype, *size, ""};
    e.source = dir + "/" + f.path;
    plan.push_back(std::move(e));
    return Status::OK();
  };
  for (const CaseFile& f : d.documentation) {
    if (f.path == "om-paketet.txt") return FileError(f.path, "has the name of the package's own description");
    BEVARA_RETURN_IF_ERROR(source(PackedFile::Group::kDocumentation, f, DocumentationPath(f)));
  }
  for (const schemas::EmbeddedSchema& s : schemas::All()) {
    std::string name = s.file_name;
    if (name == "fgs-extension-mets.xsd") continue;  // FGS 1.x only
    literal(PackedFile::Group::kSchemas, "schemas/" + name, "application/xml", std::string(s.data, s.size));
  }
  for (const CaseRecord& r : d.records)
    for (const CaseFile& f : r.files) BEVARA_RETURN_IF_ERROR(source(PackedFile::Group::kData, f, DataPath(f)));
  // The names the archive's own reader would refuse are refused here.
  EntryPolicy policy{ReaderLimits{}};
  for (const PlannedEntry& e : plan) {
    PackageEntry entry;
    bool skip = false;
    BEVARA_RETURN_IF_ERROR(policy.Admit(id + "/" + e.file.path, RawEntryType::kFile,
                                        static_cast<int64_t>(e.file.size), &entry, &skip));
  }
  return plan;
}

// libarchive writing into a WritableFile.
class ArchiveWriter {
 public:
  ArchiveWriter(WritableFile* out, SipFormat format, int64_t mtime) : out_(out), mtime_(mtime) {
    a_ = archive_write_new();
    if (format == SipFormat::kZip) {
      archive_write_set_format_zip(a_);
      // Stored: an archive package is read back by bevara and others; the
      // files inside are mostly compressed formats already.
      archive_write_set_options(a_, "zip:compression=store");
    } else {
      archive_write_set_format_pax_restricted(a_);
    }
    // libarchive hands its output on in blocks of 10 KiB by default: a write
    // per 10 KiB. One block per MiB, and no padding after the last.
    archive_write_set_bytes_per_block(a_, static_cast<int>(kBlock));
    archive_write_set_bytes_in_last_block(a_, 1);
    opened_ = archive_write_open2(a_, this, nullptr, &ArchiveWriter::Write, nullptr, nullptr) == ARCHIVE_OK;
  }
  ~ArchiveWriter() { archive_write_free(a_); }

  Status Header(const std::string& path, uint64_t size) {
    if (!opened_) return Error("open");
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname_utf8(e, path.c_str());
    archive_entry_set_filetype(e, AE_IFREG);
    archive_entry_set_perm(e, 0644);
    archive_entry_set_size(e, static_cast<la_int64_t>(size));
    archive_entry_set_mtime(e, mtime_, 0);
    archive_entry_set_uid(e, 0);
    archive_entry_set_gid(e, 0);
    int r = archive_write_header(a_, e);
    archive_entry_free(e);
    return r == ARCHIVE_OK ? Status::OK() : Error("write the header of " + path);
  }

  Status Data(const char* data, size_t n) {
    if (n == 0) return Status::OK();
    la_ssize_t r = archive_write_data(a_, data, n);
    return r == static_cast<la_ssize_t>(n) ? Status::OK() : Error("write");
  }

  Status Close() { return archive_write_close(a_) == ARCHIVE_OK ? Status::OK() : Error("close"); }
  uint64_t bytes() const { return bytes_; }

 private:
  static la_ssize_t Write(archive*, void* self, const void* buf, size_t n) {
    auto* w = static_cast<ArchiveWriter*>(self);
    w->error_ = w->out_->Append(static_cast<const char*>(buf), n);
    if (!w->error_.ok()) return -1;
    w->bytes_ += n;
    return static_cast<la_ssize_t>(n);
  }
  Status Error(const std::string& what) {
    if (!error_.ok()) return error_;
    const char* text = archive_error_string(a_);
    return Status::IOError("cannot " + what + ": " + (text ? text : "archive error"));
  }

  archive* a_;
  WritableFile* out_;
  int64_t mtime_;
  bool opened_ = false;
  Status error_;
  uint64_t bytes_ = 0;
};

// Streams one planned file into the archive, hashing it on the way.
Status CopyFile(Env* env, PlannedEntry* e, ArchiveWriter* w, std::vector<char>* buffer) {
  // The plan checked every component; the last is opened without following
  // a link that appeared since. (A folder swapped for a link in between is
  // the producer's own machine turning on it; the bytes are still the ones
  // hashed and declared.)
  OpenOptions options;
  options.no_follow = true;
  Result<std::unique_ptr<ReadableFile>> in = env->OpenForRead(e->source, options);
  if (!in.ok()) return FileError(e->file.path, "cannot be read (or became a symbolic link)");
  MultiDigester digest(DigestSet().With(DigestAlgorithm::kSha256));
  uint64_t left = e->file.size;
  while (left > 0) {
    Result<size_t> n = (*in)->Read(buffer->data(), std::min<uint64_t>(buffer->size(), left));
    if (!n.ok()) return n.status();
    if (*n == 0) return FileError(e->file.path, "became shorter while it was read");
    digest.Update(buffer->data(), *n);
    BEVARA_RETURN_IF_ERROR(w->Data(buffer->data(), *n));
    left -= *n;
  }
  char extra;
  Result<size_t> more = (*in)->Read(&extra, 1);
  if (!more.ok()) return more.status();
  if (*more != 0) return FileError(e->file.path, "grew while it was read");
  digest.Finish();
  e->file.sha256 = digest.Hex(DigestAlgorithm::kSha256);
  return Status::OK();
}

Status WriteAll(Env* env, const CaseDescription& d, const std::string& id, std::vector<PlannedEntry>* plan,
                ArchiveWriter* w) {
  std::vector<char> buffer(kBlock);
  std::vector<PackedFile> files;
  for (PlannedEntry& e : *plan) {
    BEVARA_RETURN_IF_ERROR(w->Header(id + "/" + e.file.path, e.file.size));
    if (e.source.empty()) {
      BEVARA_RETURN_IF_ERROR(w->Data(e.literal.data(), e.literal.size()));
      e.literal.clear();
      e.literal.shrink_to_fit();
    } else {
      BEVARA_RETURN_IF_ERROR(CopyFile(env, &e, w, &buffer));
    }
    files.push_back(e.file);
  }
  std::string mets = MetsXml(d, id, files);
  BEVARA_RETURN_IF_ERROR(w->Header(id + "/METS.xml", mets.size()));
  BEVARA_RETURN_IF_ERROR(w->Data(mets.data(), mets.size()));
  return w->Close();
}

int64_t EpochSeconds(const std::string& created) {
  auto day = XsdDay(created);
  return day ? std::chrono::duration_cast<std::chrono::seconds>(day->time_since_epoch()).count() : 0;
}

}  // namespace

Result<SipBuildResult> BuildSip(Env* env, const CaseDescription& d, const std::string& files_dir,
                                const std::string& out_path, SipFormat format) {
  SipBuildResult result;
  result.package_id = d.package_id.empty() ? DerivedPackageId(d) : d.package_id;
  Result<std::vector<PlannedEntry>> plan = Plan(env, d, result.package_id, files_dir);
  if (!plan.ok()) return plan.status();
  if (env->Lstat(out_path).ok()) return Status::AlreadyExists("'" + out_path + "' exists; bevara never replaces it");
  std::string part = out_path + ".part";
  Result<std::unique_ptr<WritableFile>> out = env->CreateExclusive(part, 0644);
  if (!out.ok()) {
    if (out.status().IsAlreadyExists()) {
      return Status::AlreadyExists("'" + part + "' exists: another run is writing it, or one was stopped; remove it");
    }
    return out.status();
  }
  Status s;
  {
    ArchiveWriter writer(out->get(), format, EpochSeconds(d.created));
    s = WriteAll(env, d, result.package_id, &*plan, &writer);
    result.bytes = writer.bytes();
  }
  if (s.ok()) s = (*out)->Sync();
  Status closed = (*out)->Close();
  if (s.ok()) s = closed;
  if (s.ok()) s = env->RenameNoReplace(part, out_path);
  if (s.ok()) s = env->SyncDir(DirName(out_path));
  if (!s.ok()) {
    (void)env->RemoveFile(part);
    return s;
  }
  result.files = plan->size() + 1;
  return result;
}

}  // namespace bevara::ingest
