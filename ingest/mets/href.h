// Resolving METS xlink:href values to paths inside the package.
//
// Accepted forms, as found in real CSIP and FGS packages:
//   data/file.pdf, ./data/file.pdf            relative to the METS document
//   file:data/file.pdf, file://./data/x.pdf   the same, with a file scheme
//   file:///content/x.pdf                     relative to the package root (FGS 1.x)
//   metadata%2Fdescriptive%2Fdc.xml           percent-encoded
// Anything with another scheme (http:, https:, urn:, ...) is not in the
// package; '..' may not climb out of the package root.
#pragma once

#include <string>
#include <string_view>

#include "src/common/percent_encoding.h"
#include "src/common/result.h"

namespace bevara::ingest {

// Rule ids: METS-HREF-REMOTE, METS-HREF-INVALID, METS-HREF-ESCAPE.
// `base_dir` is the package-relative directory of the METS document ("" for
// the root). Returns a normalised package-relative path.
Result<std::string> ResolveHref(std::string_view href, std::string_view base_dir);

// The path with every '+' read as a space: commons-ip form-encodes spaces in
// hrefs, which bevara accepts with a warning (METS-HREF-PLUS).
std::string PlusAsSpace(std::string path);

using bevara::PercentDecode;  // common/percent_encoding.h

// Joins and normalises '/'-separated paths; false when '..' leaves the root.
bool NormalizePath(std::string_view path, std::string* out);

}  // namespace bevara::ingest
