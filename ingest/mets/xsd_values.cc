#include "ingest/mets/xsd_values.h"

#include <cctype>

namespace bevara::ingest {
namespace {

bool Digits(std::string_view s, size_t pos, size_t n, int* value) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return false;
    v = v * 10 + (s[i] - '0');
  }
  *value = v;
  return true;
}

bool IsLeap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

}  // namespace

bool IsXsdDateTime(std::string_view s) {
  size_t p = 0;
  if (p < s.size() && s[p] == '-') ++p;
  size_t year_digits = 0;
  while (p + year_digits < s.size() && std::isdigit(static_cast<unsigned char>(s[p + year_digits]))) ++year_digits;
  if (year_digits < 4 || (year_digits > 4 && s[p] == '0')) return false;
  int year = 0;
  if (year_digits > 9 || !Digits(s, p, year_digits, &year)) return false;
  p += year_digits;
  int month, day, hour, minute, second;
  if (p >= s.size() || s[p] != '-' || !Digits(s, p + 1, 2, &month)) return false;
  p += 3;
  if (p >= s.size() || s[p] != '-' || !Digits(s, p + 1, 2, &day)) return false;
  p += 3;
  if (p >= s.size() || s[p] != 'T' || !Digits(s, p + 1, 2, &hour)) return false;
  p += 3;
  if (p >= s.size() || s[p] != ':' || !Digits(s, p + 1, 2, &minute)) return false;
  p += 3;
  if (p >= s.size() || s[p] != ':' || !Digits(s, p + 1, 2, &second)) return false;
  p += 3;
  bool fraction_nonzero = false;
  if (p < s.size() && s[p] == '.') {
    size_t start = ++p;
    while (p < s.size() && std::isdigit(static_cast<unsigned char>(s[p]))) fraction_nonzero |= s[p++] != '0';
    if (p == start) return false;
  }
  if (p < s.size()) {
    int tzh, tzm;
    if (s[p] == 'Z') {
      ++p;
    } else if ((s[p] == '+' || s[p] == '-') && Digits(s, p + 1, 2, &tzh) && p + 3 < s.size() && s[p + 3] == ':' &&
               Digits(s, p + 4, 2, &tzm)) {
      if (tzh > 14 || tzm > 59 || (tzh == 14 && tzm != 0)) return false;
      p += 6;
    } else {
      return false;
    }
  }
  if (p != s.size()) return false;
  static const int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1) return false;
  int max_day = kDays[month - 1] + (month == 2 && IsLeap(year) ? 1 : 0);
  if (day > max_day) return false;
  if (hour == 24) return minute == 0 && second == 0 && !fraction_nonzero;
  return hour < 24 && minute < 60 && second < 60;
}

int64_t ParseSize(std::string_view s) {
  if (s.empty() || s.size() > 18) return -1;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return -1;
    v = v * 10 + (c - '0');
  }
  return v;
}

std::optional<std::chrono::sys_days> XsdDay(std::string_view s) {
  if (s.size() < 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int parts[3] = {0, 0, 0};
  const int starts[3] = {0, 5, 8}, lengths[3] = {4, 2, 2};
  for (int p = 0; p < 3; ++p) {
    for (int i = 0; i < lengths[p]; ++i) {
      char c = s[starts[p] + i];
      if (c < '0' || c > '9') return std::nullopt;
      parts[p] = parts[p] * 10 + (c - '0');
    }
  }
  std::chrono::year_month_day ymd{std::chrono::year(parts[0]), std::chrono::month(static_cast<unsigned>(parts[1])),
                                  std::chrono::day(static_cast<unsigned>(parts[2]))};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days(ymd);
}

}  // namespace bevara::ingest
