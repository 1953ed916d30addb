// The streams of an OLE2 compound file (Microsoft's Compound File Binary
// format: .doc, .xls, .ppt, .msg, ...), for container signatures. Streams
// are named by their path of storages ("Storage/Stream"), with leading
// control characters dropped ("\x05SummaryInformation" is
// "SummaryInformation"), as the container signature file writes them.
//
// Hostile input: every sector number is checked against the file, no chain
// may be longer than the file has sectors (cycles), at most 100,000
// directory entries, and at most `max_bytes` of stream content are read in
// all. Anything else is Corruption.
//
// Thread-safety: a function over one file.
#pragma once

#include <functional>
#include <string>

#include "ingest/formats/scan_window.h"
#include "src/common/env.h"
#include "src/common/status.h"

namespace bevara::ingest::formats {

// Calls `entry` for every stream, with a window over its first and last
// `keep` bytes when `wants_content` accepts its path (else nullptr).
Status ForEachOle2Stream(ReadableFile* file, size_t keep, uint64_t max_bytes,
                         const std::function<bool(const std::string& path)>& wants_content,
                         const std::function<void(const std::string& path, const ScanWindow* content)>& entry);

}  // namespace bevara::ingest::formats
