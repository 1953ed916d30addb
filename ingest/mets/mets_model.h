// MetsDocument: what bevara needs to know about one METS file, gathered in a
// single SAX pass (mets_handler.h). Plain data; no XML types leak out.
//
// Memory: a few hundred bytes per declared file, so a METS declaring 100,000
// files costs some tens of megabytes.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace bevara::ingest {

// A content file (fileSec/file with its FLocat) or a metadata file (mdRef).
struct FileDeclaration {
  enum class Kind { kFile, kMdRef };
  Kind kind = Kind::kFile;
  std::string id;
  std::string href;           // xlink:href as written
  std::string loctype;        // LOCTYPE of FLocat / mdRef
  std::string xlink_type;
  std::string mimetype;
  std::string size;           // as written; parsed by the checks
  std::string created;
  std::string checksum;
  std::string checksum_type;
  std::string mdtype;         // mdRef only
  std::string other_mdtype;   // mdRef only
  std::string section;        // "dmdSec", "digiprovMD", ..., or the fileGrp USE
  int flocat_count = 0;       // files only
  uint64_t line = 0;
  // Attributes present (CSIP requires several of them to be present, not
  // merely well-formed).
  bool has_size = false, has_created = false, has_checksum = false, has_checksum_type = false,
       has_mimetype = false, has_href = false;
};

struct MetsAgent {
  std::string role, other_role, type, other_type, name;
  std::vector<std::pair<std::string, std::string>> notes;  // (csip:NOTETYPE, text)
  uint64_t line = 0;
};

struct MetadataSection {
  std::string element;  // dmdSec, techMD, rightsMD, sourceMD, digiprovMD
  std::string id, created, status;
  bool has_mdref = false, has_mdwrap = false;
  uint64_t line = 0;
};

struct FileGroup {
  std::string id, use;
  uint64_t line = 0;
};

struct StructDiv {
  std::string id, label;
  int depth = 0;  // 1 = the root div of its structMap
  uint64_t line = 0;
};

struct StructMapInfo {
  std::string id, type, label;
  uint64_t line = 0;
};

struct MetsPointer {  // structMap div/mptr: a pointer to a representation METS
  std::string href;
  uint64_t line = 0;
};

struct IdReference {
  std::string id;         // the referenced ID
  std::string attribute;  // FILEID, DMDID, ADMID, ...
  uint64_t line = 0;
};

struct MetsDocument {
  std::string path;  // where the document is in the package
  std::string root_namespace, root_name;

  // mets root
  bool has_objid = false, has_type = false, has_profile = false;
  std::string objid, label, type, profile;
  std::string content_information_type, other_content_information_type, csip_other_type;
  bool csip_namespace_lower_case = false;  // "https://dilcis.eu/..." spelling

  // metsHdr
  bool has_header = false;
  std::string create_date, last_mod_date, record_status, oais_package_type;
  uint64_t header_line = 0;
  std::vector<MetsAgent> agents;

  std::vector<MetadataSection> metadata_sections;
  bool has_file_sec = false;
  std::string file_sec_id;
  std::vector<FileGroup> file_groups;
  std::vector<FileDeclaration> files;  // content files and mdRefs, in document order
  std::vector<StructMapInfo> struct_maps;
  std::vector<StructDiv> divs;
  std::vector<MetsPointer> mets_pointers;

  // Every ID with the line of its first declaration, repeats, and every
  // reference to an ID.
  std::unordered_map<std::string, uint64_t> ids;
  std::vector<std::pair<std::string, uint64_t>> duplicate_ids;
  std::vector<IdReference> references;

  bool too_many_declarations = false;
};

}  // namespace bevara::ingest
