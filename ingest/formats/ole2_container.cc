#include "ingest/formats/ole2_container.h"

#include <cstring>
#include <vector>

namespace bevara::ingest::formats {
namespace {

constexpr uint32_t kEndOfChain = 0xFFFFFFFE;
constexpr uint32_t kNoStream = 0xFFFFFFFF;
constexpr size_t kMaxEntries = 100000;
constexpr unsigned char kMagic[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};

uint32_t U32(const char* p) {
  auto* u = reinterpret_cast<const unsigned char*>(p);
  return u[0] | u[1] << 8 | u[2] << 16 | uint32_t(u[3]) << 24;
}
uint16_t U16(const char* p) {
  auto* u = reinterpret_cast<const unsigned char*>(p);
  return u[0] | u[1] << 8;
}

struct DirEntry {
  std::string name;
  uint8_t type = 0;  // 1 storage, 2 stream, 5 root
  uint32_t left = kNoStream, right = kNoStream, child = kNoStream, start = 0;
  uint64_t size = 0;
};

class CompoundFile {
 public:
  explicit CompoundFile(ReadableFile* file) : file_(file) {}

  Status Open() {
    auto end = file_->Seek(0, SEEK_END);
    if (!end.ok()) return end.status();
    file_size_ = *end;
    std::string header;
    BEVARA_RETURN_IF_ERROR(ReadAt(0, 512, &header));
    if (std::memcmp(header.data(), kMagic, 8) != 0) return Status::Corruption("not an OLE2 file");
    uint16_t shift = U16(&header[0x1E]), mini_shift = U16(&header[0x20]);
    if ((shift != 9 && shift != 12) || mini_shift != 6) return Status::Corruption("an OLE2 sector size");
    sector_ = size_t{1} << shift;
    mini_cutoff_ = U32(&header[0x38]);
    sectors_ = file_size_ / sector_;  // an upper bound on every chain
    // The FAT's sectors: 109 in the header, the rest in the DIFAT chain.
    std::vector<uint32_t> fat_sectors;
    for (int i = 0; i < 109; ++i) fat_sectors.push_back(U32(&header[0x4C + 4 * i]));
    uint32_t difat = U32(&header[0x44]);
    for (uint64_t n = 0; difat != kEndOfChain && difat != kNoStream; ++n) {
      if (n > sectors_) return Status::Corruption("an OLE2 DIFAT loop");
      std::string s;
      BEVARA_RETURN_IF_ERROR(ReadSector(difat, &s));
      for (size_t i = 0; i + 4 < sector_; i += 4) fat_sectors.push_back(U32(&s[i]));
      difat = U32(&s[sector_ - 4]);
    }
    uint32_t fat_count = U32(&header[0x2C]);
    if (fat_count > fat_sectors.size() || fat_count > sectors_) return Status::Corruption("an OLE2 FAT size");
    for (uint32_t i = 0; i < fat_count; ++i) {
      std::string s;
      BEVARA_RETURN_IF_ERROR(ReadSector(fat_sectors[i], &s));
      for (size_t j = 0; j < sector_; j += 4) fat_.push_back(U32(&s[j]));
    }
    std::string dir;
    BEVARA_RETURN_IF_ERROR(ReadChain(fat_, U32(&header[0x30]), UINT64_MAX, false, &dir));
    for (size_t off = 0; off + 128 <= dir.size() && entries_.size() < kMaxEntries; off += 128) {
      entries_.push_back(ParseEntry(&dir[off]));
    }
    if (entries_.empty() || entries_[0].type != 5) return Status::Corruption("an OLE2 file without a root");
    std::string minifat;
    BEVARA_RETURN_IF_ERROR(ReadChain(fat_, U32(&header[0x3C]), UINT64_MAX, false, &minifat));
    for (size_t j = 0; j + 4 <= minifat.size(); j += 4) minifat_.push_back(U32(&minifat[j]));
    return ReadChain(fat_, entries_[0].start, entries_[0].size, false, &mini_stream_);
  }

  const std::vector<DirEntry>& entries() const { return entries_; }

  // A stream's bytes (at most `limit`).
  Status ReadStream(const DirEntry& e, uint64_t limit, std::string* out) {
    uint64_t size = std::min(e.size, limit);
    if (e.size < mini_cutoff_) return ReadChain(minifat_, e.start, size, true, out);
    return ReadChain(fat_, e.start, size, false, out);
  }

 private:
  Status ReadAt(uint64_t offset, size_t n, std::string* out) {
    if (offset + n > file_size_) return Status::Corruption("an OLE2 sector beyond the end of the file");
    BEVARA_RETURN_IF_ERROR(file_->Seek(static_cast<int64_t>(offset), SEEK_SET).status());
    out->resize(n);
    size_t got = 0;
    while (got < n) {
      auto r = file_->Read(out->data() + got, n - got);
      if (!r.ok()) return r.status();
      if (*r == 0) return Status::Corruption("an OLE2 file cut short");
      got += *r;
    }
    return Status::OK();
  }

