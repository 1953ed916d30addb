#include "ingest/pipeline/staging_sink.h"

#include <algorithm>

#include "ingest/formats/stored_container.h"
#include "src/common/hex.h"

namespace bevara::ingest {
namespace {

// The staged blob as a container, opened only when a container format
// asks for its entries.
class StagedContainer final : public formats::ContainerReader {
 public:
  StagedContainer(storage::BlobBatch* batch, std::string name) : batch_(batch), name_(std::move(name)) {}
  Status ForEachEntry(formats::ContainerType type, const std::function<bool(const std::string&)>& wants_content,
                      const std::function<void(const std::string&, const formats::ScanWindow*)>& entry) override {
    auto file = batch_->OpenStaged(name_);
    if (!file.ok()) return file.status();
    return formats::StoredContainer(file->get()).ForEachEntry(type, wants_content, entry);
  }

 private:
  storage::BlobBatch* batch_;
  std::string name_;
};

// The last n bytes of a staged blob of `size` bytes.
Result<std::string> ReadTail(storage::BlobBatch* batch, const std::string& name, uint64_t size, size_t n) {
  auto file = batch->OpenStaged(name);
  if (!file.ok()) return file.status();
  auto at = (*file)->Seek(static_cast<int64_t>(size - n), SEEK_SET);
  if (!at.ok()) return at.status();
  std::string tail(n, '\0');
  size_t got = 0;
  while (got < n) {
    auto r = (*file)->Read(tail.data() + got, n - got);
    if (!r.ok()) return r.status();
    if (*r == 0) return Status::Corruption("a staged file is shorter than what was written to it");
    got += *r;
  }
  return tail;
}

}  // namespace

Status StagingSink::BeginFile(const std::string& path) {
  auto writer = batch_->NewBlob();
  if (!writer.ok()) return writer.status();
  writer_ = std::move(*writer);
  path_ = path;
  ends_.Reset();
  return Status::OK();
}

Status StagingSink::Write(const char* data, size_t n) {
  ends_.Append(data, n);
  return writer_->Append(data, n);
}

Result<std::array<uint8_t, 32>> StagingSink::CompleteSha256() {
  auto name = writer_->Finish();
  writer_.reset();
  if (!name.ok()) return name.status();
  std::string raw;
  if (!HexDecode(*name, &raw) || raw.size() != 32) return Status::Internal("a blob name that is not a SHA-256");
  name_ = std::move(*name);
  std::array<uint8_t, 32> digest;
  std::copy(raw.begin(), raw.end(), digest.begin());
  return digest;
}

storage::FormatIdentity FormatIdentityOf(const formats::Identification& id, const std::string& mime_detected) {
  storage::FormatIdentity out;
  out.method = formats::MethodName(id.method);
  out.note = id.note;
  // A name is not evidence: a format known only by its extension stands
  // when libmagic sees the same kind of bytes (plain text for .txt), else
  // it is a candidate, not the file's format.
  bool trusted = id.method != formats::IdentificationMethod::kExtension;
  for (const formats::FormatMatch& m : id.matches) {
    trusted = trusted || (!m.mime.empty() && storage::MimeTypesAgree(m.mime.substr(0, m.mime.find(',')), mime_detected));
  }
  if (!trusted) {
    out.note += "; libmagic detected " + mime_detected + ", so the extension is not trusted";
    for (const formats::FormatMatch& m : id.matches) out.candidates.push_back(m.puid);
    return out;
  }
  if (id.matches.size() == 1) {
    out.puid = id.matches[0].puid;
    out.name = id.matches[0].name;
    out.version = id.matches[0].version;
  } else {
    for (const formats::FormatMatch& m : id.matches) out.candidates.push_back(m.puid);
  }
  return out;
}

Status StagingSink::EndFile(const ScannedFile& file) {
  if (name_.empty()) return Status::Internal("a file ended before its blob was complete");
  if (ends_.NeedsTail()) {
    auto tail = ReadTail(batch_, name_, ends_.size(), formats::PronomIdentifier::kScanBytes);
    if (!tail.ok()) return tail.status();
    ends_.SetTail(std::move(*tail));
  }
  formats::ScanWindow window = ends_.Window();
  std::string_view head = window.head().substr(0, storage::FormatIdentifier::kHeadBytes);
  StagedFile staged{path_, file.size, name_, file.other_digests, identifier_->Identify(head.data(), head.size())};
  if (pronom_) {
    StagedContainer container(batch_, name_);
    formats::Identification id = pronom_->Identify(window, path_, &container);
    if (!id.read_error.ok()) return id.read_error;
    staged.format = FormatIdentityOf(id, staged.mime_detected);
  }
  files_.push_back(std::move(staged));
  name_.clear();
  return Status::OK();
}

}  // namespace bevara::ingest
