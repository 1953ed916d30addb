#include "src/common/units.h"

#include <cmath>
#include <cstdlib>
#include <string>
#include <utility>

namespace bevara {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Splits "12.5 GiB" into 12.5 and "GiB"; false when no number leads.
bool SplitNumber(std::string_view text, double* number, std::string_view* unit) {
  text = Trim(text);
  size_t i = 0;
  while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || text[i] == '.')) ++i;
  if (i == 0) return false;
  const std::string digits(text.substr(0, i));
  char* end = nullptr;
  *number = std::strtod(digits.c_str(), &end);
  if (end != digits.c_str() + digits.size() || !std::isfinite(*number)) return false;
  *unit = Trim(text.substr(i));
  return true;
}

}  // namespace

std::optional<uint64_t> ParseSize(std::string_view text) {
  double number = 0;
  std::string_view unit;
  if (!SplitNumber(text, &number, &unit)) return std::nullopt;
  static const std::pair<const char*, double> kUnits[] = {
      {"", 1},       {"B", 1},        {"k", 1024.0},   {"K", 1024.0},      {"KiB", 1024.0},
      {"M", 1 << 20}, {"MiB", 1 << 20}, {"G", 1 << 30}, {"GiB", 1 << 30},   {"T", 1099511627776.0},
      {"TiB", 1099511627776.0},        {"kB", 1e3},     {"KB", 1e3},        {"MB", 1e6},
      {"GB", 1e9},    {"TB", 1e12}};
  for (const auto& [name, factor] : kUnits) {
    if (unit != name) continue;
    const double bytes = number * factor;
    if (bytes != std::floor(bytes) || bytes >= 18446744073709551615.0) return std::nullopt;
    return static_cast<uint64_t>(bytes);
  }
  return std::nullopt;
}

std::optional<double> ParseDuration(std::string_view text) {
  double number = 0;
  std::string_view unit;
  if (!SplitNumber(text, &number, &unit)) return std::nullopt;
  static const std::pair<const char*, double> kUnits[] = {{"", 1},   {"s", 1},      {"ms", 0.001}, {"m", 60},
                                                          {"min", 60}, {"h", 3600}, {"d", 86400}};
  for (const auto& [name, factor] : kUnits) {
    if (unit == name) return number * factor;
  }
  return std::nullopt;
}

}  // namespace bevara
