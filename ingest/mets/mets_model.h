// MetsDocument: what bevara needs to know about one METS file, gathered in a
// single SAX pass (mets_handler.h). Plain data; no XML types leak out.
//
// Memory: a few hundred bytes per declared file, so a METS declaring 100,000
// files costs some tens of megabytes.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

namespace bevara::ingest {

// A content file (fileSec/file with its FLocat) or a metadata file (mdRef).
// Kept compact: a METS may declare 100,000 of them. Attribute values that are
// only checked (LOCTYPE, xlink:type, CREATED, the form of SIZE) are checked
// while parsing; what remains is what later stages need.
struct FileDeclaration {
  enum class Kind : uint8_t { kFile, kMdRef };
  Kind kind = Kind::kFile;
  // Attributes present (CSIP requires them to be present, not merely valid).
  bool has_size = false, has_created = false, has_checksum = false, has_checksum_type = false,
       has_mimetype = false, has_href = false;
  bool loctype_url = false;   // LOCTYPE="URL"
  bool xlink_simple = false;  // xlink:type="simple"
  bool has_xlink_type = false;
  uint8_t flocat_count = 0;   // files only; saturates at 255
  // sip:FILEFORMATNAME/VERSION/REGISTRY/REGISTRYKEY (E-ARK SIP32-35), one bit
  // each in this order: present, and present but empty.
  uint8_t sip_format_present = 0, sip_format_empty = 0;
  int64_t size = -1;          // SIZE when it is a valid integer, else -1
  uint32_t group = 0;         // files: index into file_groups; mdRefs: into metadata_sections
  uint64_t line = 0;
  std::string id;
  std::string href;           // xlink:href as written
  std::string mimetype;
  std::string checksum;
  std::string checksum_type;
};

// A value found malformed while parsing (a date, a size), with its rule.
struct ValueIssue {
  const char* rule;
  std::string message;
  uint64_t line = 0;
};

struct MetsAgent {
  std::string role, other_role, type, other_type, name;
  bool has_role = false, has_type = false, has_other_type = false;
  std::vector<std::pair<std::string, std::string>> notes;  // (csip:NOTETYPE, text)
  uint64_t line = 0;
};

struct MetadataSection {
  std::string element;  // dmdSec, techMD, rightsMD, sourceMD, digiprovMD
  std::string id, created, status;
  bool has_status = false;
  std::string mdtype;   // of its mdRef: MDTYPE, or OTHERMDTYPE when MDTYPE is OTHER
  bool has_mdref = false, has_mdwrap = false;
  uint64_t line = 0;
};

struct FileGroup {
  std::string id, use, admid;
  std::string content_information_type, other_content_information_type;  // csip: attributes
  bool has_content_information_type = false, has_other_content_information_type = false;
  uint32_t file_count = 0;    // <file> children (nested groups count for themselves)
  uint32_t subgroup_count = 0;
  uint64_t line = 0;
};

struct StructDiv {
  std::string id, label, admid, dmdid;
  std::vector<std::string> fptr_fileids;  // FILEID of each fptr child
  uint32_t mptr_count = 0;
  uint32_t struct_map = 0;  // index into struct_maps
  int32_t parent = -1;      // index into divs, -1 for a structMap's top div
  int depth = 0;            // 1 = the root div of its structMap
  uint64_t line = 0;
};

struct StructMapInfo {
  std::string id, type, label;
  bool has_type = false, has_label = false;
  uint64_t line = 0;
};

struct MetsPointer {  // structMap div/mptr: a pointer to a representation METS
  std::string href;
  bool has_href = false, loctype_url = false, xlink_simple = false;
  uint64_t line = 0;
};

struct AltRecordId {
  std::string type, text;
  uint64_t line = 0;
};

struct MetsDocument {
  std::string path;  // where the document is in the package
  std::string root_namespace, root_name;

  // mets root
  bool has_objid = false, has_type = false, has_profile = false, has_label = false;
  bool has_content_information_type = false, has_other_content_information_type = false;
  std::string objid, label, type, profile;
  std::string content_information_type, other_content_information_type, csip_other_type;
  bool csip_namespace_lower_case = false;  // "https://dilcis.eu/..." spelling
  // Attributes in the Swedish FGS 1.x namespace "ExtensionMETS" (ext:), on
  // the root and on metsHdr, as (local name, value) in document order.
  std::vector<std::pair<std::string, std::string>> ext_root, ext_header;

  // metsHdr
  bool has_header = false;
  std::string create_date, last_mod_date, record_status, oais_package_type;
  bool has_last_mod_date = false, has_record_status = false, has_oais_package_type = false;
  std::vector<AltRecordId> alt_record_ids;
  uint64_t header_line = 0;
  std::vector<MetsAgent> agents;

  std::vector<MetadataSection> metadata_sections;
  uint32_t amd_sec_count = 0;
  bool has_file_sec = false;
  std::string file_sec_id;
  std::vector<FileGroup> file_groups;
  // Content files and mdRefs in document order. A deque: no reallocation
  // copies, and no doubled capacity at the peak.
  std::deque<FileDeclaration> files;
  std::vector<StructMapInfo> struct_maps;
  std::vector<StructDiv> divs;
  std::vector<MetsPointer> mets_pointers;

  // Malformed values found while parsing. ID uniqueness and references are
  // checked by the schema (xs:ID / xs:IDREF) and reported from its findings.
  std::vector<ValueIssue> value_issues;
  bool too_many_declarations = false;
};

}  // namespace bevara::ingest
