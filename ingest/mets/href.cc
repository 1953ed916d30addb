#include "ingest/mets/href.h"

#include <cctype>
#include <vector>

#include "src/common/path.h"

namespace bevara::ingest {

std::string PlusAsSpace(std::string path) {
  for (char& c : path)
    if (c == '+') c = ' ';
  return path;
}

bool NormalizePath(std::string_view path, std::string* out) {
  std::vector<std::string_view> parts;
  for (std::string_view comp : SplitPath(path)) {
    if (comp == "..") {
      if (parts.empty()) return false;
      parts.pop_back();
    } else if (!comp.empty() && comp != ".") {
      parts.push_back(comp);
    }
  }
  out->clear();
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i) out->push_back('/');
    out->append(parts[i]);
  }
  return true;
}

namespace {

// A URI scheme: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":" before any '/'.
bool HasScheme(std::string_view s, std::string_view* scheme) {
  size_t colon = s.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  if (s.find('/') < colon) return false;
  if (!std::isalpha(static_cast<unsigned char>(s[0]))) return false;
  for (size_t i = 1; i < colon; ++i) {
    char c = s[i];
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.') return false;
  }
  *scheme = s.substr(0, colon);
  return true;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  return true;
}

}  // namespace

Result<std::string> ResolveHref(std::string_view href, std::string_view base_dir) {
  std::string shown(href);
  std::string_view rest = href;
  bool from_root = false;
  std::string_view scheme;
  if (HasScheme(rest, &scheme)) {
    if (!EqualsIgnoreCase(scheme, "file")) {
      return Status::Rejected("METS-HREF-REMOTE", "reference points outside the package: " + shown, shown);
    }
    rest.remove_prefix(scheme.size() + 1);
    if (rest.substr(0, 3) == "///") {  // file:///x: from the package root
      rest.remove_prefix(3);
      from_root = true;
    } else if (rest.substr(0, 2) == "//") {  // file://./x or file://host/x
      rest.remove_prefix(2);
      if (rest.substr(0, 2) != "./") {
        return Status::Rejected("METS-HREF-REMOTE", "reference names a host: " + shown, shown);
      }
    }
  }
  std::string decoded;
  if (!PercentDecode(rest, &decoded) || decoded.find('\0') != std::string::npos) {
    return Status::Rejected("METS-HREF-INVALID", "malformed percent-encoding in reference: " + shown, shown);
  }
  if (!decoded.empty() && decoded[0] == '/') from_root = true;
  std::string joined = from_root || base_dir.empty() ? decoded : std::string(base_dir) + "/" + decoded;
  std::string normal;
  if (!NormalizePath(joined, &normal)) {
    return Status::Rejected("METS-HREF-ESCAPE", "reference climbs out of the package: " + shown, shown);
  }
  if (normal.empty()) return Status::Rejected("METS-HREF-INVALID", "reference names no file: " + shown, shown);
  return normal;
}

}  // namespace bevara::ingest
