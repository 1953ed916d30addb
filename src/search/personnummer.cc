#include "src/search/personnummer.h"

#include <vector>

#include "src/common/utf8.h"

namespace bevara::search {
namespace {

// Text is first reduced to one character per code point (or per byte, for
// raw bytes): a digit, a separator (' ', or '-' for a dash or plus sign), or
// 'x' for anything that ends a number. Matching works on that.
constexpr char kBreak = 'x';
// A hyphen at a line break, or digits set apart by a kerning gap, make
// gaps of up to three separators in text.
constexpr size_t kTextGap = 3;
// In raw bytes a separator may take up to six (a UTF-8 dash between spaces).
constexpr size_t kRawGap = 6;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

char ClassifyCodePoint(uint32_t c) {
  if (c >= '0' && c <= '9') return static_cast<char>(c);
  switch (c) {
    case '-': case '+': case 0x2010: case 0x2011: case 0x2012: case 0x2013: case 0x2014: case 0x2015:
    case 0x2212: case 0xFE58: case 0xFE63: case 0xFF0D: case 0x00AD: case 0x2043:
      return '-';
    case ' ': case '\t': case '\n': case '\r': case '\f': case '\v': case 0x00A0: case 0x2007: case 0x2009:
    case 0x200A: case 0x202F: case 0x2002: case 0x2003: case 0x2004: case 0x2005: case 0x2006: case 0x2008:
    case 0x200B: case 0x200C: case 0x200D: case 0x2060: case 0xFEFF: case 0x3000:
      return ' ';
    default:
      return kBreak;
  }
}

// Bytes of unknown encoding: digits stay, NUL (UTF-16) vanishes, and what
// could be part of a separator in UTF-8, UTF-16 or Windows-1252 (white
// space, '-', '+', control bytes, bytes >= 0x80) is a separator.
char ClassifyByte(unsigned char b, bool* drop) {
  *drop = b == 0;
  if (IsDigit(static_cast<char>(b))) return static_cast<char>(b);
  if (b == '-' || b == '+' || b == 0x96 || b == 0x97 || b == 0xAD) return '-';
  if (b <= ' ' || b >= 0x80) return ' ';
  return kBreak;
}

int Number(const std::string& s, size_t pos, size_t len) {
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
bool LuhnValid(const std::string& s, size_t at) {
  int sum = 0;
  for (size_t i = 0; i < 10; ++i) {
    int d = s[at + i] - '0';
    if (i % 2 == 0) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 == 0;
}

}  // namespace

bool IsPersonnummer(std::string_view text) {
  std::string digits;
  for (char c : text) {
    if (c >= '0' && c <= '9') digits.push_back(c);
    else if (c != '-' && c != '+') return false;
  }
  if (digits.size() != 10 && digits.size() != 12) return false;
  const size_t date_at = digits.size() == 12 ? 2 : 0;
  if (digits.size() == 12) {
    const int century = Number(digits, 0, 2);
    if (century < 18 || century > 20) return false;
  }
  return PlausibleDate(Number(digits, date_at + 2, 2), Number(digits, date_at + 4, 2)) && LuhnValid(digits, date_at);
}

namespace {

struct Run {
  size_t begin, end;  // in the reduced text
};

// Whether runs[i..j] (whole runs, the gaps between them only separators of
// at most `max_gap` characters) spell a personal identity number.
bool Spells(const std::string& reduced, const std::vector<Run>& runs, size_t i, size_t j) {
  char buf[12];
  size_t n = 0;
  for (size_t k = i; k <= j; ++k) {
    if (n + (runs[k].end - runs[k].begin) > sizeof buf) return false;
    for (size_t p = runs[k].begin; p < runs[k].end; ++p) buf[n++] = reduced[p];
  }
  if (n != 10 && n != 12) return false;
  const std::string digits(buf, n);
  const size_t date_at = digits.size() == 12 ? 2 : 0;
  if (digits.size() == 12) {
    const int century = Number(digits, 0, 2);
    if (century < 18 || century > 20) return false;
  }
  if (!PlausibleDate(Number(digits, date_at + 2, 2), Number(digits, date_at + 4, 2))) return false;
  if (LuhnValid(digits, date_at)) return true;
  // Written the usual way (date part, a dash or plus, four digits), a
  // wrong check digit is most likely a typing error, not another number.
  if (j != i + 1 || runs[i + 1].end - runs[i + 1].begin != 4) return false;
  for (size_t k = runs[i].end; k < runs[i + 1].begin; ++k) {
    if (reduced[k] == '-') return true;
  }
  return false;
}

// Calls fn(first run, last run) for every match; fn returns false to stop.
template <typename Fn>
size_t ForEachMatch(const std::string& reduced, size_t max_gap, Fn&& fn) {
  std::vector<Run> runs;
  for (size_t i = 0; i < reduced.size();) {
    if (!IsDigit(reduced[i])) {
      ++i;
      continue;
    }
    size_t e = i;
    while (e < reduced.size() && IsDigit(reduced[e])) ++e;
    runs.push_back({i, e});
    i = e;
  }
  auto joined = [&](size_t k) {  // runs[k] and runs[k + 1]
    const size_t gap = runs[k + 1].begin - runs[k].end;
    if (gap > max_gap) return false;
    for (size_t p = runs[k].end; p < runs[k + 1].begin; ++p) {
      if (reduced[p] == kBreak) return false;
    }
    return true;
  };
  size_t found = 0;
  for (size_t i = 0; i < runs.size();) {
    size_t digits = 0, matched_to = 0;
    bool matched = false;
    for (size_t j = i; j < runs.size(); ++j) {
      digits += runs[j].end - runs[j].begin;
      if (digits > 12) break;
      if (Spells(reduced, runs, i, j)) {
        matched = true;
        matched_to = j;
      }
      if (j + 1 < runs.size() && !joined(j)) break;
    }
    if (!matched) {
      ++i;
      continue;
    }
    ++found;
    if (!fn(i, matched_to, runs)) break;
    i = matched_to + 1;
  }
  return found;
}

// The reduced form of UTF-8 text, and where each reduced character starts.
std::string Reduce(std::string_view text, std::vector<size_t>* offsets) {
  std::string reduced;
  reduced.reserve(text.size());
  if (offsets) offsets->reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    const auto byte = static_cast<unsigned char>(text[i]);
    if (byte < 0x80) {  // ASCII, most of any text: no decoding
      reduced.push_back(ClassifyCodePoint(byte));
      if (offsets) offsets->push_back(i);
      ++i;
      continue;
    }
    uint32_t cp = 0;
    size_t len = DecodeUtf8(text, i, &cp);
    if (len == 0) {  // not UTF-8: a byte as raw bytes are read
      bool drop = false;
      char c = ClassifyByte(static_cast<unsigned char>(text[i]), &drop);
      len = 1;
      if (drop) {
        i += len;
        continue;
      }
      reduced.push_back(c);
    } else {
      reduced.push_back(ClassifyCodePoint(cp));
    }
    if (offsets) offsets->push_back(i);
    i += len;
  }
  return reduced;
}

// Calls fn(begin, end) for each stretch of `text` where digits stand close
// enough together to be one number (at least ten of them, none further from
// the next than a separator of three characters can reach): the only places
// a number can be, so the rest of a long text is not looked at twice.
template <typename Fn>
void ForEachDigitCluster(std::string_view text, Fn&& fn) {
  constexpr size_t kReach = 3 * kTextGap + 1;  // three separators of up to three bytes each
  for (size_t i = 0; i < text.size();) {
    while (i < text.size() && !IsDigit(text[i])) ++i;
    if (i == text.size()) break;
    const size_t begin = i;
    size_t last = i, digits = 0;
    for (; i < text.size() && i - last <= kReach; ++i) {
      if (IsDigit(text[i])) {
        last = i;
        ++digits;
      }
    }
    if (digits >= 10) fn(begin, last + 1);
    i = last + 1;
  }
}

}  // namespace

bool ContainsPersonnummer(std::string_view text) {
  bool found = false;
  ForEachDigitCluster(text, [&](size_t begin, size_t end) {
    if (found) return;
    found = ForEachMatch(Reduce(text.substr(begin, end - begin), nullptr), kTextGap,
                         [](size_t, size_t, const std::vector<Run>&) { return false; }) > 0;
  });
  return found;
}

size_t MaskPersonnummer(std::string* text) {
  size_t masked = 0;
  ForEachDigitCluster(*text, [&](size_t begin, size_t end) {
    std::vector<size_t> offsets;
    const std::string reduced = Reduce(std::string_view(*text).substr(begin, end - begin), &offsets);
    masked += ForEachMatch(reduced, kTextGap, [&](size_t first, size_t last, const std::vector<Run>& runs) {
      for (size_t k = first; k <= last; ++k) {
        for (size_t p = runs[k].begin; p < runs[k].end; ++p) (*text)[begin + offsets[p]] = 'X';
      }
      return true;
    });
  });
  return masked;
}

void RawPersonnummerScanner::Feed(const char* data, size_t n) {
  if (found_) return;
  for (size_t i = 0; i < n; ++i) {
    bool drop = false;
    char c = ClassifyByte(static_cast<unsigned char>(data[i]), &drop);
    if (!drop) window_.push_back(c);
  }
  if (window_.size() < kWindow) return;
  Check();
}

bool RawPersonnummerScanner::Finish() {
  if (!found_) Check();
  return found_;
}

void RawPersonnummerScanner::Check() {
  found_ = ForEachMatch(window_, kRawGap, [](size_t, size_t, const std::vector<Run>&) { return false; }) > 0;
  // Keep a tail long enough for a number cut by the chunk boundary (12
  // digits and their gaps), but cut at a break so no run is split.
  if (window_.size() > kKeep) window_.erase(0, window_.size() - kKeep);
}

}  // namespace bevara::search
