#include "src/common/record_log_format.h"

#include <zlib.h>

#include <cstdio>

namespace bevara {

uint32_t RecordCrc(uint32_t crc, std::string_view data) {
  return static_cast<uint32_t>(
      crc32(crc, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size())));
}

std::string FrameRecord(std::string_view payload, uint32_t* crc) {
  char length[9];
  std::snprintf(length, sizeof length, "%08x", static_cast<unsigned>(payload.size()));
  *crc = RecordCrc(RecordCrc(0, std::string_view(length, 8)), payload);
  char header[kRecordHeaderSize + 1];
  std::snprintf(header, sizeof header, "%s %08x ", length, static_cast<unsigned>(*crc));
  std::string out;
  out.reserve(kRecordHeaderSize + payload.size() + 1);
  out.append(header, kRecordHeaderSize);
  out.append(payload);
  out.push_back('\n');
  return out;
}

bool ParseHex32(std::string_view text, uint32_t* out) {
  if (text.size() != 8) return false;
  uint32_t v = 0;
  for (char c : text) {
    int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
    if (d < 0) return false;
    v = v << 4 | static_cast<uint32_t>(d);
  }
  *out = v;
  return true;
}

}  // namespace bevara
