#include "ingest/reader/archive_reader.h"

#include "ingest/reader/zip_names.h"

#include <archive.h>
#include <archive_entry.h>

#include <cstring>
#include <vector>

#include "ingest/reader/entry_policy.h"

namespace bevara::ingest {
namespace {

constexpr size_t kSourceBlock = 1 << 20;
// Central-directory headers read for the name check: past the entry limit,
// the entry policy refuses the package anyway.
constexpr uint64_t kMaxCentralEntries = 2'000'000;

RawEntryType TypeOf(struct archive_entry* e) {
  if (archive_entry_hardlink(e) != nullptr) return RawEntryType::kHardlink;
  if (archive_entry_symlink(e) != nullptr) return RawEntryType::kSymlink;
  switch (archive_entry_filetype(e)) {
    case AE_IFREG: return RawEntryType::kFile;
    case AE_IFDIR: return RawEntryType::kDirectory;
    case AE_IFLNK: return RawEntryType::kSymlink;
    case AE_IFCHR: return RawEntryType::kCharDevice;
    case AE_IFBLK: return RawEntryType::kBlockDevice;
    case AE_IFIFO: return RawEntryType::kFifo;
    default: return RawEntryType::kOther;
  }
}

class ArchiveReader final : public PackageReader {
 public:
  ArchiveReader(std::unique_ptr<ReadableFile> source, std::string name, const ReaderLimits& limits)
      : source_(std::move(source)), name_(std::move(name)), policy_(limits), block_(kSourceBlock) {}

  ~ArchiveReader() override {
    if (a_ != nullptr) archive_read_free(a_);
  }

  Status Open() {
    a_ = archive_read_new();
    if (a_ == nullptr) return Status::Internal("archive_read_new failed");
    // Zip's central directory is authoritative. When the source can seek,
    // only the seekable zip reader is enabled, so a zip whose central
    // directory is missing or damaged is refused rather than read
    // entry by entry from its local headers.
    bool seekable = source_->Seek(0, SEEK_CUR).ok();
    archive_read_support_format_tar(a_);
    if (seekable) {
      archive_read_support_format_zip_seekable(a_);
    } else {
      archive_read_support_format_zip_streamable(a_);
    }
    archive_read_support_filter_gzip(a_);
    archive_read_support_filter_none(a_);
    archive_read_set_callback_data(a_, this);
    archive_read_set_read_callback(a_, &ArchiveReader::ReadCallback);
    if (seekable) {
      archive_read_set_seek_callback(a_, &ArchiveReader::SeekCallback);
      archive_read_set_skip_callback(a_, &ArchiveReader::SkipCallback);
    }
    seekable_ = seekable;
    if (archive_read_open1(a_) != ARCHIVE_OK) {
      if (seekable && StartsWithZipMagic()) {
        return Status::Rejected("PKG-CORRUPT", name_ + " is a zip file without a readable central directory", name_);
      }
      return Translate("open");
    }
    return Status::OK();
  }

  // "PK\x03\x04": the first local file header of a zip archive.
  bool StartsWithZipMagic() {
    char magic[4] = {};
    if (!source_->Seek(0, SEEK_SET).ok()) return false;
    Result<size_t> n = source_->Read(magic, sizeof magic);
    return n.ok() && *n == 4 && std::memcmp(magic, "PK\x03\x04", 4) == 0;
  }

  Result<bool> Next(PackageEntry* entry) override {
    for (;;) {
      struct archive_entry* e = nullptr;
      int r = archive_read_next_header(a_, &e);
      if (r == ARCHIVE_EOF) return false;
      if (r < ARCHIVE_WARN) return Translate("read header");
      if (format_.empty()) {
        DetectFormat();
        if (format_ == "zip" && seekable_) BEVARA_RETURN_IF_ERROR(CheckZipNames());
      }
      const char* utf8 = archive_entry_pathname_utf8(e);
      const char* raw = utf8 != nullptr ? utf8 : archive_entry_pathname(e);
      std::string_view name = raw != nullptr ? raw : "";
      if (archive_entry_is_encrypted(e)) {
        return Status::Rejected("PKG-ENCRYPTED", "encrypted entries cannot be verified", Printable(name));
      }
      int64_t size = archive_entry_size_is_set(e) ? archive_entry_size(e) : -1;
      bool skip = false;
      BEVARA_RETURN_IF_ERROR(policy_.Admit(name, TypeOf(e), size, entry, &skip));
      if (skip) continue;
      current_ = entry->path;
      return true;
    }
  }

  Result<size_t> Read(char* buf, size_t n) override {
    la_ssize_t r = archive_read_data(a_, buf, n);
    if (r < 0) return Translate("read data of " + current_);
    BEVARA_RETURN_IF_ERROR(policy_.CountBytes(static_cast<uint64_t>(r)));
    BEVARA_RETURN_IF_ERROR(CheckRatio());
    return static_cast<size_t>(r);
  }

