// MemoryFile: a ReadableFile over bytes held in memory (seekable), for
// callers that have the bytes already (fuzz targets, tests, small documents).
#pragma once

#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "src/common/env.h"

namespace bevara {

class MemoryFile final : public ReadableFile {
 public:
  // REQUIRES: `bytes` outlives the file.
  explicit MemoryFile(std::string_view bytes) : bytes_(bytes) {}

  Result<size_t> Read(char* buf, size_t n) override {
    n = std::min(n, bytes_.size() - pos_);
    if (n > 0) std::memcpy(buf, bytes_.data() + pos_, n);
    pos_ += n;
    return n;
  }

  Result<int64_t> Seek(int64_t offset, int whence) override {
    int64_t base = whence == SEEK_SET ? 0 : whence == SEEK_CUR ? static_cast<int64_t>(pos_)
                                                                : static_cast<int64_t>(bytes_.size());
    int64_t at = base + offset;
    if (at < 0) return Status::InvalidArgument("seek before the start");
    pos_ = std::min(static_cast<size_t>(at), bytes_.size());
    return static_cast<int64_t>(pos_);
  }

 private:
  std::string_view bytes_;
  size_t pos_ = 0;
};

}  // namespace bevara
