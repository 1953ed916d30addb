#include "ingest/sip/sip_documents.h"

#include <algorithm>
#include <cctype>

#include "src/common/digest.h"
#include "src/common/percent_encoding.h"
#include "src/common/xml_escape.h"

namespace bevara::ingest {
namespace {

std::string Esc(const std::string& s) { return XmlEscape(s); }

std::string Href(const std::string& path) { return PercentEncode(path, /*keep_slash=*/true); }

std::string Restrictions(const std::vector<CaseRestriction>& list, const std::string& indent) {
  std::string x;
  for (const CaseRestriction& r : list) {
    bool other = r.type == "other";
    x += indent + "<restriction restrictionType=\"" + (other ? "other_type" : r.type) + "\"" +
         (other ? " otherRestrictionType=\"" + Esc(r.other_type) + "\"" : "") + ">";
    if (!r.explanation.empty()) x += "<explanatoryText>" + Esc(r.explanation) + "</explanatoryText>";
    x += "<regulation>" + Esc(r.ground) + "</regulation>";
    // The last day of secrecy, to its last second (ERMS dates are xs:dateTime).
    if (!r.ends.empty()) x += "<dates><date dateType=\"end\">" + r.ends + "T23:59:59Z</date></dates>";
    x += "</restriction>\n";
  }
  return x;
}

std::string Agents(const std::vector<Party>& parties, const std::string& indent) {
  if (parties.empty()) return "";
  std::string x = indent + "<agents>";
  for (const Party& p : parties) {
    x += "<agent agentType=\"" + Esc(p.type) + "\"><name>" + Esc(p.name) + "</name>";
    if (!p.organisation.empty()) x += "<organisation>" + Esc(p.organisation) + "</organisation>";
    if (!p.personnummer.empty()) x += "<idNumber idNumberType=\"personnummer\">" + Esc(p.personnummer) + "</idNumber>";
    if (!p.organisation_number.empty()) {
      x += "<idNumber idNumberType=\"organisationsnummer\">" + Esc(p.organisation_number) + "</idNumber>";
    }
    x += "</agent>";
  }
  return x + "</agents>\n";
}

std::string FileAttributes(const CaseDescription& d, const PackedFile& f) {
  return "MIMETYPE=\"" + Esc(f.mimetype) + "\" SIZE=\"" + std::to_string(f.size) + "\" CREATED=\"" + Esc(d.created) +
         "\" CHECKSUM=\"" + f.sha256 + "\" CHECKSUMTYPE=\"SHA-256\"";
}

}  // namespace

std::string DerivedPackageId(const CaseDescription& d) {
  // What identifies the case: its number, title, creator and records' files.
  std::string key = d.archival_creator.id + "\n" + d.case_number + "\n" + d.title + "\n" + d.created;
  for (const CaseRecord& r : d.records)
    for (const CaseFile& f : r.files) key += "\n" + r.title + "\t" + f.path;
  return "sip-" + Sha256Hex(key).substr(0, 16);
}

std::string DataPath(const CaseFile& f) { return "representations/rep1/data/" + f.path; }
std::string DocumentationPath(const CaseFile& f) { return "documentation/" + f.path; }

std::string MimeTypeForName(const std::string& name) {
  static const std::pair<const char*, const char*> kTypes[] = {
      {"pdf", "application/pdf"}, {"txt", "text/plain"}, {"csv", "text/csv"}, {"xml", "application/xml"},
      {"xsd", "application/xml"}, {"html", "text/html"}, {"htm", "text/html"}, {"json", "application/json"},
      {"jpg", "image/jpeg"}, {"jpeg", "image/jpeg"}, {"png", "image/png"}, {"tif", "image/tiff"},
      {"tiff", "image/tiff"}, {"gif", "image/gif"}, {"jp2", "image/jp2"}, {"wav", "audio/wav"},
      {"mp3", "audio/mpeg"}, {"flac", "audio/flac"}, {"mp4", "video/mp4"}, {"eml", "message/rfc822"},
      {"odt", "application/vnd.oasis.opendocument.text"}, {"ods", "application/vnd.oasis.opendocument.spreadsheet"},
      {"odp", "application/vnd.oasis.opendocument.presentation"},
      {"docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
      {"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
      {"pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation"},
      {"doc", "application/msword"}, {"xls", "application/vnd.ms-excel"}, {"zip", "application/zip"}};
  size_t dot = name.rfind('.');
  if (dot == std::string::npos || name.find('/', dot) != std::string::npos) return "application/octet-stream";
  std::string ext = name.substr(dot + 1);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [e, type] : kTypes)
    if (ext == e) return type;
  return "application/octet-stream";
}

std::string ErmsXml(const CaseDescription& d, const std::string& id) {
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<erms xmlns=\"https://DILCIS.eu/XML/ERMS\">\n  <control>\n";
  x += "    <identification identificationType=\"arkivbildare\">" + Esc(d.archival_creator.name) + "</identification>\n";
  x += "    <identification identificationType=\"organisationsnummer\">" + Esc(d.archival_creator.id) +
       "</identification>\n";
  x += "    <maintenanceInformation><maintenanceStatus value=\"new\"/></maintenanceInformation>\n  </control>\n";
  x += "  <aggregations>\n    <aggregation systemIdentifier=\"" + Esc(id) + "\" aggregationType=\"caseFile\">\n";
  x += "      <objectId>" + Esc(d.case_number) + "</objectId>\n      <title>" + Esc(d.title) + "</title>\n";
  if (!d.classification.empty()) {
    x += "      <classification" +
         (d.classification_code.empty() ? "" : " classificationCode=\"" + Esc(d.classification_code) + "\"") + ">" +
         Esc(d.classification) + "</classification>\n";
  }
  x += "      <status value=\"" + Esc(d.status) + "\"/>\n";
  if (!d.opened.empty() || !d.closed.empty()) {
    x += "      <dates>";
    if (!d.opened.empty()) x += "<date dateType=\"opened\">" + d.opened + "T00:00:00Z</date>";
    if (!d.closed.empty()) x += "<date dateType=\"closed\">" + d.closed + "T00:00:00Z</date>";
    x += "</dates>\n";
  }
  x += Agents(d.agents, "      ") + Restrictions(d.restrictions, "      ");
  x += "      <records>\n";
  for (size_t i = 0; i < d.records.size(); ++i) {
    const CaseRecord& r = d.records[i];
    std::string n = std::to_string(i + 1);
    x += "        <record systemIdentifier=\"" + Esc(r.id.empty() ? id + "-r" + n : r.id) + "\"" +
         (r.type.empty() ? "" : " recordType=\"" + Esc(r.type) + "\"") + ">\n";
    x += "          <objectId>" + Esc(r.number.empty() ? d.case_number + ":" + n : r.number) + "</objectId>\n";
    x += "          <title>" + Esc(r.title) + "</title>\n";
    if (!r.direction.empty()) x += "          <direction directionDefinition=\"" + r.direction + "\"/>\n";
    if (!r.date.empty()) x += "          <dates><date dateType=\"created\">" + r.date + "T00:00:00Z</date></dates>\n";
    x += Agents(r.parties, "          ") + Restrictions(r.restrictions, "          ");
    x += "          <documents>";
    for (const CaseFile& f : r.files) x += "<document href=\"" + Esc(Href(DataPath(f))) + "\"/>";
    x += "</documents>\n        </record>\n";
  }
  return x + "      </records>\n    </aggregation>\n  </aggregations>\n</erms>\n";
}

std::string PremisXml(const CaseDescription& d, const std::string& id) {
  std::string x = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x += "<premis xmlns=\"http://www.loc.gov/premis/v3\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
       "version=\"3.0\">\n";
  x += "  <object xsi:type=\"representation\"><objectIdentifier><objectIdentifierType>local</objectIdentifierType>"
       "<objectIdentifierValue>" + Esc(id) + "-rep1</objectIdentifierValue></objectIdentifier></object>\n";
  x += "  <event><eventIdentifier><eventIdentifierType>local</eventIdentifierType><eventIdentifierValue>" + Esc(id) +
       "-creation</eventIdentifierValue></eventIdentifier><eventType>creation</eventType><eventDateTime>" +
       Esc(d.created) + "</eventDateTime><eventOutcomeInformation><eventOutcome>success</eventOutcome>"
       "</eventOutcomeInformation><linkingAgentIdentifier><linkingAgentIdentifierType>local"
       "</linkingAgentIdentifierType><linkingAgentIdentifierValue>software</linkingAgentIdentifierValue>"
       "</linkingAgentIdentifier></event>\n";
  x += "  <agent><agentIdentifier><agentIdentifierType>local</agentIdentifierType><agentIdentifierValue>software"
       "</agentIdentifierValue></agentIdentifier><agentName>" + Esc(d.software_name + " " + d.software_version) +
       "</agentName><agentType>software</agentType></agent>\n";
  return x + "</premis>\n";
}

std::string MetsXml(const CaseDescription& d, const std::string& id, const std::vector<PackedFile>& files) {
  std::string m = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  m += "<mets xmlns=\"http://www.loc.gov/METS/\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
       "xmlns:csip=\"https://DILCIS.eu/XML/METS/CSIPExtensionMETS\" "
       "xmlns:sip=\"https://DILCIS.eu/XML/METS/SIPExtensionMETS\" OBJID=\"" + Esc(id) + "\" LABEL=\"" +
       Esc(d.label) + "\" TYPE=\"" + Esc(d.content_category) + "\" csip:CONTENTINFORMATIONTYPE=\"ERMS\" "
       "PROFILE=\"https://earksip.dilcis.eu/profile/E-ARK-SIP.xml\">\n";
  m += "  <metsHdr CREATEDATE=\"" + Esc(d.created) + "\" LASTMODDATE=\"" + Esc(d.created) +
       "\" RECORDSTATUS=\"NEW\" csip:OAISPACKAGETYPE=\"SIP\">\n";
  m += "    <agent ROLE=\"ARCHIVIST\" TYPE=\"ORGANIZATION\"><name>" + Esc(d.archival_creator.name) +
       "</name><note csip:NOTETYPE=\"IDENTIFICATIONCODE\">" + Esc(d.archival_creator.id) + "</note></agent>\n";
  m += "    <agent ROLE=\"CREATOR\" TYPE=\"ORGANIZATION\"><name>" + Esc(d.producer.name) +
       "</name><note csip:NOTETYPE=\"IDENTIFICATIONCODE\">" + Esc(d.producer.id) + "</note></agent>\n";
  m += "    <agent ROLE=\"CREATOR\" TYPE=\"OTHER\" OTHERTYPE=\"SOFTWARE\"><name>" + Esc(d.software_name) +
       "</name><note csip:NOTETYPE=\"SOFTWARE VERSION\">" + Esc(d.software_version) + "</note></agent>\n";
  if (!d.submission_agreement.empty()) {
    m += "    <altRecordID TYPE=\"SUBMISSIONAGREEMENT\">" + Esc(d.submission_agreement) + "</altRecordID>\n";
  }
  m += "  </metsHdr>\n";
  std::vector<const PackedFile*> metadata;  // ERMS, then PREMIS
  for (const PackedFile& f : files)
    if (f.group == PackedFile::Group::kMetadata) metadata.push_back(&f);
  auto section = [&](const char* element, const char* sec_id, const char* type, const PackedFile& f,
                     const std::string& indent) {
    return indent + "<" + element + " ID=\"" + sec_id + "\" CREATED=\"" + Esc(d.created) + "\" STATUS=\"CURRENT\">\n" +
           indent + "  <mdRef ID=\"" + sec_id + "-REF\" LOCTYPE=\"URL\" xlink:type=\"simple\" xlink:href=\"" +
           Esc(Href(f.path)) + "\" " + type + " " + FileAttributes(d, f) + "/>\n" + indent + "</" + element + ">\n";
  };
  if (metadata.size() >= 2) {
    m += section("dmdSec", "ID-DMD-ERMS", "MDTYPE=\"OTHER\" OTHERMDTYPE=\"ERMS\"", *metadata[0], "  ");
    m += "  <amdSec ID=\"ID-AMD\">\n" + section("digiprovMD", "ID-PREMIS", "MDTYPE=\"PREMIS\"", *metadata[1], "    ") +
         "  </amdSec>\n";
  }
  m += "  <fileSec ID=\"ID-FILESEC\">\n";
  struct GroupInfo { PackedFile::Group group; const char *id, *use, *extra; };
  const GroupInfo kGroups[] = {{PackedFile::Group::kDocumentation, "ID-GRP-DOC", "Documentation", ""},
                               {PackedFile::Group::kSchemas, "ID-GRP-SCHEMAS", "Schemas", ""},
                               {PackedFile::Group::kData, "ID-GRP-REP1", "Representations/rep1",
                                " csip:CONTENTINFORMATIONTYPE=\"ERMS\""}};
  size_t n = 0;
  for (const GroupInfo& g : kGroups) {
    m += "    <fileGrp ID=\"" + std::string(g.id) + "\" USE=\"" + g.use + "\"" + g.extra + ">\n";
    for (const PackedFile& f : files) {
      if (f.group != g.group) continue;
      m += "      <file ID=\"ID-F" + std::to_string(++n) + "\" " + FileAttributes(d, f) + ">";
      m += "<FLocat LOCTYPE=\"URL\" xlink:type=\"simple\" xlink:href=\"" + Esc(Href(f.path)) + "\"/></file>\n";
    }
    m += "    </fileGrp>\n";
  }
  m += "  </fileSec>\n  <structMap ID=\"ID-STRUCTMAP\" TYPE=\"PHYSICAL\" LABEL=\"CSIP\">\n";
  m += "    <div ID=\"ID-DIV\" LABEL=\"" + Esc(id) + "\">\n";
  m += "      <div ID=\"ID-DIV-MD\" LABEL=\"Metadata\" DMDID=\"ID-DMD-ERMS\" ADMID=\"ID-PREMIS\"/>\n";
  m += "      <div ID=\"ID-DIV-DOC\" LABEL=\"Documentation\"><fptr FILEID=\"ID-GRP-DOC\"/></div>\n";
  m += "      <div ID=\"ID-DIV-SCHEMAS\" LABEL=\"Schemas\"><fptr FILEID=\"ID-GRP-SCHEMAS\"/></div>\n";
  m += "      <div ID=\"ID-DIV-REP1\" LABEL=\"Representations/rep1\"><fptr FILEID=\"ID-GRP-REP1\"/></div>\n";
  return m + "    </div>\n  </structMap>\n</mets>\n";
}

}  // namespace bevara::ingest
