#include "ingest/validate/rules.h"

namespace bevara::ingest {
namespace {

constexpr Severity E = Severity::kError;
constexpr Severity W = Severity::kWarning;
constexpr Severity I = Severity::kInfo;

const RuleInfo kRules[] = {
    // Reading the package (ingest/reader).
    {"PKG-FORMAT", E, "The package is a tar, tar.gz or zip file, or a directory"},
    {"PKG-EMPTY", E, "The package holds at least one file"},
    {"PKG-CORRUPT", E, "The archive is complete and undamaged"},
    {"PKG-ENCRYPTED", E, "No entry is encrypted"},
    {"PKG-COMPRESSION-RATIO", E, "The compression ratio stays within the limit (no compression bomb)"},
    {"PKG-TOO-LARGE", E, "The uncompressed content stays within the size limit"},
    {"PKG-TOO-MANY-ENTRIES", E, "The numbers of files and of directories stay within their limits"},
    {"PKG-NAME-TOO-LONG", E, "Entry names stay within the length limit"},
    {"PKG-INVALID-UTF8", E, "Entry names are valid UTF-8"},
    {"PKG-CONTROL-CHAR", E, "Entry names hold no control characters"},
    {"PKG-BACKSLASH", E, "Entry names hold no backslashes"},
    {"PKG-ABSOLUTE-PATH", E, "Entry names are relative paths"},
    {"PKG-DOTDOT", E, "Entry names have no '..' components"},
    {"PKG-EMPTY-COMPONENT", E, "Entry names have no empty or '.' components"},
    {"PKG-NAME-COLLISION", E, "Entry names are unique after Unicode NFC normalisation"},
    {"PKG-SYMLINK", E, "The package holds no symbolic links"},
    {"PKG-HARDLINK", E, "The package holds no hard links"},
    {"PKG-DEVICE", E, "The package holds no device files"},
    {"PKG-FIFO", E, "The package holds no FIFOs"},
    {"PKG-SPECIAL-FILE", E, "The package holds only regular files and directories"},
    {"PKG-NO-METS", E, "The package has a METS.xml (CSIP) or sip.xml (FGS 1.x) at its root"},
    {"PKG-OUTSIDE-ROOT", E, "Every entry lies inside the package root folder"},
    {"PKG-REPRESENTATIONS", W, "A CSIP package keeps its content under representations/"},
    // XML documents.
    {"XML-WELLFORMED", E, "XML documents are well-formed"},
    {"XML-DOCTYPE", E, "XML documents have no DOCTYPE (no DTDs, no entities)"},
    {"XML-TOO-LARGE", E, "XML documents stay within the size limit"},
    {"XML-REMOTE-SCHEMA-LOCATION", W, "Schema hints name no remote URL (bevara never fetches them)"},
    {"XML-NOT-METS", E, "The package METS document has a mets:mets root element"},
    {"XML-SCHEMA", E, "METS documents are valid against bevara's METS, xlink and CSIP schemas"},
    {"XML-METADATA-SCHEMA", E, "Metadata documents are valid against the schema bevara holds for them"},
    {"XML-METADATA-NO-SCHEMA", I, "Metadata documents in a namespace without a schema are checked for well-formedness only"},
    // METS root and header (E-ARK CSIP).
    {"CSIP1", E, "mets/@OBJID is present"},
    {"CSIP2", E, "mets/@TYPE states the content category"},
    {"CSIP3", E, "mets/@csip:OTHERTYPE is given when @TYPE is OTHER"},
    {"CSIP4", W, "mets/@csip:CONTENTINFORMATIONTYPE states the content information type"},
    {"CSIP5", E, "mets/@csip:OTHERCONTENTINFORMATIONTYPE is given when the type is OTHER"},
    {"CSIP6", E, "mets/@PROFILE names the profile (a URL)"},
    {"CSIP117", E, "mets/metsHdr is present"},
    {"CSIP7", E, "metsHdr/@CREATEDATE is present"},
    {"CSIP9", E, "metsHdr/@csip:OAISPACKAGETYPE is SIP"},
    {"CSIP10", E, "metsHdr has the creating software agent (ROLE=CREATOR, TYPE=OTHER, OTHERTYPE=SOFTWARE)"},
    {"CSIP14", E, "The software agent has a name"},
    {"CSIP15", E, "The software agent has a note with its version"},
    {"CSIP16", E, "The version note has csip:NOTETYPE=\"SOFTWARE VERSION\""},
    {"METS-AGENT-ARCHIVIST", W, "metsHdr names the archival creator (ROLE=ARCHIVIST, TYPE=ORGANIZATION)"},
    {"METS-AGENT-SUBMITTER", W, "metsHdr names the submitting organisation (ROLE=CREATOR or OTHERROLE=SUBMITTER, TYPE=ORGANIZATION)"},
    // Metadata sections.
    {"CSIP17", W, "Descriptive metadata is referenced from a dmdSec"},
    {"CSIP18", E, "Every dmdSec has an ID"},
    {"CSIP19", E, "Every dmdSec has a CREATED date"},
    {"CSIP21", E, "Metadata is referenced with mdRef (files in the package)"},
    {"CSIP22", E, "mdRef/@LOCTYPE is URL"},
    {"CSIP23", E, "mdRef/@xlink:type is simple"},
    {"CSIP24", E, "mdRef/@xlink:href locates the metadata file"},
    {"CSIP26", E, "mdRef/@MIMETYPE is present"},
    {"CSIP27", E, "mdRef/@SIZE is present"},
    {"CSIP28", E, "mdRef/@CREATED is present"},
    {"CSIP29", E, "mdRef/@CHECKSUM is present"},
    {"CSIP30", E, "mdRef/@CHECKSUMTYPE is present"},
    // fileSec.
    {"CSIP58", W, "The package has a fileSec"},
    {"CSIP59", E, "fileSec/@ID is present"},
    {"CSIP60", W, "A fileGrp with USE=\"Documentation\" is present"},
    {"CSIP113", W, "A fileGrp with USE=\"Schemas\" is present"},
    {"CSIP114", W, "A fileGrp with USE starting \"Representations\" is present"},
    {"CSIP64", E, "fileGrp/@USE is present"},
    {"CSIP65", E, "fileGrp/@ID is present"},
    {"CSIP67", E, "file/@ID is present"},
    {"CSIP68", E, "file/@MIMETYPE is present"},
    {"CSIP69", E, "file/@SIZE is present"},
    {"CSIP70", E, "file/@CREATED is present"},
    {"CSIP71", E, "file/@CHECKSUM is present"},
    {"CSIP72", E, "file/@CHECKSUMTYPE is present"},
    {"CSIP76", E, "Every file has exactly one FLocat"},
    {"CSIP77", E, "FLocat/@LOCTYPE is URL"},
    {"CSIP78", E, "FLocat/@xlink:type is simple"},
    {"CSIP79", E, "FLocat/@xlink:href locates the file"},
    // structMap.
    {"CSIP80", E, "A structMap with TYPE=\"PHYSICAL\" and LABEL=\"CSIP\" is present"},
    {"CSIP83", E, "structMap/@ID is present"},
    // Cross-references and values.
    {"METS-ID-UNIQUE", E, "Every ID is unique within its METS document"},
    {"METS-IDREF", E, "Every ID reference (FILEID, DMDID, ADMID, ...) points to an existing ID"},
    {"METS-DATE", E, "Dates are valid xsd:dateTime values"},
    {"METS-SIZE-VALUE", E, "SIZE attributes are non-negative integers"},
    {"METS-TOO-MANY-FILES", E, "A METS document declares at most twice as many files as a package may hold"},
    {"METS-HREF-REMOTE", E, "References point inside the package (no URLs)"},
    {"METS-HREF-INVALID", E, "References are well-formed relative paths"},
    {"METS-HREF-ESCAPE", E, "References do not climb out of the package"},
    {"METS-HREF-PLUS", W, "References encode spaces as %20, not '+'"},
    {"METS-MPTR", E, "Every mptr points to a representation METS in the package"},
    // Files and fixity.
    {"FILE-MISSING", E, "Every declared file exists in the package"},
    {"FILE-UNDECLARED", E, "Every file in the package is declared in a METS document"},
    {"FILE-SIZE", E, "Every file has its declared size"},
    {"FILE-CHECKSUM", E, "Every file has its declared checksum"},
    {"FILE-CHECKSUM-TYPE", E, "Checksums use an algorithm bevara can verify (SHA-256, SHA-512, SHA-384, SHA-1, MD5)"},
    // Archiving (bevara ingest).
    {"DEPOSIT-PRODUCER", E, "An e-service deposits only packages whose METS names its own producer organisation"},
    {"STORE-PRODUCER", E, "A new version of an archived package comes from the producer that submitted it"},
    {"STORE-REMOVED", E, "The id of a package removed from the archive (disposed of) is not used again"},
    // Preservation checks (bevara ingest).
    {"FORMAT-POLICY", E, "Every file is in a format the archive accepts (format policy action: reject)"},
    {"FORMAT-POLICY-WARN", W, "Every file is in a format the archive accepts (format policy action: warn)"},
    {"FORMAT-MIGRATE", I, "Files in formats accepted for now are listed for migration"},
    {"VIRUS-FOUND", E, "No file of the package carries malware known to the virus scanner"},
    {"VIRUS-SCAN-LIMIT", E, "Every file of the package was scanned whole (no scanner limit was reached)"},
};

}  // namespace

std::span<const RuleInfo> AllRules() { return kRules; }

const RuleInfo* FindRule(std::string_view id) {
  for (const RuleInfo& r : kRules)
    if (id == r.id) return &r;
  return nullptr;
}

const char* SeverityName(Severity s) {
  switch (s) {
    case Severity::kError: return "error";
    case Severity::kWarning: return "warning";
    case Severity::kInfo: return "info";
  }
  return "?";
}

}  // namespace bevara::ingest
