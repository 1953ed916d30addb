#include "src/common/log_head.h"

#include <zlib.h>

#include <cinttypes>
#include <cstdio>

#include "src/common/path.h"

namespace bevara {
namespace {

constexpr uint64_t kSlotOffset[2] = {0, 512};
constexpr size_t kSlotSize = 72;  // "H1 " + 3 x 16 + 2 x 8 hex digits, spaces, newline

uint32_t Crc(const char* data, size_t n) {
  return static_cast<uint32_t>(crc32(0, reinterpret_cast<const Bytef*>(data), static_cast<uInt>(n)));
}

std::string EncodeSlot(const LogHead& h) {
  char body[kSlotSize + 1];
  int n = std::snprintf(body, sizeof body, "H1 %016" PRIx64 " %016" PRIx64 " %016" PRIx64 " %08" PRIx32 " ", h.seq,
                        h.size, h.tally.count, h.tally.chain);
  std::snprintf(body + n, sizeof body - static_cast<size_t>(n), "%08" PRIx32 "\n", Crc(body, static_cast<size_t>(n)));
  return std::string(body, kSlotSize);
}

bool DecodeSlot(const std::string& text, size_t at, LogHead* h) {
  if (text.size() < at + kSlotSize) return false;
  const char* s = text.data() + at;
  if (s[0] != 'H' || s[1] != '1' || s[kSlotSize - 1] != '\n') return false;
  uint32_t crc = 0;
  if (std::sscanf(s + kSlotSize - 9, "%8" SCNx32, &crc) != 1 || crc != Crc(s, kSlotSize - 9)) return false;
  LogHead out;
  if (std::sscanf(s, "H1 %16" SCNx64 " %16" SCNx64 " %16" SCNx64 " %8" SCNx32, &out.seq, &out.size, &out.tally.count,
                  &out.tally.chain) != 4) {
    return false;
  }
  out.present = true;
  *h = out;
  return true;
}

}  // namespace

void LogTally::Add(uint32_t record_crc) {
  const unsigned char bytes[4] = {static_cast<unsigned char>(record_crc), static_cast<unsigned char>(record_crc >> 8),
                                  static_cast<unsigned char>(record_crc >> 16),
                                  static_cast<unsigned char>(record_crc >> 24)};
  chain = static_cast<uint32_t>(crc32(chain, bytes, 4));
  ++count;
}

Result<LogHead> LogHeadFile::Read(Env* env, const std::string& path) {
  auto file = env->OpenForRead(path, OpenOptions{true});
  if (!file.ok()) return file.status().IsNotFound() ? Result<LogHead>(LogHead{}) : Result<LogHead>(file.status());
  std::string text(kSlotOffset[1] + kSlotSize, '\0');
  size_t got = 0;
  while (got < text.size()) {
    auto n = (*file)->Read(text.data() + got, text.size() - got);
    if (!n.ok()) return n.status();
    if (*n == 0) break;
    got += *n;
  }
  text.resize(got);
  LogHead best;
  for (uint64_t at : kSlotOffset) {
    LogHead h;
    if (DecodeSlot(text, at, &h) && (!best.present || h.seq > best.seq)) best = h;
  }
  // No slot that reads: a head never written whole (a crash as the log was
  // made), or one damaged since. The log tells which: records it holds were
  // acknowledged through a head (RecordLog refuses such a log).
  return best;
}

Result<std::unique_ptr<LogHeadFile>> LogHeadFile::Open(Env* env, const std::string& path) {
  auto head = Read(env, path);
  if (!head.ok()) return head.status();
  const bool existed = env->Lstat(path).ok();
  auto file = env->OpenForUpdate(path);
  if (!file.ok()) return file.status();
  // Its name must last as long as what it will vouch for.
  if (!existed) BEVARA_RETURN_IF_ERROR(env->SyncDir(DirName(path)));
  std::unique_ptr<LogHeadFile> h(new LogHeadFile(env, path, std::move(*file)));
  h->head_ = *head;
  return h;
}

Result<LogHead> LogHeadFile::Reload() {
  auto head = Read(env_, path_);
  if (!head.ok()) return head.status();
  head_ = *head;
  return head_;
}

Status LogHeadFile::Write(uint64_t size, const LogTally& tally) {
  auto current = Reload();  // another process may have written a later one
  if (!current.ok()) return current.status();
  LogHead next;
  next.present = true;
  next.seq = current->seq + 1;
  next.size = size;
  next.tally = tally;
  const std::string slot = EncodeSlot(next);
  BEVARA_RETURN_IF_ERROR(file_->WriteAt(kSlotOffset[next.seq % 2], slot.data(), slot.size()));
  BEVARA_RETURN_IF_ERROR(file_->Sync());
  head_ = next;
  return Status::OK();
}

}  // namespace bevara
