#include "storage/blobs/blob_store.h"

#include <vector>

#include "src/common/digest.h"
#include "src/common/hex.h"

namespace bevara::storage {

bool IsBlobName(std::string_view name) { return name.size() == 64 && IsLowerHex(name); }

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
