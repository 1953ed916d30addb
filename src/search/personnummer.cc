#include "src/search/personnummer.h"

#include <cctype>
#include <optional>

namespace bevara::search {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int Number(std::string_view s, size_t pos, size_t len) {
  int n = 0;
  for (size_t i = 0; i < len; ++i) n = n * 10 + (s[pos + i] - '0');
  return n;
}

// Month 01-12; day 01-31, or 61-91 for a samordningsnummer.
bool PlausibleDate(int month, int day) {
  if (month < 1 || month > 12) return false;
  if (day > 60) day -= 60;
  return day >= 1 && day <= 31;
}

// The Luhn check over the ten digits YYMMDDNNNC.
bool LuhnValid(std::string_view ten) {
  int sum = 0;
  for (size_t i = 0; i < 10; ++i) {
    int d = ten[i] - '0';
    if (i % 2 == 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 == 0;
}

// The length of a personnummer starting at `pos` (which follows no digit),
// or 0 when none does.
size_t MatchAt(std::string_view s, size_t pos) {
  size_t run = 0;
  while (pos + run < s.size() && IsDigit(s[pos + run])) ++run;
  if (run != 6 && run != 8 && run != 10 && run != 12) return 0;
  const size_t date_at = (run == 8 || run == 12) ? pos + 2 : pos;  // skip the century
  if (!PlausibleDate(Number(s, date_at + 2, 2), Number(s, date_at + 4, 2))) return 0;
  if (run == 10 || run == 12) {
    return LuhnValid(s.substr(date_at, 10)) ? run : 0;
  }
  // A date part, a separator and four digits, not followed by another digit.
  const size_t sep = pos + run;
  if (sep + 5 > s.size() || (s[sep] != '-' && s[sep] != '+')) return 0;
  for (size_t i = 1; i <= 4; ++i) {
    if (!IsDigit(s[sep + i])) return 0;
  }
  if (sep + 5 < s.size() && IsDigit(s[sep + 5])) return 0;
  return run + 5;
}

template <typename Fn>
size_t ForEachMatch(std::string_view s, Fn&& fn) {
  size_t found = 0;
  for (size_t i = 0; i < s.size();) {
    if (!IsDigit(s[i]) || (i > 0 && IsDigit(s[i - 1]))) {
      ++i;
      continue;
    }
    size_t len = MatchAt(s, i);
    if (len == 0) {
      while (i < s.size() && IsDigit(s[i])) ++i;
      continue;
    }
    ++found;
    if (!fn(i, len)) break;
    i += len;
  }
  return found;
}

}  // namespace

bool ContainsPersonnummer(std::string_view text) {
  return ForEachMatch(text, [](size_t, size_t) { return false; }) > 0;
}

size_t MaskPersonnummer(std::string* text) {
  return ForEachMatch(*text, [text](size_t pos, size_t len) {
    for (size_t i = pos; i < pos + len; ++i) {
      if (IsDigit((*text)[i])) (*text)[i] = 'X';
    }
    return true;
  });
}

}  // namespace bevara::search
