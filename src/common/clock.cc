#include "src/common/clock.h"

#include <cstdio>
#include <ctime>


namespace bevara {

std::string FormatRfc3339(int64_t micros) {
  int64_t seconds = micros / 1000000;
  int64_t millis = (micros % 1000000) / 1000;
  if (micros < 0 && micros % 1000000 != 0) {  // before 1970: floor, not truncate
    --seconds;
    millis += 1000;
  }
  std::time_t t = static_cast<std::time_t>(seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char out[48];
  std::snprintf(out, sizeof out, "%s.%03dZ", buf, static_cast<int>(millis));
  return out;
}

std::string NowRfc3339(Env* env) { return FormatRfc3339(env->NowMicros()); }

std::string TodayUtc(Env* env) { return NowRfc3339(env).substr(0, 10); }

}  // namespace bevara
