#include "ingest/formats/format_policy.h"

#include <cctype>

namespace bevara::ingest::formats {
namespace {

constexpr const char* kAccepted[] = {
    // PDF/A 1a, 1b, 2a, 2b, 2u, 3a, 3b, 3u, 4, 4e, 4f
    "fmt/95", "fmt/354", "fmt/476", "fmt/477", "fmt/478", "fmt/479", "fmt/480", "fmt/481", "fmt/1910", "fmt/1911",
    "fmt/1912",
    // TIFF
    "fmt/353", "fmt/7", "fmt/8", "fmt/9", "fmt/10",
    // JPEG (JFIF, Exif)
    "fmt/42", "fmt/43", "fmt/44", "x-fmt/398", "x-fmt/390", "x-fmt/391", "fmt/645", "fmt/1507",
    // PNG
    "fmt/11", "fmt/12", "fmt/13",
    // XML, XML Schema (E-ARK packages carry theirs), plain text, CSV
    "fmt/101", "fmt/1776", "x-fmt/280", "x-fmt/111", "x-fmt/18",
    // OpenDocument text, spreadsheet, presentation 1.0-1.3
    "fmt/136", "fmt/290", "fmt/291", "fmt/1756", "fmt/137", "fmt/294", "fmt/295", "fmt/1755", "fmt/138", "fmt/292",
    "fmt/293", "fmt/1754",
    // WAVE, Broadcast WAVE, FLAC, MPEG-4
    "fmt/6", "fmt/141", "fmt/142", "fmt/143", "fmt/1", "fmt/2", "fmt/527", "fmt/703", "fmt/704", "fmt/705",
    "fmt/706", "fmt/707", "fmt/708", "fmt/709", "fmt/710", "fmt/711", "fmt/279", "fmt/199"};

constexpr const char* kAcceptedForNow[] = {
    // PDF 1.0-1.7, 2.0
    "fmt/14", "fmt/15", "fmt/16", "fmt/17", "fmt/18", "fmt/19", "fmt/20", "fmt/276", "fmt/1129",
    // Office Open XML (Word, Excel, PowerPoint), legacy Word, Excel, PowerPoint
    "fmt/189", "fmt/412", "fmt/214", "fmt/215", "fmt/40", "fmt/61", "fmt/126",
    // HTML, XHTML, GIF, JPEG 2000, MP3
    "fmt/96", "fmt/97", "fmt/98", "fmt/99", "fmt/100", "fmt/471", "fmt/102", "fmt/103", "fmt/3", "fmt/4",
    "x-fmt/392", "fmt/134"};

Result<std::vector<std::string>> SplitPuids(std::string_view list) {
  std::vector<std::string> out;
  std::string current;
  auto flush = [&]() -> Status {
    if (current.empty()) return Status::OK();
    bool ok = (current.rfind("fmt/", 0) == 0 || current.rfind("x-fmt/", 0) == 0) && current.back() != '/';
    for (size_t i = current.find('/') + 1; ok && i < current.size(); ++i) ok = std::isdigit(static_cast<unsigned char>(current[i]));
    if (!ok) return Status::InvalidArgument("'" + current + "' is not a PRONOM PUID (fmt/N or x-fmt/N)");
    out.push_back(std::move(current));
    current.clear();
    return Status::OK();
  };
  for (char c : list) {
    if (c == ',' || std::isspace(static_cast<unsigned char>(c))) {
      BEVARA_RETURN_IF_ERROR(flush());
    } else {
      current.push_back(c);
    }
  }
  BEVARA_RETURN_IF_ERROR(flush());
  return out;
}

}  // namespace

std::string_view StateName(FormatState s) {
  switch (s) {
    case FormatState::kAccepted: return "accepted";
    case FormatState::kAcceptedForNow: return "accepted_for_now";
    case FormatState::kNotAccepted: break;
  }
  return "not_accepted";
}

FormatPolicy FormatPolicy::Default() {
  FormatPolicy p;
  for (const char* puid : kAcceptedForNow) p.states_[puid] = FormatState::kAcceptedForNow;
  for (const char* puid : kAccepted) p.states_[puid] = FormatState::kAccepted;
  return p;
}

Result<FormatPolicy> FormatPolicy::FromLists(std::string_view accepted, std::string_view accepted_for_now,
                                             std::string_view action) {
  FormatPolicy p = Default();
  if (action == "reject") {
    p.action_ = PolicyAction::kReject;
  } else if (action != "warn" && !action.empty()) {
    return Status::InvalidArgument("the format policy action must be 'warn' or 'reject', not '" + std::string(action) + "'");
  }
  auto yes = SplitPuids(accepted);
  if (!yes.ok()) return yes.status();
  auto later = SplitPuids(accepted_for_now);
  if (!later.ok()) return later.status();
  if (!yes->empty() || !later->empty()) p.states_.clear();  // a list given replaces the defaults
  for (const std::string& puid : *later) p.states_[puid] = FormatState::kAcceptedForNow;
  for (const std::string& puid : *yes) {
    if (p.states_.count(puid)) return Status::InvalidArgument(puid + " is both accepted and accepted for now");
    p.states_[puid] = FormatState::kAccepted;
  }
  return p;
}

FormatState FormatPolicy::Judge(std::string_view puid) const {
  auto it = puid.empty() ? states_.end() : states_.find(puid);
  return it == states_.end() ? FormatState::kNotAccepted : it->second;
}

}  // namespace bevara::ingest::formats
