#include "ingest/formats/stored_container.h"

#include <archive.h>
#include <archive_entry.h>

#include <memory>

#include "ingest/formats/ole2_container.h"

namespace bevara::ingest::formats {
namespace {

struct Source {
  ReadableFile* file;
  Status error;  // the file's own failure, kept apart from the ZIP's damage
  char buffer[64 << 10];
};

la_ssize_t ReadCallback(archive*, void* opaque, const void** out) {
  auto* s = static_cast<Source*>(opaque);
  auto n = s->file->Read(s->buffer, sizeof(s->buffer));
  if (!n.ok()) {
    s->error = n.status();
    return -1;
  }
  *out = s->buffer;
  return static_cast<la_ssize_t>(*n);
}

la_int64_t SeekCallback(archive*, void* opaque, la_int64_t offset, int whence) {
  auto* s = static_cast<Source*>(opaque);
  auto r = s->file->Seek(offset, whence);
  if (!r.ok()) s->error = r.status();
  return r.ok() ? *r : ARCHIVE_FATAL;
}

la_int64_t SkipCallback(archive* a, void* opaque, la_int64_t request) {
  auto r = static_cast<Source*>(opaque)->file->Seek(request, SEEK_CUR);
  return r.ok() ? request : 0;
}

struct ArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};

// Reads the current entry into `ends`, out of `budget` bytes.
Status ReadEntry(archive* a, uint64_t* budget, ScanBuffer* ends) {
  char buf[16 << 10];
  for (;;) {
    la_ssize_t n = archive_read_data(a, buf, sizeof(buf));
    if (n < 0) return Status::Corruption("an entry could not be decompressed");
    if (n == 0) return Status::OK();
    if (static_cast<uint64_t>(n) > *budget) return Status::InvalidArgument("more than the decompression budget");
    *budget -= n;
    ends->Append(buf, n);
  }
}

}  // namespace

Status StoredContainer::ForEachEntry(ContainerType type, const std::function<bool(const std::string&)>& wants_content,
                                  const std::function<void(const std::string&, const ScanWindow*)>& entry) {
  if (type == ContainerType::kOle2) {
    return ForEachOle2Stream(file_, PronomIdentifier::kScanBytes, kMaxBytes, wants_content, entry);
  }
  BEVARA_RETURN_IF_ERROR(file_->Seek(0, SEEK_SET).status());
  std::unique_ptr<archive, ArchiveFree> a(archive_read_new());
  archive_read_support_format_zip_seekable(a.get());
  auto source = std::make_unique<Source>();
  source->file = file_;
  archive_read_set_read_callback(a.get(), ReadCallback);
  archive_read_set_seek_callback(a.get(), SeekCallback);
  archive_read_set_skip_callback(a.get(), SkipCallback);
  archive_read_set_callback_data(a.get(), source.get());
  // Where libarchive failed because the file could not be read, that is
  // the answer (the caller fails on it), not the ZIP's damage.
  auto failed = [&](const char* damage) { return source->error.ok() ? Status::Corruption(damage) : source->error; };
  if (archive_read_open1(a.get()) != ARCHIVE_OK) return failed("not a readable ZIP file");
  const size_t keep = PronomIdentifier::kScanBytes;
  uint64_t budget = kMaxBytes;
  archive_entry* e = nullptr;
  for (size_t count = 0;; ++count) {
    int r = archive_read_next_header(a.get(), &e);
    if (r == ARCHIVE_EOF) return Status::OK();
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN) return failed("a ZIP entry could not be read");
    if (count >= kMaxEntries) return Status::InvalidArgument("more than 100,000 entries");
    const char* path = archive_entry_pathname(e);
    if (!path) continue;
    std::string name = path;
    if (!wants_content(name)) {
      entry(name, nullptr);
      continue;
    }
    ScanBuffer ends(keep);
    if (Status s = ReadEntry(a.get(), &budget, &ends); !s.ok()) return source->error.ok() ? s : source->error;
    ScanWindow window = ends.Window();
    entry(name, &window);
  }
}

}  // namespace bevara::ingest::formats
