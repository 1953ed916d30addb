#include "src/search/text_sink.h"

#include "src/common/utf8.h"

namespace bevara::search {
namespace {

// The length of the valid UTF-8 sequence at s[i], or 0.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  uint32_t cp = 0;
  return DecodeUtf8(s, i, &cp);
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

}  // namespace

bool TextSink::Put(std::string_view bytes) {
  if (text_.size() + bytes.size() > limit_) {
    full_ = true;
    return false;
  }
  text_.append(bytes);
  return true;
}

bool TextSink::Append(std::string_view utf8) {
  for (size_t i = 0; i < utf8.size() && !full_;) {
    if (IsSpace(utf8[i])) {
      pending_space_ = !text_.empty();
      ++i;
      continue;
    }
    size_t len = Utf8SequenceLength(utf8, i);
    if (pending_space_) {
      if (!Put(" ")) break;
      pending_space_ = false;
    }
    if (len == 0) {
      Put(kReplacement);
      ++i;
    } else {
      Put(utf8.substr(i, len));
      i += len;
    }
  }
  return !full_;
}

std::string Windows1252ToUtf8(std::string_view bytes) {
  // 0x80-0x9F in Windows-1252; the rest of the high half is Latin-1.
  static const char16_t kHigh[32] = {0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
                                     0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
                                     0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
                                     0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};
  std::string out;
  out.reserve(bytes.size() + bytes.size() / 8);
  for (unsigned char c : bytes) {
    char32_t cp = c < 0x80 ? c : (c < 0xA0 ? kHigh[c - 0x80] : c);
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  return out;
}

namespace {

void PutUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    *out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    *out += static_cast<char>(0xC0 | (cp >> 6));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *out += static_cast<char>(0xE0 | (cp >> 12));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (cp >> 18));
    *out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

}  // namespace

size_t Utf16ToUtf8(std::string_view bytes, bool little_endian, std::string* out) {
  auto unit = [&](size_t i) -> char16_t {
    const auto a = static_cast<unsigned char>(bytes[i]), b = static_cast<unsigned char>(bytes[i + 1]);
    return static_cast<char16_t>(little_endian ? (b << 8) | a : (a << 8) | b);
  };
  size_t i = 0;
  while (i + 1 < bytes.size()) {
    const char16_t u = unit(i);
    if (u >= 0xD800 && u <= 0xDBFF) {
      if (i + 3 >= bytes.size()) break;  // its pair comes with the next block
      const char16_t low = unit(i + 2);
      if (low >= 0xDC00 && low <= 0xDFFF) {
        PutUtf8(0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00), out);
        i += 4;
        continue;
      }
      PutUtf8(0xFFFD, out);
    } else {
      PutUtf8(u >= 0xDC00 && u <= 0xDFFF ? 0xFFFD : u, out);
    }
    i += 2;
  }
  return i;
}

bool LooksLikeUtf16(std::string_view block, bool* little_endian, size_t* bom_bytes) {
  *bom_bytes = 0;
  if (block.size() >= 2) {
    const auto a = static_cast<unsigned char>(block[0]), b = static_cast<unsigned char>(block[1]);
    if ((a == 0xFF && b == 0xFE) || (a == 0xFE && b == 0xFF)) {
      *little_endian = a == 0xFF;
      *bom_bytes = 2;
      return true;
    }
  }
  size_t even = 0, odd = 0;
  for (size_t i = 0; i < block.size(); ++i) {
    if (block[i] == '\0') ++(i % 2 == 0 ? even : odd);
  }
  if (even + odd == 0) return false;
  *little_endian = odd >= even;  // "A\0B\0": the NULs stand at odd offsets
  return true;
}

bool LooksLikeUtf8(std::string_view bytes) {
  for (size_t i = 0; i < bytes.size();) {
    size_t len = Utf8SequenceLength(bytes, i);
    if (len == 0) return bytes.size() - i < 4 && static_cast<unsigned char>(bytes[i]) >= 0xC2;
    i += len;
  }
  return true;
}

size_t Utf8CompletePrefix(std::string_view bytes) {
  // Look back over at most three continuation bytes to the lead byte.
  for (size_t back = 1; back <= 4 && back <= bytes.size(); ++back) {
    const unsigned char c = bytes[bytes.size() - back];
    if ((c & 0xC0) == 0x80) continue;
    size_t need = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
    return need > back ? bytes.size() - back : bytes.size();
  }
  return bytes.size();
}

}  // namespace bevara::search
