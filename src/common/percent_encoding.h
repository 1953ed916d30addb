// Percent-encoding (RFC 3986): METS hrefs, the API's URLs, and filenames in
// Content-Disposition (RFC 8187) all use it.
#pragma once

#include <string>
#include <string_view>

namespace bevara {

// Decodes %XX escapes (and '+' as a space when `plus_is_space`, as in query
// strings). False on a malformed escape. NUL bytes are decoded like any
// other: callers that cannot take them check.
bool PercentDecode(std::string_view in, std::string* out, bool plus_is_space = false);

// Encodes every byte except the unreserved characters (A-Z a-z 0-9 - . _ ~)
// and, when `keep_slash`, '/' (a path; not a path segment).
std::string PercentEncode(std::string_view text, bool keep_slash);

}  // namespace bevara
