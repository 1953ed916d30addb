#include "ingest/pipeline/staging_sink.h"

#include <algorithm>

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

Status StagingSink::EndFile(const ScannedFile& file) {
  // The store hashes the bytes it wrote itself; they must agree with the
  // validator's digest of the bytes it read, or nothing is stored.
  auto name = writer_->Finish(*file.Hex(DigestAlgorithm::kSha256));
  writer_.reset();
  if (!name.ok()) return name.status();
  files_.push_back({path_, file.size, *name, file.other_digests, identifier_->Identify(head_.data(), head_.size())});
  return Status::OK();
}

}  // namespace bevara::ingest
