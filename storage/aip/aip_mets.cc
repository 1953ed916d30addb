#include "storage/aip/aip_mets.h"

#include "src/common/percent_encoding.h"
#include "src/common/version.h"
#include "src/common/xml_escape.h"

namespace bevara::storage {
namespace {

constexpr size_t kFlushAt = 256 << 10;
constexpr std::string_view kSubmissionPrefix = "submission/";

// Accumulates XML text and hands it on in pieces of about kFlushAt bytes.
class XmlOut {
 public:
  explicit XmlOut(const std::function<Status(std::string_view)>& out) : out_(out) {}

  XmlOut& operator<<(std::string_view s) {
    buffer_.append(s);
    return *this;
  }
  // Appends an escaped value.
  XmlOut& Esc(std::string_view s) {
    buffer_.append(XmlEscape(s));
    return *this;
  }
  Status MaybeFlush() { return buffer_.size() >= kFlushAt ? Flush() : Status::OK(); }
  Status Flush() {
    Status s = out_(buffer_);
    buffer_.clear();
    return s;
  }

 private:
  const std::function<Status(std::string_view)>& out_;
  std::string buffer_;
};

// An href for a logical path: percent-encoded except unreserved characters
// and '/', as CSIP asks for xlink:href (RFC 3986).
std::string SoftwareAgentId() { return std::string("bevara-") + Version(); }

void WriteHeader(const VersionRecord& r, XmlOut& x) {
  x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    << "<mets xmlns=\"http://www.loc.gov/METS/\" xmlns:xlink=\"http://www.w3.org/1999/xlink\""
    << " xmlns:csip=\"https://DILCIS.eu/XML/METS/CSIPExtensionMETS\""
    << " xmlns:premis=\"http://www.loc.gov/premis/v3\""
    << " xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"";
  x << " OBJID=\"";
  x.Esc(r.package_id) << "\" LABEL=\"";
  x.Esc(r.label) << "\" TYPE=\"";
  x.Esc(r.content_type.empty() ? "Mixed" : r.content_type)
      << "\" PROFILE=\"https://earkaip.dilcis.eu/profile/E-ARK-AIP.xml\">\n";
  x << "  <metsHdr CREATEDATE=\"" << r.created << "\" RECORDSTATUS=\""
    << (r.version == 1 ? "NEW" : "REVISED") << "\" csip:OAISPACKAGETYPE=\"AIP\">\n";
  x << "    <agent ROLE=\"CREATOR\" TYPE=\"OTHER\" OTHERTYPE=\"SOFTWARE\"><name>bevara</name>"
    << "<note csip:NOTETYPE=\"SOFTWARE VERSION\">" << Version() << "</note></agent>\n";
  if (!r.producer_name.empty()) {
    x << "    <agent ROLE=\"OTHER\" OTHERROLE=\"SUBMITTER\" TYPE=\"ORGANIZATION\"><name>";
    x.Esc(r.producer_name) << "</name><note csip:NOTETYPE=\"IDENTIFICATIONCODE\">";
    x.Esc(r.producer_id) << "</note></agent>\n";
  }
  x << "  </metsHdr>\n";
}

// The PRONOM identification as a second format: designation, registry key,
// and notes for the method, any tie and the policy.
void WritePronomFormat(const storage::FormatIdentity& id, XmlOut& x) {
  if (id.empty()) return;
  x << "<premis:format>";
  if (!id.puid.empty()) {
    x << "<premis:formatDesignation><premis:formatName>";
    x.Esc(id.name) << "</premis:formatName>";
    if (!id.version.empty()) {
      x << "<premis:formatVersion>";
      x.Esc(id.version) << "</premis:formatVersion>";
    }
    x << "</premis:formatDesignation><premis:formatRegistry><premis:formatRegistryName>PRONOM"
      << "</premis:formatRegistryName><premis:formatRegistryKey>";
    x.Esc(id.puid) << "</premis:formatRegistryKey><premis:formatRegistryRole>identification"
                   << "</premis:formatRegistryRole></premis:formatRegistry>";
  } else {
    x << "<premis:formatDesignation><premis:formatName>unidentified</premis:formatName></premis:formatDesignation>";
  }
  x << "<premis:formatNote>identified by ";
  x.Esc(id.method) << "</premis:formatNote>";
  if (!id.candidates.empty()) {
    std::string all;
    for (const std::string& c : id.candidates) all += (all.empty() ? "" : ", ") + c;
    x << "<premis:formatNote>candidates: ";
    x.Esc(all) << "</premis:formatNote>";
  }
  if (!id.note.empty()) {
    x << "<premis:formatNote>";
    x.Esc(id.note) << "</premis:formatNote>";
  }
  x << "<premis:formatNote>format policy: ";
  x.Esc(id.policy) << "</premis:formatNote></premis:format>";
}

void WriteFileObject(const FileRecord& f, XmlOut& x) {
  std::string_view original = f.path;
  if (original.substr(0, kSubmissionPrefix.size()) == kSubmissionPrefix) original.remove_prefix(kSubmissionPrefix.size());
  x << "<premis:object xsi:type=\"premis:file\"><premis:objectIdentifier>"
    << "<premis:objectIdentifierType>local</premis:objectIdentifierType><premis:objectIdentifierValue>";
  x.Esc(f.path) << "</premis:objectIdentifierValue></premis:objectIdentifier>"
                << "<premis:objectCharacteristics><premis:compositionLevel>0</premis:compositionLevel>"
                << "<premis:fixity><premis:messageDigestAlgorithm>SHA-256</premis:messageDigestAlgorithm>"
                << "<premis:messageDigest>" << f.sha256 << "</premis:messageDigest>"
                << "<premis:messageDigestOriginator>bevara</premis:messageDigestOriginator></premis:fixity>"
                << "<premis:size>" << std::to_string(f.size) << "</premis:size>"
                << "<premis:format><premis:formatDesignation><premis:formatName>";
  x.Esc(f.mime_detected) << "</premis:formatName></premis:formatDesignation>";
  if (!f.mime_declared.empty()) {
    x << "<premis:formatNote>declared in the submission: ";
    x.Esc(f.mime_declared) << "</premis:formatNote>";
  }
  x << "</premis:format>";
  WritePronomFormat(f.format, x);
  x << "</premis:objectCharacteristics><premis:originalName>";
  x.Esc(original) << "</premis:originalName></premis:object>\n";
}

void WriteEvent(const VersionRecord& r, const PremisEvent& e, XmlOut& x) {
  x << "<premis:event><premis:eventIdentifier><premis:eventIdentifierType>local</premis:eventIdentifierType>"
    << "<premis:eventIdentifierValue>";
  x.Esc(e.id) << "</premis:eventIdentifierValue></premis:eventIdentifier><premis:eventType>";
  x.Esc(e.type) << "</premis:eventType><premis:eventDateTime>" << e.date_time
                << "</premis:eventDateTime><premis:eventOutcomeInformation><premis:eventOutcome>";
  x.Esc(e.outcome) << "</premis:eventOutcome><premis:eventOutcomeDetail><premis:eventOutcomeDetailNote>";
  x.Esc(e.detail) << "</premis:eventOutcomeDetailNote></premis:eventOutcomeDetail></premis:eventOutcomeInformation>"
                  << "<premis:linkingAgentIdentifier><premis:linkingAgentIdentifierType>local"
                  << "</premis:linkingAgentIdentifierType><premis:linkingAgentIdentifierValue>"
                  << SoftwareAgentId() << "</premis:linkingAgentIdentifierValue>"
                  << "<premis:linkingAgentRole>executing program</premis:linkingAgentRole>"
                  << "</premis:linkingAgentIdentifier>";
  x << "<premis:linkingObjectIdentifier><premis:linkingObjectIdentifierType>local"
    << "</premis:linkingObjectIdentifierType><premis:linkingObjectIdentifierValue>";
  x.Esc(r.package_id) << "</premis:linkingObjectIdentifierValue></premis:linkingObjectIdentifier></premis:event>\n";
}

void WriteAgents(const VersionRecord& r, XmlOut& x) {
  x << "<premis:agent><premis:agentIdentifier><premis:agentIdentifierType>local</premis:agentIdentifierType>"
    << "<premis:agentIdentifierValue>" << SoftwareAgentId() << "</premis:agentIdentifierValue></premis:agentIdentifier>"
    << "<premis:agentName>bevara</premis:agentName><premis:agentType>software</premis:agentType>"
    << "<premis:agentVersion>" << Version() << "</premis:agentVersion></premis:agent>\n";
  if (r.producer_id.empty()) return;
  x << "<premis:agent><premis:agentIdentifier><premis:agentIdentifierType>local</premis:agentIdentifierType>"
    << "<premis:agentIdentifierValue>";
  x.Esc(r.producer_id) << "</premis:agentIdentifierValue></premis:agentIdentifier><premis:agentName>";
  x.Esc(r.producer_name) << "</premis:agentName><premis:agentType>organization</premis:agentType></premis:agent>\n";
}

Status WritePremis(const VersionRecord& r, XmlOut& x) {
  x << "  <amdSec ID=\"amd-v" << std::to_string(r.version) << "\">\n"
    << "    <digiprovMD ID=\"premis-v" << std::to_string(r.version) << "\" CREATED=\"" << r.created
    << "\" STATUS=\"CURRENT\"><mdWrap MDTYPE=\"PREMIS\" MIMETYPE=\"text/xml\"><xmlData>\n"
    << "<premis:premis version=\"3.0\">\n"
    << "<premis:object xsi:type=\"premis:intellectualEntity\"><premis:objectIdentifier>"
    << "<premis:objectIdentifierType>local</premis:objectIdentifierType><premis:objectIdentifierValue>";
  x.Esc(r.package_id) << "</premis:objectIdentifierValue></premis:objectIdentifier></premis:object>\n";
  for (const FileRecord& f : r.files) {
    WriteFileObject(f, x);
    BEVARA_RETURN_IF_ERROR(x.MaybeFlush());
  }
  for (const PremisEvent& e : r.events) WriteEvent(r, e, x);
  WriteAgents(r, x);
  x << "</premis:premis>\n    </xmlData></mdWrap></digiprovMD>\n  </amdSec>\n";
  return Status::OK();
}

Status WriteFileSec(const VersionRecord& r, XmlOut& x) {
  x << "  <fileSec ID=\"filesec\">\n    <fileGrp ID=\"grp-submission\" USE=\"Submission\">\n";
  size_t n = 0;
  for (const FileRecord& f : r.files) {
    const std::string& mime = f.mime_declared.empty() ? f.mime_detected : f.mime_declared;
    x << "      <file ID=\"file-" << std::to_string(++n) << "\" MIMETYPE=\"";
    x.Esc(mime) << "\" SIZE=\"" << std::to_string(f.size) << "\" CREATED=\"" << r.created << "\" CHECKSUM=\""
                << f.sha256 << "\" CHECKSUMTYPE=\"SHA-256\"><FLocat LOCTYPE=\"URL\" xlink:type=\"simple\" xlink:href=\"";
    x.Esc(PercentEncode(f.path, /*keep_slash=*/true)) << "\"/></file>\n";
    BEVARA_RETURN_IF_ERROR(x.MaybeFlush());
  }
  x << "    </fileGrp>\n  </fileSec>\n";
  x << "  <structMap ID=\"structmap\" TYPE=\"PHYSICAL\" LABEL=\"CSIP\">\n    <div ID=\"div-aip\" LABEL=\"";
  x.Esc(r.package_id) << "\" ADMID=\"premis-v" << std::to_string(r.version) << "\">\n"
                      << "      <div ID=\"div-submission\" LABEL=\"Submission\"><fptr FILEID=\"grp-submission\"/></div>\n"
                      << "    </div>\n  </structMap>\n</mets>\n";
  return Status::OK();
}

}  // namespace

Status WriteAipMets(const VersionRecord& record, const std::function<Status(std::string_view)>& out) {
  XmlOut x(out);
  WriteHeader(record, x);
  BEVARA_RETURN_IF_ERROR(WritePremis(record, x));
  BEVARA_RETURN_IF_ERROR(WriteFileSec(record, x));
  return x.Flush();
}

}  // namespace bevara::storage
