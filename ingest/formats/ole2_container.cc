#include "ingest/formats/ole2_container.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "src/common/file_util.h"

namespace bevara::ingest::formats {
namespace {

constexpr uint32_t kEndOfChain = 0xFFFFFFFE;
constexpr uint32_t kNoStream = 0xFFFFFFFF;
constexpr size_t kMaxEntries = 100000;
constexpr size_t kMaxDepth = 32;
constexpr size_t kMiniSector = 64;
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

DirEntry ParseEntry(const char* p) {
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

// A compound file read through its tables. Memory stays a small fraction
// of the file: the FAT and mini FAT (1/128 and 1/16 of it at most), the
// directory (capped), and the sector list of the stream being read; chain
// links walked are capped at a few times the file's sectors.
class CompoundFile {
 public:
  explicit CompoundFile(ReadableFile* file) : file_(file) {}

  Status Open() {
    auto end = file_->Seek(0, SEEK_END);
    if (!end.ok()) return end.status();
    file_size_ = static_cast<uint64_t>(*end);
    std::string header;
    BEVARA_RETURN_IF_ERROR(ReadAt(0, 512, &header));
    if (std::memcmp(header.data(), kMagic, 8) != 0) return Status::Corruption("not an OLE2 file");
    uint16_t shift = U16(&header[0x1E]), mini_shift = U16(&header[0x20]);
    if ((shift != 9 && shift != 12) || mini_shift != 6) return Status::Corruption("an OLE2 sector size");
    sector_ = size_t{1} << shift;
    if (U32(&header[0x38]) != 4096) return Status::Corruption("an OLE2 mini stream cutoff other than 4096");
    sectors_ = file_size_ / sector_;  // no chain is longer
    steps_left_ = 8 * (sectors_ + kMaxEntries);  // links walked in all: a few times what the file holds
    BEVARA_RETURN_IF_ERROR(ReadFat(header));
    std::string dir;
    BEVARA_RETURN_IF_ERROR(ReadChain(U32(&header[0x30]), kMaxEntries * 128, &dir));
    for (size_t off = 0; off + 128 <= dir.size(); off += 128) entries_.push_back(ParseEntry(&dir[off]));
    if (entries_.empty() || entries_[0].type != 5) return Status::Corruption("an OLE2 file without a root");
    // The mini stream lives in the root's chain; the mini FAT covers it.
    const DirEntry& root = entries_[0];
    if (root.size > file_size_) return Status::Corruption("an OLE2 mini stream larger than the file");
    BEVARA_RETURN_IF_ERROR(Sectors(root.start, root.size, &root_sectors_));
    std::vector<uint32_t> minifat_sectors;
    BEVARA_RETURN_IF_ERROR(Sectors(U32(&header[0x3C]), (root.size / kMiniSector + 1) * 4, &minifat_sectors));
    minifat_.reserve(minifat_sectors.size() * sector_ / 4);
    for (uint32_t sector : minifat_sectors) {
      std::string piece;
      BEVARA_RETURN_IF_ERROR(ReadAt((uint64_t(sector) + 1) * sector_, sector_, &piece));
      for (size_t j = 0; j + 4 <= piece.size(); j += 4) minifat_.push_back(U32(&piece[j]));
    }
    return Status::OK();
  }

  const std::vector<DirEntry>& entries() const { return entries_; }

  // A stream's first `head` bytes and, when it is longer, its last `tail`;
  // its chain is followed once.
  Status ReadStream(const DirEntry& e, size_t head, size_t tail, std::string* first, std::string* last) {
    first->clear();
    last->clear();
    const bool mini = e.size < kMiniCutoff;
    std::vector<uint32_t> units;
    if (mini) {
      BEVARA_RETURN_IF_ERROR(Chain(minifat_, e.start, (e.size + kMiniSector - 1) / kMiniSector, &units));
    } else {
      BEVARA_RETURN_IF_ERROR(Sectors(e.start, e.size, &units));
    }
    const size_t unit = mini ? kMiniSector : sector_;
    BEVARA_RETURN_IF_ERROR(Gather(units, unit, 0, std::min<uint64_t>(head, e.size), mini, first));
    if (e.size > head) BEVARA_RETURN_IF_ERROR(Gather(units, unit, e.size - tail, tail, mini, last));
    return Status::OK();
  }

 private:
  Status ReadFat(const std::string& header) {
    // The FAT's sectors: 109 in the header, the rest in the DIFAT chain. A
    // FAT larger than the file's sectors need is not believed.
    const uint64_t needed = sectors_ / (sector_ / 4) + 1;
    uint32_t fat_count = U32(&header[0x2C]);
    if (fat_count > needed) return Status::Corruption("an OLE2 FAT larger than the file");
    std::vector<uint32_t> fat_sectors;
    for (int i = 0; i < 109; ++i) fat_sectors.push_back(U32(&header[0x4C + 4 * i]));
    uint32_t difat = U32(&header[0x44]);
    for (uint64_t n = 0; difat != kEndOfChain && difat != kNoStream && fat_sectors.size() < fat_count; ++n) {
      if (n > sectors_) return Status::Corruption("an OLE2 DIFAT loop");
      std::string s;
      BEVARA_RETURN_IF_ERROR(ReadAt((uint64_t(difat) + 1) * sector_, sector_, &s));
      for (size_t i = 0; i + 4 < sector_; i += 4) fat_sectors.push_back(U32(&s[i]));
      difat = U32(&s[sector_ - 4]);
    }
    if (fat_count > fat_sectors.size()) return Status::Corruption("an OLE2 FAT without its sectors");
    for (uint32_t i = 0; i < fat_count; ++i) {
      std::string s;
      BEVARA_RETURN_IF_ERROR(ReadAt((uint64_t(fat_sectors[i]) + 1) * sector_, sector_, &s));
      for (size_t j = 0; j < sector_; j += 4) fat_.push_back(U32(&s[j]));
    }
    return Status::OK();
  }

  Status ReadAt(uint64_t offset, size_t n, std::string* out) {
    if (offset > file_size_ || n > file_size_ - offset) return Status::Corruption("an OLE2 sector beyond the end");
    return ReadExactlyAt(file_, offset, n, out, "an OLE2 file cut short");
  }

  // Up to `count` links of a chain in `table` from `start`. A link seen
  // twice is a loop; every link walked counts against the file's budget.
  Status Chain(const std::vector<uint32_t>& table, uint32_t start, uint64_t count, std::vector<uint32_t>* out) {
    out->clear();
    std::vector<bool> seen;
    for (uint32_t s = start; s != kEndOfChain && out->size() < count;) {
      if (s >= table.size()) return Status::Corruption("an OLE2 chain that leaves its table");
      if (seen.empty()) seen.resize(table.size());
      if (seen[s]) return Status::Corruption("an OLE2 chain that loops");
      if (steps_left_ == 0) return Status::InvalidArgument("an OLE2 file whose chains are longer than it can hold");
      --steps_left_;
      seen[s] = true;
      out->push_back(s);
      s = table[s];
    }
    return Status::OK();
  }

  // The sectors holding `size` bytes from `start` (all of a chain when size is unknown).
  Status Sectors(uint32_t start, uint64_t size, std::vector<uint32_t>* out) {
    return Chain(fat_, start, std::min<uint64_t>((size + sector_ - 1) / sector_, sectors_), out);
  }

  Status ReadChain(uint32_t start, uint64_t max_bytes, std::string* out) {
    std::vector<uint32_t> sectors;
    BEVARA_RETURN_IF_ERROR(Sectors(start, max_bytes, &sectors));
    out->clear();
    for (uint32_t s : sectors) {
      std::string piece;
      BEVARA_RETURN_IF_ERROR(ReadAt((uint64_t(s) + 1) * sector_, sector_, &piece));
      out->append(piece);
    }
    return Status::OK();
  }

  // Bytes [offset, offset + n) of a stream laid out in `units` of `unit` bytes.
  Status Gather(const std::vector<uint32_t>& units, size_t unit, uint64_t offset, size_t n, bool mini,
                std::string* out) {
    for (uint64_t at = offset; at < offset + n;) {
      uint64_t index = at / unit, within = at % unit;
      if (index >= units.size()) return Status::Corruption("an OLE2 stream shorter than its size");
      size_t take = static_cast<size_t>(std::min<uint64_t>(unit - within, offset + n - at));
      std::string piece;
      if (mini) {
        uint64_t pos = uint64_t(units[index]) * kMiniSector + within;  // in the mini stream
        uint64_t root_index = pos / sector_;
        if (root_index >= root_sectors_.size()) return Status::Corruption("an OLE2 mini sector out of range");
        BEVARA_RETURN_IF_ERROR(ReadAt((uint64_t(root_sectors_[root_index]) + 1) * sector_ + pos % sector_, take, &piece));
      } else {
        BEVARA_RETURN_IF_ERROR(ReadAt((uint64_t(units[index]) + 1) * sector_ + within, take, &piece));
      }
      out->append(piece);
      at += take;
    }
    return Status::OK();
  }

  ReadableFile* file_;
  static constexpr uint64_t kMiniCutoff = 4096;
  uint64_t file_size_ = 0, sectors_ = 0, steps_left_ = 0;
  size_t sector_ = 512;
  std::vector<uint32_t> fat_, minifat_, root_sectors_;
  std::vector<DirEntry> entries_;
};

// "Storage/Stream": the names from the root down, by parent links.
std::string PathOf(const std::vector<DirEntry>& entries, const std::vector<uint32_t>& parent, uint32_t i) {
  std::vector<uint32_t> chain;
  for (uint32_t at = i; at != 0 && chain.size() <= kMaxDepth; at = parent[at]) chain.push_back(at);
  std::string path;
  for (size_t k = chain.size(); k-- > 0;) path += (path.empty() ? "" : "/") + entries[chain[k]].name;
  return path;
}

}  // namespace

Status ForEachOle2Stream(ReadableFile* file, size_t keep, uint64_t max_bytes,
                         const std::function<bool(const std::string&)>& wants_content,
                         const std::function<void(const std::string&, const ScanWindow*)>& entry) {
  CompoundFile cf(file);
  BEVARA_RETURN_IF_ERROR(cf.Open());
  const auto& entries = cf.entries();
  // Each storage's children are a binary tree of siblings: walk it with a
  // stack of (entry, the storage it is in, depth), never a path per level.
  std::vector<uint32_t> parent(entries.size(), 0), depth(entries.size(), 0);
  std::vector<bool> seen(entries.size());
  std::vector<uint32_t> todo;
  auto push = [&](uint32_t i, uint32_t in, uint32_t level) -> Status {
    if (i == kNoStream) return Status::OK();
    if (i >= entries.size() || seen[i]) return Status::Corruption("an OLE2 directory that loops");
    if (level > kMaxDepth) return Status::Corruption("OLE2 storages nested too deep");
    seen[i] = true;
    parent[i] = in;
    depth[i] = level;
    todo.push_back(i);
    return Status::OK();
  };
  BEVARA_RETURN_IF_ERROR(push(entries[0].child, 0, 1));
  while (!todo.empty()) {
    const uint32_t i = todo.back();
    todo.pop_back();
    const DirEntry& e = entries[i];
    BEVARA_RETURN_IF_ERROR(push(e.left, parent[i], depth[i]));
    BEVARA_RETURN_IF_ERROR(push(e.right, parent[i], depth[i]));
    if (e.type == 1) BEVARA_RETURN_IF_ERROR(push(e.child, i, depth[i] + 1));
    if (e.type != 2) continue;
    const std::string path = PathOf(entries, parent, i);
    if (!wants_content(path)) {
      entry(path, nullptr);
      continue;
    }
    // The window the stream would have as a file: whole when small, else
    // its first and last `keep` bytes.
    const bool whole = e.size <= 2 * keep;
    const size_t head_size = static_cast<size_t>(whole ? e.size : keep);
    if (head_size + (whole ? 0 : keep) > max_bytes) return Status::InvalidArgument("more than the OLE2 read budget");
    max_bytes -= head_size + (whole ? 0 : keep);
    std::string head, tail;
    BEVARA_RETURN_IF_ERROR(cf.ReadStream(e, head_size, keep, &head, &tail));
    ScanWindow window(head, tail, e.size);
    entry(path, &window);
  }
  return Status::OK();
}

}  // namespace bevara::ingest::formats
