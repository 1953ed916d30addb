#include "ingest/pipeline/staging_sink.h"

#include <algorithm>

#include "src/common/hex.h"

namespace bevara::ingest {

Status StagingSink::BeginFile(const std::string& path) {
  auto writer = batch_->NewBlob();
  if (!writer.ok()) return writer.status();
  writer_ = std::move(*writer);
  path_ = path;
  head_.clear();
  return Status::OK();
}

Status StagingSink::Write(const char* data, size_t n) {
  if (head_.size() < storage::FormatIdentifier::kHeadBytes) {
    head_.append(data, std::min(n, storage::FormatIdentifier::kHeadBytes - head_.size()));
  }
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
  files_.push_back({path_, file.size, std::move(name_), file.other_digests,
                    identifier_->Identify(head_.data(), head_.size())});
  name_.clear();
  return Status::OK();
}

}  // namespace bevara::ingest
