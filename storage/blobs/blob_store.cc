#include "storage/blobs/blob_store.h"

#include <vector>

#include "src/common/digest.h"
#include "src/common/hex.h"

namespace bevara::storage {

bool IsBlobName(std::string_view name) { return name.size() == 64 && IsLowerHex(name); }

namespace {

class VerifyingFile final : public ReadableFile {
 public:
  VerifyingFile(std::unique_ptr<ReadableFile> base, std::string sha256)
      : base_(std::move(base)), sha256_(std::move(sha256)), digester_(DigestSet::Of(DigestAlgorithm::kSha256)) {}

  Result<size_t> Read(char* buf, size_t n) override {
    if (done_) return size_t{0};
    auto got = base_->Read(buf, n);
    if (!got.ok()) return got;
    if (*got > 0) {
      digester_.Update(buf, *got);
      return got;
    }
    done_ = true;
    digester_.Finish();
    if (digester_.Hex(DigestAlgorithm::kSha256) != sha256_) {
      return Status::Corruption("blob " + sha256_ + " does not match its digest: it is damaged");
    }
    return size_t{0};
  }

 private:
  std::unique_ptr<ReadableFile> base_;
  std::string sha256_;
  MultiDigester digester_;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<ReadableFile> VerifyingReader(std::unique_ptr<ReadableFile> blob, std::string sha256) {
  return std::make_unique<VerifyingFile>(std::move(blob), std::move(sha256));
}

Result<std::string> ReadHashing(ReadableFile* blob, const std::function<Status(const char* data, size_t n)>& consume) {
  // One buffer per thread: an audit reads thousands of small blobs, and a
  // fresh 1 MiB buffer each would be an mmap and munmap per blob.
  thread_local std::vector<char> buffer(1 << 20);
  MultiDigester digester(DigestSet::Of(DigestAlgorithm::kSha256));
  for (;;) {
    auto n = blob->Read(buffer.data(), buffer.size());
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    digester.Update(buffer.data(), *n);
    BEVARA_RETURN_IF_ERROR(consume(buffer.data(), *n));
  }
  digester.Finish();
  return digester.Hex(DigestAlgorithm::kSha256);
}

}  // namespace bevara::storage
