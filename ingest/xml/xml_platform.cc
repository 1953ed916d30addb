#include "ingest/xml/xml_platform.h"

#include <xercesc/util/PlatformUtils.hpp>
#include <xercesc/util/XMLException.hpp>

#include <cstdlib>
#include <mutex>

namespace bevara::ingest {

Status InitializeXml() {
  static std::once_flag once;
  static Status result;
  std::call_once(once, [] {
    // Must precede Initialize(): Xerces reads it once.
    ::setenv("XERCES_DISABLE_DTD", "1", 1);
    try {
      xercesc::XMLPlatformUtils::Initialize();
    } catch (const xercesc::XMLException& e) {
      result = Status::Internal("Xerces initialisation failed: " + ToUtf8(e.getMessage()));
    } catch (...) {
      result = Status::Internal("Xerces initialisation failed");
    }
  });
  return result;
}

void AppendUtf8(const XMLCh* s, size_t n, std::string* out) {
  // Two passes: the exact length first, so strings get exactly the capacity
  // they need (a METS holds hundreds of thousands of them), then the bytes,
  // written through a pointer (per-byte push_back showed in profiles).
  size_t length = 0;
  for (size_t i = 0; i < n; ++i) {
    uint32_t c = s[i];
    if (c < 0x80) length += 1;
    else if (c < 0x800) length += 2;
    else if (c >= 0xD800 && c <= 0xDBFF && i + 1 < n && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF) { length += 4; ++i; }
    else length += 3;
  }
  size_t base = out->size();
  out->resize(base + length);
  char* p = out->data() + base;
  for (size_t i = 0; i < n; ++i) {
    uint32_t c = s[i];
    if (c < 0x80) {
      *p++ = static_cast<char>(c);
      continue;
    }
    if (c >= 0xD800 && c <= 0xDBFF && i + 1 < n && s[i + 1] >= 0xDC00 && s[i + 1] <= 0xDFFF) {
      c = 0x10000 + ((c - 0xD800) << 10) + (s[i + 1] - 0xDC00);
      ++i;
    }
    if (c < 0x800) {
      *p++ = static_cast<char>(0xC0 | (c >> 6));
    } else if (c < 0x10000) {
      *p++ = static_cast<char>(0xE0 | (c >> 12));
      *p++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    } else {
      *p++ = static_cast<char>(0xF0 | (c >> 18));
      *p++ = static_cast<char>(0x80 | ((c >> 12) & 0x3F));
      *p++ = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    }
    *p++ = static_cast<char>(0x80 | (c & 0x3F));
  }
}

std::string ToUtf8(const XMLCh* s) {
  std::string out;
  if (s == nullptr) return out;
  size_t n = 0;
  while (s[n] != 0) ++n;
  out.reserve(n);
  AppendUtf8(s, n, &out);
  return out;
}

std::u16string ToUtf16(std::string_view s) {
  std::u16string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    uint32_t cp;
    size_t len;
    if (c < 0x80) { cp = c; len = 1; }
    else if ((c & 0xE0) == 0xC0) { cp = c & 0x1F; len = 2; }
    else if ((c & 0xF0) == 0xE0) { cp = c & 0x0F; len = 3; }
    else { cp = c & 0x07; len = 4; }
    for (size_t k = 1; k < len && i + k < s.size(); ++k) cp = (cp << 6) | (s[i + k] & 0x3F);
    i += len;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      out.push_back(static_cast<char16_t>(0xD800 + (cp >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(cp));
    }
  }
  return out;
}

}  // namespace bevara::ingest
