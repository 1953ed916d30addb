// IndexedRecord: one record (handling) as the search index holds it — its
// case's metadata, its own, its text, and when it may be shown to the
// public.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace bevara::search {

// visible_from values besides a date (YYYY-MM-DD):
inline constexpr const char* kVisibleNow = "0000-00-00";  // public today
inline constexpr const char* kNeverVisible = "";           // not without someone acting

struct IndexedRecord {
  std::string id;  // see RecordSearchId()
  std::string package_id;
  uint32_t version = 0;
  std::string record_id;     // the record's systemIdentifier in the ERMS
  std::string registration;  // its registration number (diarienummer:löpnummer)
  std::string case_number, case_title, case_status;
  std::string creator, creator_id;
  std::string classification_code, classification;
  std::string title, record_type, direction;
  std::string date;  // YYYY-MM-DD: the record's date, else the case's opening date; may be empty
  std::string access_state, access_ground;  // in force today: published, public, restricted, secret
  std::string review;        // why an archivist should look at it; empty when nothing waits
  std::string visible_from;  // the first day the public may see it (kVisibleNow, a date, kNeverVisible)
  std::string published_by;  // what publishes it: "decision", or a publication rule's id
  std::vector<std::string> files;  // AIP paths
  std::map<std::string, std::string> digests;  // of the files in this version: path -> SHA-256
  std::string text;                // extracted from the files
  std::vector<std::string> text_notes;  // files whose text is missing or partial, and why
};

// The id by which search hits, the public interface and requests name a
// record: "r" + 24 hex digits of SHA-256(package id, record id). Stable
// across reindexing, safe in a URL, and says nothing about the record.
std::string RecordSearchId(const std::string& package_id, const std::string& record_id);

// Whether the public may see `record` on `today` (YYYY-MM-DD).
inline bool VisibleOn(const IndexedRecord& record, const std::string& today) {
  return !record.visible_from.empty() && record.visible_from <= today;
}

}  // namespace bevara::search
