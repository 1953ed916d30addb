#include "ingest/reader/zip_names.h"

#include <algorithm>
#include <cstring>

#include "src/common/file_util.h"

namespace bevara::ingest {
namespace {

constexpr uint32_t kEndOfCentralDirectory = 0x06054b50;
constexpr uint32_t kZip64Locator = 0x07064b50;
constexpr uint32_t kZip64End = 0x06064b50;
constexpr uint32_t kCentralHeader = 0x02014b50;
constexpr size_t kEndRecordSize = 22, kMaxComment = 65535;

uint64_t Le(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<unsigned char>(p[i]);
  return v;
}

Status Corrupt(const std::string& why) {
  return Status::Rejected("PKG-CORRUPT", "the zip central directory " + why);
}

// A file that ends early is a damaged zip; a failed read stays what it is.
Status ReadAt(ReadableFile* file, uint64_t offset, size_t n, std::string* out) {
  Status s = ReadExactlyAt(file, offset, n, out, "ends early");
  if (s.code() == StatusCode::kCorruption) return Corrupt("ends early");
  return s;
}

struct Directory {
  uint64_t offset = 0, size = 0, entries = 0;
};

Result<Directory> FindDirectory(ReadableFile* file, uint64_t file_size) {
  size_t tail_size = static_cast<size_t>(std::min<uint64_t>(file_size, kEndRecordSize + kMaxComment));
  if (tail_size < kEndRecordSize) return Corrupt("is missing");
  std::string tail;
  BEVARA_RETURN_IF_ERROR(ReadAt(file, file_size - tail_size, tail_size, &tail));
  for (size_t at = tail_size - kEndRecordSize + 1; at-- > 0;) {
    const char* p = tail.data() + at;
    if (Le(p, 4) != kEndOfCentralDirectory) continue;
    Directory d{Le(p + 16, 4), Le(p + 12, 4), Le(p + 10, 2)};
    bool zip64 = d.offset == 0xFFFFFFFF || d.size == 0xFFFFFFFF || d.entries == 0xFFFF;
    uint64_t record = file_size - tail_size + at;
    if (!zip64) return d;
    if (record < 20) return Corrupt("names a ZIP64 record that is not there");
    std::string locator;
    BEVARA_RETURN_IF_ERROR(ReadAt(file, record - 20, 20, &locator));
    if (Le(locator.data(), 4) != kZip64Locator) return Corrupt("names a ZIP64 record that is not there");
    std::string end64;
    BEVARA_RETURN_IF_ERROR(ReadAt(file, Le(locator.data() + 8, 8), 56, &end64));
    if (Le(end64.data(), 4) != kZip64End) return Corrupt("has a damaged ZIP64 record");
    return Directory{Le(end64.data() + 48, 8), Le(end64.data() + 40, 8), Le(end64.data() + 32, 8)};
  }
  return Corrupt("is missing");
}

}  // namespace

Result<std::string> FirstZipNameWithBackslash(ReadableFile* file, uint64_t max_entries) {
  Result<int64_t> end = file->Seek(0, SEEK_END);
  if (!end.ok()) return end.status();
  uint64_t file_size = static_cast<uint64_t>(*end);
  Result<Directory> found = FindDirectory(file, file_size);
  if (!found.ok()) return found.status();
  const Directory& d = *found;
  if (d.offset > file_size || d.size > file_size - d.offset) return Corrupt("lies outside the file");
  uint64_t at = d.offset, stop = d.offset + d.size;
  std::string header, name;
  for (uint64_t i = 0; i < d.entries && i <= max_entries; ++i) {
    if (stop - at < 46) return Corrupt("ends inside an entry");
    BEVARA_RETURN_IF_ERROR(ReadAt(file, at, 46, &header));
    if (Le(header.data(), 4) != kCentralHeader) return Corrupt("has a damaged entry");
    uint64_t name_length = Le(header.data() + 28, 2), extra = Le(header.data() + 30, 2),
             comment = Le(header.data() + 32, 2);
    if (stop - at - 46 < name_length + extra + comment) return Corrupt("ends inside an entry");
    BEVARA_RETURN_IF_ERROR(ReadAt(file, at + 46, name_length, &name));
    if (name.find('\\') != std::string::npos) return name;
    at += 46 + name_length + extra + comment;
  }
  return std::string();
}

}  // namespace bevara::ingest
