// ZipRawNames: the entry names of a zip file exactly as its central directory
// writes them. libarchive turns a '\' in a zip name into '/' before bevara
// sees it, so "content\1\x.docx" would pass as content/1/x.docx while the same
// name in a tar is refused (PKG-BACKSLASH). This reader lets the archive
// reader hold zip names to the same rule.
//
// Bounded: it reads the end-of-central-directory record (ZIP and ZIP64) and
// walks at most `max_entries` central headers. It decides nothing about the
// entries themselves; libarchive reads them.
#pragma once

#include <cstdint>
#include <string>

#include "src/common/env.h"
#include "src/common/status.h"

namespace bevara::ingest {

// Returns the first central-directory name holding a backslash, "" when none
// does. Rejected("PKG-CORRUPT") when the central directory cannot be found or
// read whole. REQUIRES: `file` can seek; leaves its offset anywhere.
Result<std::string> FirstZipNameWithBackslash(ReadableFile* file, uint64_t max_entries);

}  // namespace bevara::ingest
