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
    uint64_t end64_offset = Le(locator.data() + 8, 8);
    if (end64_offset > record || record - end64_offset < 56) return Corrupt("names a ZIP64 record outside the file");
    std::string end64;
    BEVARA_RETURN_IF_ERROR(ReadAt(file, end64_offset, 56, &end64));
    if (Le(end64.data(), 4) != kZip64End) return Corrupt("has a damaged ZIP64 record");
    return Directory{Le(end64.data() + 48, 8), Le(end64.data() + 40, 8), Le(end64.data() + 32, 8)};
  }
  return Corrupt("is missing");
}

// The local header's offset of a central entry: its own field, or the
// ZIP64 extra field's when that says 0xFFFFFFFF.
Result<uint64_t> LocalHeaderOffset(const std::string& header, const std::string& extra) {
  uint64_t offset = Le(header.data() + 42, 4);
  if (offset != 0xFFFFFFFF) return offset;
  // ZIP64 extended information (0x0001): the 8-byte values present are, in
  // order, the sizes that were 0xFFFFFFFF and then the offset.
  size_t skip = (Le(header.data() + 24, 4) == 0xFFFFFFFF ? 8 : 0) + (Le(header.data() + 20, 4) == 0xFFFFFFFF ? 8 : 0);
  for (size_t at = 0; at + 4 <= extra.size();) {
    uint64_t id = Le(extra.data() + at, 2), size = Le(extra.data() + at + 2, 2);
    if (at + 4 + size > extra.size()) break;
    if (id == 1 && skip + 8 <= size) return Le(extra.data() + at + 4 + skip, 8);
    at += 4 + size;
  }
  return Corrupt("has an entry without its local header's offset");
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
  // The directory is walked to its end by its size, as libarchive reads it,
  // whatever count the end record claims; a count that disagrees is damage.
  uint64_t at = d.offset, stop = d.offset + d.size, entries = 0;
  std::string header, name, extra, local;
  while (at < stop) {
    if (++entries > max_entries) return Corrupt("holds more entries than a package may");
    if (stop - at < 46) return Corrupt("ends inside an entry");
    BEVARA_RETURN_IF_ERROR(ReadAt(file, at, 46, &header));
    if (Le(header.data(), 4) != kCentralHeader) return Corrupt("has a damaged entry");
    uint64_t name_length = Le(header.data() + 28, 2), extra_length = Le(header.data() + 30, 2),
             comment = Le(header.data() + 32, 2);
    if (stop - at - 46 < name_length + extra_length + comment) return Corrupt("ends inside an entry");
    BEVARA_RETURN_IF_ERROR(ReadAt(file, at + 46, name_length, &name));
    if (name.find('\\') != std::string::npos) return name;
    BEVARA_RETURN_IF_ERROR(ReadAt(file, at + 46 + name_length, extra_length, &extra));
    // The local header names the entry too; a reader may believe either.
    Result<uint64_t> offset = LocalHeaderOffset(header, extra);
    if (!offset.ok()) return offset.status();
    if (*offset > file_size || file_size - *offset < 30) return Corrupt("points outside the file");
    BEVARA_RETURN_IF_ERROR(ReadAt(file, *offset, 30, &local));
    if (Le(local.data(), 4) != 0x04034b50) return Corrupt("points at no local header");
    uint64_t local_name_length = Le(local.data() + 26, 2);
    if (file_size - *offset - 30 < local_name_length) return Corrupt("points at a local header cut short");
    BEVARA_RETURN_IF_ERROR(ReadAt(file, *offset + 30, local_name_length, &local));
    if (local.find('\\') != std::string::npos) return local;
    at += 46 + name_length + extra_length + comment;
  }
  if (entries != d.entries) return Corrupt("holds " + std::to_string(entries) + " entries, not the " +
                                           std::to_string(d.entries) + " its end record claims");
  return std::string();
}

}  // namespace bevara::ingest
