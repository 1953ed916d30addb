// PRONOM's byte-sequence syntax, parsed into byte_pattern.h's form.
//
// Two spellings reach bevara:
//  - DROID's compiled fragments: hex pairs and bracketed tests, e.g.
//    "FFFB[10:EB]", "[!00]", "[&0F]";
//  - PRONOM expressions in the container signature file, which add quoted
//    strings and alternatives: "10 00 00 00 'Word.Document.' ['6'-'7'] 00",
//    "'PK'(03|05)".
// Gaps ({n-m}, *, ??) do not occur inside either and are refused.
//
// Thread-safety: pure functions.
#pragma once

#include <string_view>
#include <vector>

#include "ingest/formats/byte_pattern.h"
#include "src/common/result.h"

namespace bevara::ingest::formats {

// A DROID fragment or sequence body: tests only, no alternatives.
Result<Run> ParseRun(std::string_view text);

// A PRONOM expression without gaps, as one subsequence: its longest literal
// stretch becomes the anchor, what lies either side becomes fragments at a
// gap of 0 (an expression with no literal byte gets an empty anchor and
// is tried at every position of its window).
Result<SubSequence> ParseExpression(std::string_view text);

}  // namespace bevara::ingest::formats
