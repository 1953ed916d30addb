// libFuzzer target: any bytes, read as a package through the archive reader
// (tar, tar.gz, zip), every entry admitted by the policy and read to its end.
// Must never crash, hang or leak, whatever the bytes.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "ingest/reader/archive_reader.h"

namespace {

class MemoryFile : public bevara::ReadableFile {
 public:
  MemoryFile(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bevara::Result<size_t> Read(char* buf, size_t n) override {
    size_t k = std::min(n, size_ - pos_);
    std::memcpy(buf, data_ + pos_, k);
    pos_ += k;
    return k;
  }
  bevara::Result<int64_t> Seek(int64_t offset, int whence) override {
    int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? static_cast<int64_t>(pos_) : static_cast<int64_t>(size_);
    int64_t target = base + offset;
    if (target < 0 || target > static_cast<int64_t>(size_)) return bevara::Status::InvalidArgument("seek");
    pos_ = static_cast<size_t>(target);
    return target;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t pos_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  bevara::ingest::ReaderLimits limits;
  limits.max_total_bytes = 64 << 20;  // keep each input cheap
  auto reader = bevara::ingest::NewArchiveReader(std::make_unique<MemoryFile>(data, size), "fuzz", limits);
  if (!reader.ok()) return 0;
  bevara::ingest::PackageEntry entry;
  char buf[8192];
  for (int i = 0; i < 10000; ++i) {
    auto more = (*reader)->Next(&entry);
    if (!more.ok() || !*more) break;
    for (;;) {
      auto n = (*reader)->Read(buf, sizeof buf);
      if (!n.ok() || *n == 0) break;
    }
  }
  return 0;
}
