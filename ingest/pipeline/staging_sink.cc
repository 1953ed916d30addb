#include "ingest/pipeline/staging_sink.h"

#include <algorithm>

#include "src/common/hex.h"

namespace bevara::ingest {
StagingSink::StagingSink(storage::BlobBatch* batch, storage::FormatIdentifier* identifier,
                         FormatWorker::IdentifierSource pronom)
    : batch_(batch), identifier_(identifier) {
  if (pronom) pronom_ = std::make_unique<FormatWorker>(batch, std::move(pronom));
}

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

Status StagingSink::EndFile(const ScannedFile& file) {
  if (name_.empty()) return Status::Internal("a file ended before its blob was complete");
  const std::string_view head = ends_.head();
  const std::string_view magic_head = head.substr(0, storage::FormatIdentifier::kHeadBytes);
  StagedFile staged{path_, file.size, name_, file.other_digests, identifier_->Identify(magic_head.data(), magic_head.size())};
  if (pronom_) {  // the worker reads the rest back
    pronom_->Add(files_.size(), path_, name_, ends_.size(), std::string(WindowHead(head, ends_.size())),
                 staged.mime_detected);
  }
  files_.push_back(std::move(staged));
  name_.clear();
  return Status::OK();
}

Result<std::vector<StagedFile>> StagingSink::TakeFiles() {
  if (pronom_) {
    std::vector<storage::FormatIdentity> formats;
    BEVARA_RETURN_IF_ERROR(pronom_->Finish(&formats));
    for (size_t i = 0; i < formats.size() && i < files_.size(); ++i) files_[i].format = std::move(formats[i]);
  }
  return std::move(files_);
}

}  // namespace bevara::ingest