  std::string format() const override { return format_; }

 private:
  // libarchive reads "a\\b" in a zip as "a/b"; the tar reader does not. One
  // rule for both: the zip's own names (central directory and local headers)
  // are checked once libarchive has taken the file for a zip, wherever in
  // the file the zip starts. The source's offset is put back for libarchive.
  Status CheckZipNames() {
    Result<int64_t> here = source_->Seek(0, SEEK_CUR);
    if (!here.ok()) return here.status();
    Result<std::string> backslash = FirstZipNameWithBackslash(source_.get(), kMaxCentralEntries);
    if (!source_->Seek(*here, SEEK_SET).ok()) return Status::IOError("cannot seek back in " + name_);
    if (!backslash.ok()) return backslash.status();
    if (!backslash->empty()) {
      return Status::Rejected("PKG-BACKSLASH", "entry name holds a backslash", Printable(*backslash));
    }
    return Status::OK();
  }

  bool seekable_ = false;
  // The compression ratio is judged on what came out against what was read
  // from the source, which covers gzip filters and zip's per-entry deflate
  // alike (and zips whose entries share compressed data).
  Status CheckRatio() const {
    const ReaderLimits& l = policy_.limits();
    uint64_t out = policy_.total_bytes();
    if (out > l.ratio_grace_bytes && out / (source_bytes_ ? source_bytes_ : 1) > l.max_ratio) {
      return Status::Rejected("PKG-COMPRESSION-RATIO",
                              "decompressed " + std::to_string(out) + " bytes from " +
                                  std::to_string(source_bytes_) + ": ratio over " + std::to_string(l.max_ratio) +
                                  ":1 (compression bomb)",
                              current_);
    }
    return Status::OK();
  }

  void DetectFormat() {
    int fmt = archive_format(a_) & ARCHIVE_FORMAT_BASE_MASK;
    if (fmt == ARCHIVE_FORMAT_ZIP) {
      format_ = "zip";
    } else {
      format_ = archive_filter_code(a_, 0) == ARCHIVE_FILTER_GZIP ? "tar.gz" : "tar";
    }
  }

  Status Translate(const std::string& what) {
    if (!source_error_.ok()) return source_error_;
    const char* msg = archive_error_string(a_);
    std::string text = msg ? msg : "unknown libarchive error";
    if (what == "open" || (format_.empty() && text.find("Unrecognized") != std::string::npos)) {
      return Status::Rejected("PKG-FORMAT", name_ + " is not a tar, tar.gz or zip package: " + text, name_);
    }
    return Status::Rejected("PKG-CORRUPT", "damaged or truncated archive (" + what + "): " + text,
                            current_.empty() ? name_ : current_);
  }

  static la_ssize_t ReadCallback(struct archive*, void* self_ptr, const void** buffer) {
    auto* self = static_cast<ArchiveReader*>(self_ptr);
    Result<size_t> r = self->source_->Read(self->block_.data(), self->block_.size());
    if (!r.ok()) {
      self->source_error_ = r.status();
      return -1;
    }
    self->source_bytes_ += *r;
    *buffer = self->block_.data();
    return static_cast<la_ssize_t>(*r);
  }

  static la_int64_t SeekCallback(struct archive*, void* self_ptr, la_int64_t offset, int whence) {
    auto* self = static_cast<ArchiveReader*>(self_ptr);
    Result<int64_t> r = self->source_->Seek(offset, whence);
    if (!r.ok()) {
      self->source_error_ = r.status();
      return ARCHIVE_FATAL;
    }
    return *r;
  }

  static la_int64_t SkipCallback(struct archive*, void* self_ptr, la_int64_t request) {
    auto* self = static_cast<ArchiveReader*>(self_ptr);
    Result<int64_t> r = self->source_->Seek(request, SEEK_CUR);
    return r.ok() ? request : 0;  // 0: libarchive falls back to reading
  }

  std::unique_ptr<ReadableFile> source_;
  std::string name_;
  EntryPolicy policy_;
  std::vector<char> block_;
  struct archive* a_ = nullptr;
  uint64_t source_bytes_ = 0;
  Status source_error_;
  std::string format_;
  std::string current_;
};

}  // namespace

Result<std::unique_ptr<PackageReader>> NewArchiveReader(std::unique_ptr<ReadableFile> source,
                                                        const std::string& name,
                                                        const ReaderLimits& limits) {
  auto reader = std::make_unique<ArchiveReader>(std::move(source), name, limits);
  BEVARA_RETURN_IF_ERROR(reader->Open());
  return std::unique_ptr<PackageReader>(std::move(reader));
}

}  // namespace bevara::ingest
