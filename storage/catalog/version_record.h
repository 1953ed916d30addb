// VersionRecord: everything bevara knows about one version of an AIP.
//
// It is stored three ways: as a JSON blob in the store (the version record,
// named in the version log), as rows in the catalog, and as the receipt an
// ingest returns. The blob is the source of truth; the catalog is rebuilt
// from it (`bevara rebuild`).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "src/common/result.h"

namespace bevara::storage {

// What PRONOM identification made of a file (ingest/formats), and what the
// archive's format policy says of that format.
struct FormatIdentity {
  std::string puid;     // "fmt/354"; empty when none or several matched
  std::string name, version;
  std::string method;   // "signature", "container", "extension", "none"
  std::vector<std::string> candidates;  // the PUIDs that tied, when several did
  std::string note;     // how a tie was broken, why there is no match
  std::string policy;   // "accepted", "accepted_for_now", "not_accepted"
  bool empty() const { return method.empty(); }
};

// One file of the package as archived.
struct FileRecord {
  std::string path;    // logical path in the AIP, "submission/..." for package files
  uint64_t size = 0;
  std::string sha256;  // blob name
  // Digests the package declared in other algorithms ("sha512" -> hex).
  std::map<std::string, std::string> fixity;
  std::string mime_declared;  // MIMETYPE from the METS; empty when none
  std::string mime_detected;  // libmagic's answer
  FormatIdentity format;      // empty for bevara's own files and old records
};

// A PREMIS 3 event, as recorded in the AIP METS.
struct PremisEvent {
  std::string id;         // unique within the AIP: "event-v1-1"
  std::string type;       // eventType from the Library of Congress vocabulary ("ingestion", ...)
  std::string date_time;  // RFC 3339
  std::string outcome;    // "success" or "failure"
  std::string detail;     // eventOutcomeDetailNote
  std::string agent;      // "bevara 0.1.0"
};

struct VersionRecord {
  std::string package_id;  // the SIP's OBJID
  uint32_t version = 0;    // 1, 2, ...
  std::string created;     // RFC 3339, UTC: when this version was archived
  std::string message;
  std::string label, profile, content_type;  // from the SIP's METS
  std::string producer_id, producer_name;   // the submitting organisation
  std::string sip_created;                  // metsHdr CREATEDATE
  std::string sip_format;                   // tar, zip, directory
  std::string inventory;   // blob: OCFL inventory of the object as of this version
  std::string aip_mets;    // blob: AIP METS (also in files, as "METS.xml")
  uint64_t file_count = 0, total_bytes = 0;
  std::vector<FileRecord> files;  // sorted by path
  std::vector<PremisEvent> events;
  // The PRONOM signature files the formats were identified with.
  std::string format_signatures;
};

nlohmann::json ToJson(const FileRecord& f);
nlohmann::json ToJson(const PremisEvent& e);
// The record as one JSON object, written in pieces to `out`: the file list
// of a 100,000-file version is tens of megabytes as text, and several times
// that as a JSON tree, so it is never built whole.
Status WriteJson(const VersionRecord& r, const std::function<Status(std::string_view)>& out);
Result<FileRecord> FileRecordFromJson(const nlohmann::json& j);
Result<PremisEvent> PremisEventFromJson(const nlohmann::json& j);
Result<VersionRecord> VersionRecordFromJson(const nlohmann::json& j);

}  // namespace bevara::storage
