// Swedish personal identity numbers (personnummer, and samordningsnummer,
// whose day is +60) in free text: finding them and masking them.
//
// Public responses pass through MaskPersonnummer, and a record whose text
// holds one is restricted for personal data until an archivist decides
// otherwise (search/record_document.h).
//
// What counts as one (deliberately generous: masking a phone number by
// mistake costs little, leaking an identity number costs much):
//   YYMMDD-NNNN, YYMMDD+NNNN, YYYYMMDD-NNNN      any digits with a separator,
//                                                 if the date part is plausible
//   YYMMDDNNNN, YYYYMMDDNNNN                      without one, if the date is
//                                                 plausible and the Luhn check
//                                                 digit is right
// A number only counts when no digit stands right before or after it.
//
// Thread-safety: pure functions.
#pragma once

#include <string>
#include <string_view>

namespace bevara::search {

bool ContainsPersonnummer(std::string_view text);

// Replaces every digit of every personnummer with 'X' (separators are kept,
// so "19811218-9876" becomes "XXXXXXXX-XXXX"). Returns how many it masked.
size_t MaskPersonnummer(std::string* text);

}  // namespace bevara::search
