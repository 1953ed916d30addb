// Swedish personal identity numbers (personnummer, and samordningsnummer,
// whose day is +60) in free text: finding them and masking them.
//
// A record with one in anything the public would see (its text, the raw
// bytes of its files, titles, names, file names) is never published
// (services/publication.h); public responses also pass through
// MaskPersonnummer, as a second line.
//
// What counts as one (deliberately generous: masking a phone number by
// mistake costs little, leaking an identity number costs much): 10 or 12
// digits (YYMMDD NNNC, or with the century) with a plausible date (day +60
// for a samordningsnummer) and a right Luhn check digit, or any check digit
// when written the usual way (date part, a dash or plus, four digits).
// The digits may stand in groups apart by up to three separators: spaces
// of every kind, hyphens, dashes (en, em, non-breaking, U+2212 minus...),
// soft hyphens, a hyphen at a line break, a kerning gap. A letter or other
// sign between two groups ends the number.
//
// Thread-safety: pure functions; a RawPersonnummerScanner is one caller's.
#pragma once

#include <string>
#include <string_view>
#include <cstddef>

namespace bevara::search {

bool ContainsPersonnummer(std::string_view text);

// Strictly one number and nothing else, as a form field should hold it:
// YYMMDD-NNNC or YYYYMMDDNNNC ('-' or '+' between, or nothing), a plausible
// date and a right Luhn check digit.
bool IsPersonnummer(std::string_view text);

// Replaces every digit of every personnummer with 'X' (separators are kept,
// so "19811218-9876" becomes "XXXXXXXX-XXXX"). Returns how many it masked.
size_t MaskPersonnummer(std::string* text);

// Looks for personal identity numbers in the raw bytes of a file, whatever
// their encoding: UTF-8, UTF-16 (NUL bytes are passed over) or Windows-1252,
// in markup, comments, attributes and metadata alike. Feed it every byte
// in order; Finish says whether one was found.
class RawPersonnummerScanner {
 public:
  void Feed(const char* data, size_t n);
  bool Finish();

 private:
  void Check();
  static constexpr size_t kWindow = 64 * 1024;
  static constexpr size_t kKeep = 64;  // more than a number and its gaps span
  std::string window_;
  bool found_ = false;
};

}  // namespace bevara::search
