#include "ingest/erms/case_metadata.h"

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

RecordAccess DeriveAccess(const RecordMetadata& record, const std::string& today) {
  RecordAccess access;
  if (record.secrecy) {
    const SecrecyMarking& s = *record.secrecy;
    bool lapsed = !s.ends.empty() && today > s.ends;
    if (!lapsed) {
      access.state = AccessState::kSecret;
      access.ground = s.regulation.empty() ? "secrecy (no legal ground given)" : s.regulation;
      if (!s.ends.empty()) access.public_from = NextDay(s.ends);
      return access;
    }
  }
  if (record.personal_data) {
    access.state = AccessState::kRestricted;
    access.ground = "personal data";
  }
  return access;
}

}  // namespace bevara::ingest
