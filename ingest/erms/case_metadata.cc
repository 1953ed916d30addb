#include "ingest/erms/case_metadata.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <regex>

namespace bevara::ingest {

const char* AccessStateName(AccessState state) {
  switch (state) {
    case AccessState::kPublic: return "public";
    case AccessState::kSecret: return "secret";
    case AccessState::kRestricted: return "restricted";
  }
  return "secret";
}

bool ParseOslReference(const std::string& text, int* chapter, int* section) {
  static const std::regex kKap(R"((\d{1,3})\s*kap\.?\s*(\d{1,3})\s*§)");
  static const std::regex kColon(R"((\d{1,3}):(\d{1,3}))");
  std::smatch m;
  if (std::regex_search(text, m, kKap) || std::regex_search(text, m, kColon)) {
    *chapter = std::stoi(m[1]);
    *section = std::stoi(m[2]);
    return true;
  }
  return false;
}

namespace {

// The day after `date` (YYYY-MM-DD), in the proleptic Gregorian calendar.
std::string NextDay(const std::string& date) {
  std::tm tm{};
  tm.tm_year = std::stoi(date.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(date.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(date.substr(8, 2)) + 1;
  tm.tm_hour = 12;
  time_t t = ::timegm(&tm);  // normalises the 32nd of a month and the like
  std::tm out{};
  ::gmtime_r(&t, &out);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &out);
  return buf;
}

}  // namespace

int Strictness(AccessState state) {
  switch (state) {
    case AccessState::kPublic: return 0;
    case AccessState::kRestricted: return 1;
    case AccessState::kSecret: return 2;
  }
  return 2;
}

RecordAccess Stricter(RecordAccess a, RecordAccess b) {
  if (Strictness(b.state) > Strictness(a.state)) return b;
  // Two secrecies: the one lasting longer (no end lasts longest).
  if (a.state == AccessState::kSecret && b.state == AccessState::kSecret && LastsLonger(b.public_from, a.public_from)) {
    return b;
  }
  return a;
}

std::string ParseErmsDate(const std::string& text) {
  static const std::regex kDate(R"(^\s*(\d{4,})-(\d{2})-(\d{2})(?:[T\s].*|Z.*|[+-]\d{2}:\d{2})?\s*$)");
  std::smatch m;
  if (!std::regex_match(text, m, kDate)) return "";
  std::string year = m[1];
  size_t nonzero = year.find_first_not_of('0');
  if (nonzero == std::string::npos) return "";  // year 0000 is not one
  if (year.size() - nonzero > 4) return "9999-12-31";
  year = std::string(4 - std::min<size_t>(4, year.size() - nonzero), '0') + year.substr(nonzero);
  const int month = std::stoi(m[2].str()), day = std::stoi(m[3].str());
  static const int kDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1 || month > 12 || day < 1 || day > kDays[month - 1]) return "";
  return year + "-" + m[2].str() + "-" + m[3].str();
}

namespace {

std::string Folded(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n"), e = s.find_last_not_of(" \t\r\n");
  std::string out = b == std::string::npos ? "" : s.substr(b, e - b + 1);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// What one restriction means on `today`.
RecordAccess OneRestriction(const Restriction& r, const std::string& today) {
  std::string type = Folded(r.type);
  if (type == "other" || type == "other_type" || type == "othertype") type = Folded(r.other_type);
  RecordAccess a;
  if (type == "confidential" || type == "secrecy" || type == "sekretess" || type == "secret") {
    const std::string ends = r.end.empty() ? "" : ParseErmsDate(r.end);
    if (!r.end.empty() && ends.empty()) {
      a.state = AccessState::kSecret;  // an end bevara cannot read never comes
      a.ground = (r.regulation.empty() ? std::string("secrecy") : r.regulation) + " (end date not understood)";
      return a;
    }
    if (!ends.empty() && ends != "9999-12-31" && today > ends) return a;  // lapsed
    a.state = AccessState::kSecret;
    a.ground = r.regulation.empty() ? "secrecy (no legal ground given)" : r.regulation;
    if (!ends.empty() && ends != "9999-12-31") a.public_from = NextDay(ends);
    return a;
  }
  a.state = AccessState::kRestricted;
  if (type == "personaldata" || type == "personal data" || type == "personuppgifter") {
    a.ground = "personal data";
  } else if (type == "protectedidentity" || type == "protected identity" || type == "skyddad identitet" ||
             type == "skyddade personuppgifter") {
    a.ground = "protected identity";
  } else {
    a.ground = "a restriction bevara does not know (" + (r.type.empty() ? std::string("no type") : r.type) +
               (r.other_type.empty() ? "" : " / " + r.other_type) + ")";
  }
  return a;
}

}  // namespace

RecordAccess DeriveAccess(const RecordMetadata& record, const std::string& today) {
  RecordAccess access;
  for (const Restriction& r : record.restrictions) access = Stricter(access, OneRestriction(r, today));
  if (record.personal_data && access.state == AccessState::kPublic) {
    access.state = AccessState::kRestricted;
    access.ground = "personal data";
  }
  return access;
}

}  // namespace bevara::ingest
