// The bytes of a record log (record_log.h), for its writer, its reader and
// its migration: the file's first line and a record's framing.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace bevara {

inline constexpr std::string_view kRecordLogHeader = "#bevara-record-log 1\n";
inline constexpr size_t kRecordHeaderSize = 18;  // "LLLLLLLL CCCCCCCC "
inline constexpr uint64_t kMaxRecordPayload = 1ull << 30;

// CRC-32 (zlib's) continued over `data`.
uint32_t RecordCrc(uint32_t crc, std::string_view data);

// "LLLLLLLL CCCCCCCC payload\n": the payload's length and the CRC-32 of the
// length field and the payload, in hex. *crc receives the CRC.
std::string FrameRecord(std::string_view payload, uint32_t* crc);

// Parses 8 lower-case hex digits.
bool ParseHex32(std::string_view text, uint32_t* out);

}  // namespace bevara
