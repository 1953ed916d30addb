// Where a PRONOM byte sequence matches in a file's scan window.
//
// BOF sequences are matched over the window's start, variable ones are
// searched there too (as DROID searches at most its scan limit from the
// start), and EOF sequences, turned around by PrepareForMatching(), over
// its end reversed. A chain of subsequences, and the fragments around each
// anchor, are followed level by level over sets of positions (intervals),
// never by trying each combination of gaps: the work is bounded by the
// window's size times the number of fragments, and by the window's step
// budget besides.
//
// Thread-safety: as the window's.
#pragma once

#include "ingest/formats/byte_pattern.h"
#include "ingest/formats/scan_window.h"

namespace bevara::ingest::formats {

// Whether `sequence` (prepared) matches in `window`. False, too, once the
// window's step budget is spent (window.exhausted() then says so).
bool Matches(const ByteSequence& sequence, const ScanWindow& window);

}  // namespace bevara::ingest::formats
