#include "src/common/percent_encoding.h"

#include "src/common/hex.h"

namespace bevara {
namespace {

bool Unreserved(unsigned char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
         c == '_' || c == '~';
}

}  // namespace

bool PercentDecode(std::string_view in, std::string* out, bool plus_is_space) {
  out->clear();
  out->reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '+' && plus_is_space) {
      out->push_back(' ');
      continue;
    }
    if (in[i] != '%') {
      out->push_back(in[i]);
      continue;
    }
    std::string byte;
    if (i + 2 >= in.size() || !HexDecode(in.substr(i + 1, 2), &byte)) return false;
    out->append(byte);
    i += 2;
  }
  return true;
}

std::string PercentEncode(std::string_view text, bool keep_slash) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (Unreserved(c) || (keep_slash && c == '/')) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      AppendHex(&out, &c, 1, /*upper=*/true);
    }
  }
  return out;
}

}  // namespace bevara