  Status ReadSector(uint32_t n, std::string* out) { return ReadAt((uint64_t(n) + 1) * sector_, sector_, out); }

  // Follows a chain in `table` from `start`, appending up to `size` bytes.
  Status ReadChain(const std::vector<uint32_t>& table, uint32_t start, uint64_t size, bool mini, std::string* out) {
    const size_t unit = mini ? 64 : sector_;
    out->clear();
    for (uint32_t s = start; s != kEndOfChain && out->size() < size;) {
      if (s >= table.size() || out->size() / unit > sectors_ * (mini ? sector_ / 64 : 1)) {
        return Status::Corruption("an OLE2 chain that leaves its table or loops");
      }
      if (mini) {
        if ((uint64_t(s) + 1) * 64 > mini_stream_.size()) return Status::Corruption("an OLE2 mini sector out of range");
        out->append(mini_stream_, uint64_t(s) * 64, 64);
      } else {
        std::string piece;
        BEVARA_RETURN_IF_ERROR(ReadSector(s, &piece));
        out->append(piece);
      }
      s = table[s];
    }
    if (size != UINT64_MAX) {
      if (out->size() < size) return Status::Corruption("an OLE2 stream shorter than its size");
      out->resize(size);
    }
    return Status::OK();
  }

  static DirEntry ParseEntry(const char* p) {
    DirEntry e;
    size_t bytes = std::min<size_t>(U16(p + 64), 64);
    for (size_t i = 0; i + 1 < bytes; i += 2) {
      uint16_t c = U16(p + i);
      if (c == 0) break;
      if (c < 0x20 && e.name.empty()) continue;  // "\x05SummaryInformation"
      if (c < 0x80) {
        e.name.push_back(static_cast<char>(c));
      } else if (c < 0x800) {
        e.name.push_back(static_cast<char>(0xC0 | c >> 6));
        e.name.push_back(static_cast<char>(0x80 | (c & 0x3F)));
      } else {
        e.name.push_back(static_cast<char>(0xE0 | c >> 12));
        e.name.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
        e.name.push_back(static_cast<char>(0x80 | (c & 0x3F)));
      }
    }
    e.type = static_cast<uint8_t>(p[66]);
    e.left = U32(p + 68);
    e.right = U32(p + 72);
    e.child = U32(p + 76);
    e.start = U32(p + 116);
    e.size = U32(p + 120);  // version 4's high half is ignored, as readers do
    return e;
  }

  ReadableFile* file_;
  uint64_t file_size_ = 0, sectors_ = 0, mini_cutoff_ = 4096;
  size_t sector_ = 512;
  std::vector<uint32_t> fat_, minifat_;
  std::vector<DirEntry> entries_;
  std::string mini_stream_;
};

}  // namespace

Status ForEachOle2Stream(ReadableFile* file, size_t keep, uint64_t max_bytes,
                         const std::function<bool(const std::string&)>& wants_content,
                         const std::function<void(const std::string&, const ScanWindow*)>& entry) {
  CompoundFile cf(file);
  BEVARA_RETURN_IF_ERROR(cf.Open());
  const auto& entries = cf.entries();
  // Walk the tree: each storage's children are a binary tree of siblings.
  std::vector<std::pair<uint32_t, std::string>> todo = {{entries[0].child, ""}};
  std::vector<bool> seen(entries.size());
  while (!todo.empty()) {
    auto [i, prefix] = todo.back();
    todo.pop_back();
    if (i == kNoStream) continue;
    if (i >= entries.size() || seen[i]) return Status::Corruption("an OLE2 directory that loops");
    seen[i] = true;
    const DirEntry& e = entries[i];
    todo.push_back({e.left, prefix});
    todo.push_back({e.right, prefix});
    std::string path = prefix + e.name;
    if (e.type == 1) todo.push_back({e.child, path + "/"});
    if (e.type != 2) continue;
    if (!wants_content(path)) {
      entry(path, nullptr);
      continue;
    }
    std::string bytes;
    BEVARA_RETURN_IF_ERROR(cf.ReadStream(e, std::min<uint64_t>(max_bytes, 2 * keep), &bytes));
    max_bytes -= std::min<uint64_t>(max_bytes, bytes.size());
    ScanWindow window(bytes, {}, bytes.size());  // the head only: OLE2 signatures look near the start
    entry(path, &window);
  }
  return Status::OK();
}

}  // namespace bevara::ingest::formats
