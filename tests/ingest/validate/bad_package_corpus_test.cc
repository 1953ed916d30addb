// The corpus of malformed packages. Each case derives a bad package from a
// valid generated one and asserts the exact rule id it must fail, that the
// verdict is "invalid", and that nothing ever reached the network.
#include <functional>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include <filesystem>

#include "ingest/pipeline/ingester.h"
#include "tests/support/archive_fixture.h"
#include "tests/test_util.h"
#include "tools/sipgen/sip_writer.h"

namespace bevara::ingest {
namespace {

using sipgen::ContentKind;
using sipgen::EntryType;
using sipgen::PlannedEntry;
using sipgen::SipPlan;

testing::LoopbackTrap& Trap() {
  static testing::LoopbackTrap* trap = new testing::LoopbackTrap();
  return *trap;
}

struct BadCase {
  std::string name;
  std::string rule;
  std::string format;  // tar, tar.gz, zip, dir
  std::function<void(SipPlan&, ValidatorOptions&)> mutate;
  // Cases that need bytes no plan can express write the file themselves.
  std::function<void(const std::string& path)> raw = nullptr;
};

void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name << " -> " << c.rule; }

PlannedEntry Literal(const std::string& path, std::string data) {
  PlannedEntry e;
  e.path = path;
  e.literal = std::move(data);
  return e;
}

PlannedEntry Special(const std::string& path, EntryType type, const std::string& target = {}) {
  PlannedEntry e;
  e.path = path;
  e.type = type;
  e.link_target = target;
  return e;
}

void Add(SipPlan& p, PlannedEntry e) { p.entries.push_back(std::move(e)); }
void Prepend(SipPlan& p, PlannedEntry e) { p.entries.insert(p.entries.begin(), std::move(e)); }

void EditMetsOrFail(SipPlan& p, const std::string& from, const std::string& to) {
  ASSERT_TRUE(p.EditMets(from, to)) << "fixture METS does not contain: " << from;
}

// Prefixes the METS with a DOCTYPE (and whatever it declares).
void WithDoctype(SipPlan& p, const std::string& doctype, const std::string& body_reference = "") {
  std::string& m = p.Mets();
  size_t decl_end = m.find("?>") + 2;
  m.insert(decl_end, "\n" + doctype);
  if (!body_reference.empty()) {
    size_t hdr = m.find("<metsHdr");
    m.insert(hdr, body_reference);
  }
}

std::string BillionLaughs() {
  std::string d = "<!DOCTYPE mets [\n<!ENTITY lol \"lol\">\n";
  for (int i = 1; i <= 9; ++i) {
    d += "<!ENTITY lol" + std::to_string(i) + " \"";
    for (int k = 0; k < 10; ++k) d += "&lol" + (i == 1 ? std::string() : std::to_string(i - 1)) + ";";
    d += "\">\n";
  }
  return d + "]>";
}

const PlannedEntry* FirstDataFile(SipPlan& p) {
  for (const PlannedEntry& e : p.entries)
    if (e.path.find("/data/") != std::string::npos) return &e;
  return nullptr;
}

std::vector<BadCase> Corpus() {
  std::vector<BadCase> c;
  auto none = [](SipPlan&, ValidatorOptions&) {};
  // --- The reader: names, types, limits, bombs, damage.
  c.push_back({"absolute_path", "PKG-ABSOLUTE-PATH", "tar", [](SipPlan& p, auto&) { Add(p, Literal("/etc/cron.d/evil", "x")); }});
  c.push_back({"windows_drive_path", "PKG-ABSOLUTE-PATH", "zip", [](SipPlan& p, auto&) { Add(p, Literal("C:/evil.txt", "x")); }});
  c.push_back({"dotdot", "PKG-DOTDOT", "tar", [](SipPlan& p, auto&) { Add(p, Literal(p.root + "../../evil.txt", "x")); }});
  c.push_back({"dotdot_zip", "PKG-DOTDOT", "zip", [](SipPlan& p, auto&) { Add(p, Literal("../evil.txt", "x")); }});
  c.push_back({"empty_component", "PKG-EMPTY-COMPONENT", "tar", [](SipPlan& p, auto&) { Add(p, Literal(p.root + "a//b.txt", "x")); }});
  c.push_back({"dot_component", "PKG-EMPTY-COMPONENT", "tar", [](SipPlan& p, auto&) { Add(p, Literal(p.root + "a/./b.txt", "x")); }});
  c.push_back({"backslash", "PKG-BACKSLASH", "zip", [](SipPlan& p, auto&) { Add(p, Literal(p.root + "..\\..\\evil.txt", "x")); }});
  c.push_back({"control_char", "PKG-CONTROL-CHAR", "tar", [](SipPlan& p, auto&) { Add(p, Literal(p.root + "a\nb.txt", "x")); }});
  c.push_back({"invalid_utf8", "PKG-INVALID-UTF8", "tar", [](SipPlan& p, auto&) { Add(p, Literal(p.root + "caf\xe9.txt", "x")); }});
  c.push_back({"overlong_utf8_slash", "PKG-INVALID-UTF8", "tar", [](SipPlan& p, auto&) { Add(p, Literal(p.root + "a\xc0\xaf" "b", "x")); }});
  c.push_back({"duplicate_entry", "PKG-NAME-COLLISION", "tar", [](SipPlan& p, auto&) { Add(p, Literal(p.root + "METS.xml", "<x/>")); }});
  c.push_back({"nfc_collision", "PKG-NAME-COLLISION", "zip", [](SipPlan& p, auto&) {
    Add(p, Literal(p.root + "documentation/\xc3\xa4rende.txt", "a"));
    Add(p, Literal(p.root + "documentation/a\xcc\x88rende.txt", "b"));
  }});
  c.push_back({"file_used_as_folder", "PKG-NAME-COLLISION", "tar", [](SipPlan& p, auto&) {
    Add(p, Literal(p.root + "documentation/README.txt/inner.txt", "x"));
  }});
  c.push_back({"symlink", "PKG-SYMLINK", "tar", [](SipPlan& p, auto&) { Add(p, Special(p.root + "passwd", EntryType::kSymlink, "/etc/passwd")); }});
  c.push_back({"symlink_zip", "PKG-SYMLINK", "zip", [](SipPlan& p, auto&) { Add(p, Special(p.root + "up", EntryType::kSymlink, "..")); }});
  c.push_back({"symlink_dir", "PKG-SYMLINK", "dir", [](SipPlan& p, auto&) { Add(p, Special(p.root + "shadow", EntryType::kSymlink, "/etc/shadow")); }});
  c.push_back({"hardlink", "PKG-HARDLINK", "tar", [](SipPlan& p, auto&) { Add(p, Special(p.root + "again.xml", EntryType::kHardlink, p.root + "METS.xml")); }});
  c.push_back({"char_device", "PKG-DEVICE", "tar", [](SipPlan& p, auto&) { Add(p, Special(p.root + "null", EntryType::kCharDevice)); }});
  c.push_back({"fifo", "PKG-FIFO", "tar", [](SipPlan& p, auto&) { Add(p, Special(p.root + "pipe", EntryType::kFifo)); }});
  c.push_back({"fifo_dir", "PKG-FIFO", "dir", [](SipPlan& p, auto&) { Add(p, Special(p.root + "pipe", EntryType::kFifo)); }});
  c.push_back({"too_many_entries", "PKG-TOO-MANY-ENTRIES", "tar", [](SipPlan&, ValidatorOptions& o) { o.limits.max_entries = 10; }});
  c.push_back({"name_too_long", "PKG-NAME-TOO-LONG", "tar", [](SipPlan& p, auto&) { Add(p, Literal(p.root + std::string(1100, 'n'), "x")); }});
  c.push_back({"over_size_limit", "PKG-TOO-LARGE", "tar", [](SipPlan&, ValidatorOptions& o) { o.limits.max_total_bytes = 50000; }});
  c.push_back({"declared_size_over_limit", "PKG-TOO-LARGE", "tar", [](SipPlan& p, ValidatorOptions& o) {
    o.limits.max_total_bytes = 1 << 20;
    PlannedEntry big;
    big.path = p.root + "documentation/big.bin";
    big.content = ContentKind::kBinary;
    big.size = 2 << 20;
    Prepend(p, big);
  }});
  c.push_back({"zip_bomb", "PKG-COMPRESSION-RATIO", "zip", [](SipPlan& p, auto&) { Prepend(p, Literal(p.root + "zeros.bin", std::string(40 << 20, '\0'))); }});
  c.push_back({"tar_gz_bomb", "PKG-COMPRESSION-RATIO", "tar.gz", [](SipPlan& p, auto&) { Prepend(p, Literal(p.root + "zeros.bin", std::string(40 << 20, '\0'))); }});
  c.push_back({"truncated_tar", "PKG-CORRUPT", "tar", none, [](const std::string& path) {
    std::string bytes = testing::ReadFile(path);
    testing::WriteFile(path, bytes.substr(0, bytes.size() / 2 + 100));
  }});
  c.push_back({"truncated_zip", "PKG-CORRUPT", "zip", none, [](const std::string& path) {
    std::string bytes = testing::ReadFile(path);
    testing::WriteFile(path, bytes.substr(0, bytes.size() - 300));
  }});
  c.push_back({"empty_file", "PKG-EMPTY", "tar", none, [](const std::string& path) { testing::WriteFile(path, ""); }});
  c.push_back({"tar_without_entries", "PKG-EMPTY", "tar", [](SipPlan& p, auto&) { p.entries.clear(); }});
  c.push_back({"not_an_archive", "PKG-FORMAT", "tar", none, [](const std::string& path) {
    testing::WriteFile(path, "%PDF-1.7\n" + std::string(4000, 'q'));
  }});
  c.push_back({"no_mets", "PKG-NO-METS", "tar", [](SipPlan& p, auto&) { p.entries.erase(p.entries.begin()); }});
  c.push_back({"outside_package_folder", "PKG-OUTSIDE-ROOT", "tar", [](SipPlan& p, auto&) { Add(p, Literal("stray.txt", "x")); }});
  // --- XML attacks and damage.
  c.push_back({"billion_laughs", "XML-DOCTYPE", "tar", [](SipPlan& p, auto&) { WithDoctype(p, BillionLaughs(), "&lol9;"); }});
  c.push_back({"xxe_file", "XML-DOCTYPE", "tar", [](SipPlan& p, auto&) {
    WithDoctype(p, "<!DOCTYPE mets [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>", "&x;");
  }});
  c.push_back({"xxe_http", "XML-DOCTYPE", "zip", [](SipPlan& p, auto&) {
    WithDoctype(p, "<!DOCTYPE mets [<!ENTITY x SYSTEM \"" + Trap().url("/xxe") + "\">]>", "&x;");
  }});
  c.push_back({"xxe_parameter_entity", "XML-DOCTYPE", "tar", [](SipPlan& p, auto&) {
    WithDoctype(p, "<!DOCTYPE mets [<!ENTITY % r SYSTEM \"" + Trap().url("/p.dtd") + "\"> %r;]>");
  }});
  c.push_back({"external_dtd", "XML-DOCTYPE", "tar", [](SipPlan& p, auto&) {
    WithDoctype(p, "<!DOCTYPE mets SYSTEM \"" + Trap().url("/mets.dtd") + "\">");
  }});
  c.push_back({"doctype_in_metadata", "XML-DOCTYPE", "tar", [](SipPlan& p, auto&) {
    std::string& erms = p.Find("metadata/descriptive/erms.xml")->literal;
    erms.insert(erms.find("?>") + 2, "\n<!DOCTYPE erms [<!ENTITY x SYSTEM \"file:///etc/hostname\">]>");
  }});
  c.push_back({"remote_schema_location", "XML-REMOTE-SCHEMA-LOCATION", "tar", [](SipPlan& p, auto&) {
    EditMetsOrFail(p, "schemas/mets.xsd\"", Trap().url("/mets.xsd") + "\"");
  }});
  c.push_back({"mets_not_well_formed", "XML-WELLFORMED", "tar", [](SipPlan& p, auto&) { EditMetsOrFail(p, "</metsHdr>", "</metsHeader>"); }});
  c.push_back({"mets_declares_too_many_files", "METS-TOO-MANY-FILES", "tar", [](SipPlan&, ValidatorOptions& o) { o.limits.max_entries = 5; }});
  c.push_back({"mets_over_size_limit", "XML-TOO-LARGE", "tar", [](SipPlan&, ValidatorOptions& o) { o.max_mets_bytes = 4096; }});
  c.push_back({"root_not_mets", "XML-NOT-METS", "tar", [](SipPlan& p, auto&) {
    p.Mets() = "<?xml version=\"1.0\"?>\n<package xmlns=\"urn:example\"><file/></package>\n";
  }});
  c.push_back({"mets_schema_violation", "XML-SCHEMA", "tar", [](SipPlan& p, auto&) { EditMetsOrFail(p, "<fileSec ", "<fileSec COLOUR=\"red\" "); }});
  c.push_back({"swedish_extension_violation", "XML-SCHEMA", "tar", [](SipPlan& p, auto&) {
    EditMetsOrFail(p, "TYPE=\"Textual works – Digital\"", "TYPE=\"Textual works – Digital\" xmlns:ext=\"ExtensionMETS\" ext:APPRAISAL=\"Maybe\"");
  }});
  c.push_back({"erms_schema_violation", "XML-METADATA-SCHEMA", "tar", [](SipPlan& p, auto&) {
    std::string& erms = p.Find("metadata/descriptive/erms.xml")->literal;
    erms.replace(erms.find("<status value="), 14, "<status valor=");
  }});
  // --- METS profile rules.
  c.push_back({"missing_objid", "CSIP1", "tar", [](SipPlan& p, auto&) { EditMetsOrFail(p, " OBJID=", " XOBJID="); }});
  c.push_back({"missing_type", "CSIP2", "tar", [](SipPlan& p, auto&) { EditMetsOrFail(p, " TYPE=\"Textual works – Digital\"", ""); }});
  c.push_back({"missing_profile", "CSIP6", "tar", [](SipPlan& p, auto&) { EditMetsOrFail(p, " PROFILE=", " LABEL2="); }});
  c.push_back({"missing_metshdr", "CSIP117", "tar", [](SipPlan& p, auto&) {
    std::string& m = p.Mets();
    m.erase(m.find("  <metsHdr"), m.find("</metsHdr>") + 11 - m.find("  <metsHdr"));
  }});
  c.push_back({"missing_createdate", "CSIP7", "tar", [](SipPlan& p, auto&) { EditMetsOrFail(p, "metsHdr CREATEDATE=", "metsHdr XCREATEDATE="); }});
  c.push_back({"package_type_aip", "SIP4", "tar", [](SipPlan& p, auto&) { EditMetsOrFail(p, "OAISPACKAGETYPE=\"SIP\"", "OAISPACKAGETYPE=\"AIP\""); }});
  c.push_back({"package_type_unknown", "CSIP9", "tar", [](SipPlan& p, auto&) { EditMetsOrFail(p, "OAISPACKAGETYPE=\"SIP\"", "OAISPACKAGETYPE=\"BOX\""); }});
  // --- CSIP 2.1 / SIP 2.1 requirements beyond presence: vocabularies, the
  // structMap's divisions, cardinalities. One hostile package per rule.
  auto edit = [&](const char* name, const char* rule, std::string from, std::string to) {
    c.push_back({name, rule, "tar", [from, to](SipPlan& p, auto&) { EditMetsOrFail(p, from, to); }});
  };
  edit("type_not_in_vocabulary", "CSIP2", "TYPE=\"Textual works – Digital\"", "TYPE=\"Papers\"");
  edit("type_other_without_othertype", "CSIP2", "TYPE=\"Textual works – Digital\"", "TYPE=\"OTHER\"");
  edit("content_information_type_unknown", "CSIP4", "csip:CONTENTINFORMATIONTYPE=\"ERMS\" ", "csip:CONTENTINFORMATIONTYPE=\"Pdf\" ");
  edit("lastmoddate_in_future", "CSIP8", "LASTMODDATE=\"20", "LASTMODDATE=\"29");
  edit("software_agent_role_editor", "CSIP11", "<agent ROLE=\"CREATOR\" TYPE=\"OTHER\"", "<agent ROLE=\"EDITOR\" TYPE=\"OTHER\"");
  edit("software_agent_type_individual", "CSIP12", "TYPE=\"OTHER\" OTHERTYPE=\"SOFTWARE\"", "TYPE=\"INDIVIDUAL\" OTHERTYPE=\"SOFTWARE\"");
  edit("software_agent_two_notes", "CSIP15", "<note csip:NOTETYPE=\"SOFTWARE VERSION\">1.0</note>",
       "<note csip:NOTETYPE=\"SOFTWARE VERSION\">1.0</note><note csip:NOTETYPE=\"SOFTWARE VERSION\">2.0</note>");
  edit("dmdsec_status_unknown", "CSIP20", "STATUS=\"CURRENT\"", "STATUS=\"OLD\"");
  edit("digiprov_mdref_without_loctype_url", "CSIP36", "ID=\"ID-DIGI1-ref\" LOCTYPE=\"URL\"", "ID=\"ID-DIGI1-ref\" LOCTYPE=\"URN\"");
  edit("digiprov_mdref_without_mimetype", "CSIP40", "premis.xml\" MDTYPE=\"PREMIS\" MIMETYPE=\"application/xml\"", "premis.xml\" MDTYPE=\"PREMIS\"");
  edit("file_mimetype_not_a_media_type", "CSIP68", "MIMETYPE=\"text/plain\"", "MIMETYPE=\"plain text\"");
  edit("flocat_without_xlink_type", "CSIP78", "<FLocat LOCTYPE=\"URL\" xlink:type=\"simple\"", "<FLocat LOCTYPE=\"URL\"");
  edit("filegrp_use_not_its_folder", "CSIP64", "USE=\"Documentation\"", "USE=\"Manuals\"");
  edit("filegrp_admid_names_a_dmdsec", "CSIP61", "<fileGrp ID=\"ID-GRP-DOC\"", "<fileGrp ID=\"ID-GRP-DOC\" ADMID=\"ID-DMD1\"");
  edit("filegrp_content_type_unknown", "CSIP62", "USE=\"Representations/rep1\" csip:CONTENTINFORMATIONTYPE=\"ERMS\"",
       "USE=\"Representations/rep1\" csip:CONTENTINFORMATIONTYPE=\"Letters\"");
  edit("filegrp_other_without_other_type", "CSIP63", "USE=\"Representations/rep1\" csip:CONTENTINFORMATIONTYPE=\"ERMS\"",
       "USE=\"Representations/rep1\" csip:CONTENTINFORMATIONTYPE=\"OTHER\"");
  edit("two_csip_structmaps", "CSIP80", "</structMap>",
       "</structMap>\n  <structMap ID=\"ID-S2\" TYPE=\"PHYSICAL\" LABEL=\"CSIP\"><div ID=\"ID-D2\"/></structMap>");
  edit("csip_structmap_logical", "CSIP81", "TYPE=\"PHYSICAL\" LABEL=\"CSIP\"", "TYPE=\"LOGICAL\" LABEL=\"CSIP\"");
  edit("physical_structmap_other_label", "CSIP82", "TYPE=\"PHYSICAL\" LABEL=\"CSIP\"", "TYPE=\"PHYSICAL\" LABEL=\"CSIP StructMap\"");
  edit("top_division_not_objid", "CSIP86", "<div ID=\"ID-DIV-ROOT\" LABEL=\"", "<div ID=\"ID-DIV-ROOT\" LABEL=\"x");
  edit("no_metadata_division", "CSIP88", "LABEL=\"Metadata\"", "LABEL=\"Metadaten\"");
  edit("metadata_division_label", "CSIP90", "LABEL=\"Metadata\"", "LABEL=\"Metadaten\"");
  edit("metadata_division_misses_amdsec", "CSIP91", " ADMID=\"ID-DIGI1\"/>", "/>");
  edit("metadata_division_misses_dmdsec", "CSIP92", " DMDID=\"ID-DMD1\"", "");
  edit("no_documentation_fptr", "CSIP96", "LABEL=\"Documentation\"><fptr FILEID=\"ID-GRP-DOC\"/></div>", "LABEL=\"Documentation\"/>");
  edit("documentation_division_points_nowhere", "CSIP116", "LABEL=\"Documentation\"><fptr FILEID=\"ID-GRP-DOC\"/>",
       "LABEL=\"Documentation\"><fptr FILEID=\"ID-GRP-SCHEMAS\"/>");
  edit("no_schemas_fptr", "CSIP100", "LABEL=\"Schemas\"><fptr FILEID=\"ID-GRP-SCHEMAS\"/></div>", "LABEL=\"Schemas\"/>");
  edit("no_representation_fptr", "CSIP104", "<fptr FILEID=\"ID-GRP-REP1\"/>", "");
  edit("profile_not_sip", "SIP2", "PROFILE=\"https://earksip.dilcis.eu/profile/E-ARK-SIP.xml\"", "PROFILE=\"https://example.org/p.xml\"");
  edit("record_status_unknown", "SIP3", "RECORDSTATUS=\"NEW\"", "RECORDSTATUS=\"FRESH\"");
  edit("submission_agreement_twice", "SIP5", "<altRecordID TYPE=\"SUBMISSIONAGREEMENT\">",
       "<altRecordID TYPE=\"SUBMISSIONAGREEMENT\">KS 1</altRecordID><altRecordID TYPE=\"SUBMISSIONAGREEMENT\">");
  edit("submitter_note_untyped", "SIP20", "samhällsbyggnad</name><note csip:NOTETYPE=\"IDENTIFICATIONCODE\">", "samhällsbyggnad</name><note>");
  edit("empty_file_format_name", "SIP32", "<file ID=\"ID-DOC1\"", "<file ID=\"ID-DOC1\" sip:FILEFORMATNAME=\" \"");
  c.push_back({"no_software_agent", "CSIP10", "tar", [](SipPlan& p, auto&) { EditMetsOrFail(p, "OTHERTYPE=\"SOFTWARE\"", "OTHERTYPE=\"HUMAN\""); }});
  c.push_back({"invalid_date", "METS-DATE", "tar", [](SipPlan& p, auto&) { EditMetsOrFail(p, "CREATEDATE=\"2024-", "CREATEDATE=\"2023-02-30T10:00:00Z\" X=\""); }});
  c.push_back({"duplicate_id", "METS-ID-UNIQUE", "tar", [](SipPlan& p, auto&) { EditMetsOrFail(p, "ID=\"ID-F000002\"", "ID=\"ID-F000001\""); }});
  c.push_back({"dangling_idref", "METS-IDREF", "tar", [](SipPlan& p, auto&) { EditMetsOrFail(p, "FILEID=\"ID-GRP-DOC\"", "FILEID=\"ID-NOWHERE\""); }});
  c.push_back({"dangling_dmdid", "METS-IDREF", "zip", [](SipPlan& p, auto&) { EditMetsOrFail(p, "DMDID=\"ID-DMD1\"", "DMDID=\"ID-DMD1 ID-DMD9\""); }});
  c.push_back({"file_without_checksum", "CSIP71", "tar", [](SipPlan& p, auto&) {
    std::string& m = p.Mets();
    size_t f = m.find("<file ID=\"ID-F000001\"");
    size_t c1 = m.find(" CHECKSUM=", f);
    m.erase(c1, m.find('"', m.find('"', c1) + 1) + 1 - c1);
  }});
  c.push_back({"file_without_flocat", "CSIP76", "tar", [](SipPlan& p, auto&) {
    std::string& m = p.Mets();
    size_t f = m.find("<file ID=\"ID-F000001\"");
    size_t l = m.find("<FLocat", f);
    m.erase(l, m.find("/>", l) + 2 - l);
  }});
  c.push_back({"no_csip_structmap", "CSIP80", "tar", [](SipPlan& p, auto&) { EditMetsOrFail(p, "LABEL=\"CSIP\"", "LABEL=\"Other\""); }});
  c.push_back({"href_remote", "METS-HREF-REMOTE", "tar", [](SipPlan& p, auto&) {
    EditMetsOrFail(p, "xlink:href=\"documentation/README.txt\"", "xlink:href=\"https://example.org/README.txt\"");
  }});
  c.push_back({"href_escape", "METS-HREF-ESCAPE", "tar", [](SipPlan& p, auto&) {
    EditMetsOrFail(p, "xlink:href=\"documentation/README.txt\"", "xlink:href=\"../../../etc/passwd\"");
  }});
  c.push_back({"href_bad_escape", "METS-HREF-INVALID", "tar", [](SipPlan& p, auto&) {
    EditMetsOrFail(p, "xlink:href=\"documentation/README.txt\"", "xlink:href=\"documentation/README%G1.txt\"");
  }});
  // --- Files against their declarations.
  c.push_back({"wrong_checksum", "FILE-CHECKSUM", "tar", [](SipPlan& p, auto&) {
    std::string& m = p.Mets();
    size_t f = m.find("CHECKSUM=\"", m.find("<file ID=\"ID-F000003\"")) + 10;
    m[f] = m[f] == '0' ? '1' : '0';
  }});
  c.push_back({"content_changed_same_size", "FILE-CHECKSUM", "zip", [](SipPlan& p, auto&) {
    PlannedEntry& e = const_cast<PlannedEntry&>(*FirstDataFile(p));
    e.content_seed ^= 0xFF;
  }});
  c.push_back({"wrong_size", "FILE-SIZE", "tar", [](SipPlan& p, auto&) {
    PlannedEntry& e = const_cast<PlannedEntry&>(*FirstDataFile(p));
    e.size += 1;
  }});
  c.push_back({"missing_file", "FILE-MISSING", "tar", [](SipPlan& p, auto&) {
    const PlannedEntry* e = FirstDataFile(p);
    p.entries.erase(p.entries.begin() + (e - p.entries.data()));
  }});
  c.push_back({"undeclared_file", "FILE-UNDECLARED", "tar.gz", [](SipPlan& p, auto&) {
    Add(p, Literal(p.root + "representations/rep1/data/smuggled.txt", "not in METS"));
  }});
  c.push_back({"unverifiable_checksum_type", "FILE-CHECKSUM-TYPE", "tar", [](SipPlan& p, auto&) {
    EditMetsOrFail(p, "CHECKSUMTYPE=\"SHA-256\"", "CHECKSUMTYPE=\"Adler-32\"");
  }});
  c.push_back({"dir_wrong_checksum", "FILE-CHECKSUM", "dir", [](SipPlan& p, auto&) {
    PlannedEntry& e = const_cast<PlannedEntry&>(*FirstDataFile(p));
    e.content_seed += 1;
  }});
  return c;
}

class BadPackageCorpusTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadPackageCorpusTest, FailsWithItsRule) {
  const BadCase& bad = GetParam();
  testing::TempDir dir;
  sipgen::SipSpec spec;
  spec.seed = 77;
  spec.files = 6;
  SipPlan plan = sipgen::PlanSip(spec);
  ValidatorOptions options;
  bad.mutate(plan, options);
  std::string path = testing::WritePackage(plan, bad.format, dir);
  if (bad.raw) bad.raw(path);
  int connections_before = Trap().connections();
  ValidationReport report = testing::ValidateOrDie(path, options);
  EXPECT_TRUE(report.Has(bad.rule)) << "expected " << bad.rule << ", got:\n" << testing::Describe(report);
  if (FindRule(bad.rule)->severity == Severity::kError) {
    EXPECT_FALSE(report.valid());
  } else {
    EXPECT_TRUE(report.valid()) << "a warning alone must not reject:\n" << testing::Describe(report);
  }
  EXPECT_EQ(Trap().connections(), connections_before) << "the validator touched the network";

