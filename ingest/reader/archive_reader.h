// ArchiveReader: tar, tar.gz and zip through libarchive, with caller-supplied
// I/O (a ReadableFile), so the bytes may come from a file, a socket or a test.
//
// Only the tar and zip formats and the gzip filter are enabled: the readers
// for RAR, 7z, ISO and CAB carry most of libarchive's recent CVEs.
//
// Rule ids of its own, besides EntryPolicy's:
//   PKG-FORMAT             not a tar, tar.gz or zip
//   PKG-CORRUPT            truncated or damaged archive
//   PKG-ENCRYPTED          an encrypted zip entry
//   PKG-COMPRESSION-RATIO  decompressed/compressed over the limit (a bomb)
#pragma once

#include <memory>

#include "ingest/reader/package_reader.h"
#include "src/common/env.h"

namespace bevara::ingest {

// Takes ownership of `source`. `name` is used in messages only.
Result<std::unique_ptr<PackageReader>> NewArchiveReader(std::unique_ptr<ReadableFile> source,
                                                        const std::string& name,
                                                        const ReaderLimits& limits);

}  // namespace bevara::ingest
