// DirectoryReader: an unpacked package on disk, read with the same policy as
// an archive. Symbolic links, devices and FIFOs are rejected (never followed);
// files are opened with O_NOFOLLOW so a link swapped in after the scan is
// refused too. METS.xml and sip.xml are handed out first in each directory so
// that a validator can read the package in one pass.
#pragma once

#include <memory>
#include <string>

#include "ingest/reader/package_reader.h"
#include "src/common/env.h"

namespace bevara::ingest {

Result<std::unique_ptr<PackageReader>> NewDirectoryReader(Env* env, const std::string& root,
                                                          const ReaderLimits& limits);

}  // namespace bevara::ingest