  // Ingest reads the same package while storing it: the same rule, and
  // nothing stored, nothing left in staging.
  if (report.valid()) return;
  auto archive = testing::OpenArchiveOrDie(dir.Join("data"));
  ASSERT_NE(archive, nullptr);
  IngestOptions ingest_options;
  ingest_options.validator = options;
  auto outcome = Ingester(archive.get(), testing::Schemas(), ingest_options).Ingest(path);
  ASSERT_TRUE(outcome.ok()) << outcome.status().ToString();
  EXPECT_FALSE(outcome->archived);
  EXPECT_TRUE(outcome->report.Has(bad.rule)) << testing::Describe(outcome->report);
  EXPECT_TRUE(std::filesystem::is_empty(dir.Join("data/store/blobs/sha256")));
  EXPECT_TRUE(std::filesystem::is_empty(dir.Join("data/store/staging")));
  EXPECT_EQ(Trap().connections(), connections_before) << "ingest touched the network";
}

INSTANTIATE_TEST_SUITE_P(Corpus, BadPackageCorpusTest, ::testing::ValuesIn(Corpus()),
                         [](const ::testing::TestParamInfo<BadCase>& info) { return info.param.name; });

TEST(BadPackageCorpusSizeTest, HoldsAtLeastFortyCasesWithKnownRules) {
  std::vector<BadCase> corpus = Corpus();
  EXPECT_GE(corpus.size(), 40u);
  for (const BadCase& c : corpus) EXPECT_NE(FindRule(c.rule), nullptr) << c.name << ": " << c.rule;
}

}  // namespace
}  // namespace bevara::ingest
