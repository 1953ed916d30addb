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
    {"PKG-NO-METS", E, "The package has a METS.xml (FGS 2.0 / E-ARK CSIP), or a mets.xml or sip.xml (FGS 1.x), at its root"},
    {"PKG-OUTSIDE-ROOT", E, "Every entry lies inside the package root folder"},
    {"PKG-REPRESENTATIONS", W, "A CSIP package keeps its content under representations/ (CSIPSTR9)"},
    {"CSIPSTR5", W, "A CSIP package has a metadata/ folder"},
    {"CSIPSTR6", W, "Preservation metadata lies in metadata/preservation/"},
    {"CSIPSTR7", W, "Descriptive metadata lies in metadata/descriptive/"},
    // XML documents.
    {"XML-WELLFORMED", E, "XML documents are well-formed"},
    {"XML-DOCTYPE", E, "XML documents have no DOCTYPE (no DTDs, no entities)"},
    {"XML-TOO-LARGE", E, "XML documents stay within the size limit"},
    {"XML-REMOTE-SCHEMA-LOCATION", W, "Schema hints name no remote URL (bevara never fetches them)"},
    {"XML-NOT-METS", E, "The package METS document has a mets:mets root element"},
    {"XML-SCHEMA", E, "METS documents are valid against bevara's METS, xlink and CSIP schemas"},
    {"XML-METADATA-SCHEMA", E, "Metadata documents are valid against the schema bevara holds for them"},
    {"XML-METADATA-NO-SCHEMA", I, "Metadata documents in a namespace without a schema are checked for well-formedness only"},
    // METS root and header (E-ARK CSIP 2.1). Severity follows the
    // requirement's level: MUST error, SHOULD warning, MAY information.
    {"CSIP1", E, "mets/@OBJID is present (and SHOULD be the package or representation folder's name)"},
    {"CSIP2", E, "mets/@TYPE states the content category from the CSIP vocabulary"},
    {"CSIP3", W, "mets/@csip:OTHERTYPE is given when @TYPE is OTHER"},
    {"CSIP4", W, "mets/@csip:CONTENTINFORMATIONTYPE states the content information type from the CSIP vocabulary"},
    {"CSIP5", I, "mets/@csip:OTHERCONTENTINFORMATIONTYPE is given when the type is OTHER"},
    {"CSIP6", E, "mets/@PROFILE names the profile (a URL)"},
    {"CSIP117", E, "mets/metsHdr is present"},
    {"CSIP7", E, "metsHdr/@CREATEDATE is present"},
    {"CSIP8", W, "metsHdr/@LASTMODDATE is present and not in the future"},
    {"CSIP9", E, "metsHdr/@csip:OAISPACKAGETYPE is present, from the CSIP vocabulary"},
    {"CSIP10", E, "metsHdr has the creating software agent (ROLE=CREATOR, TYPE=OTHER, OTHERTYPE=SOFTWARE)"},
    {"CSIP11", E, "The software agent has ROLE=\"CREATOR\""},
    {"CSIP12", E, "The software agent has TYPE=\"OTHER\""},
    {"CSIP13", E, "The software agent has OTHERTYPE=\"SOFTWARE\""},
    {"CSIP14", E, "The software agent has a name"},
    {"CSIP15", E, "The software agent has exactly one note, with its version"},
    {"CSIP16", E, "The version note has csip:NOTETYPE=\"SOFTWARE VERSION\""},
    {"METS-AGENT-ARCHIVIST", W, "metsHdr names the archival creator (ROLE=ARCHIVIST, TYPE=ORGANIZATION)"},
    {"METS-AGENT-SUBMITTER", W, "metsHdr names the submitting organisation (ROLE=CREATOR or OTHERROLE=SUBMITTER, TYPE=ORGANIZATION)"},
    // Descriptive metadata (dmdSec).
    {"CSIP17", W, "Descriptive metadata is referenced from a dmdSec"},
    {"CSIP18", E, "Every dmdSec has an ID"},
    {"CSIP19", E, "Every dmdSec has a CREATED date"},
    {"CSIP20", W, "dmdSec/@STATUS is CURRENT or SUPERSEDED"},
    {"CSIP21", W, "A dmdSec references its metadata file with mdRef"},
    {"CSIP22", E, "dmdSec mdRef/@LOCTYPE is URL"},
    {"CSIP23", E, "dmdSec mdRef/@xlink:type is simple"},
    {"CSIP24", E, "dmdSec mdRef/@xlink:href locates the metadata file"},
    {"CSIP26", E, "dmdSec mdRef/@MIMETYPE is an IANA media type"},
    {"CSIP27", E, "dmdSec mdRef/@SIZE is present"},
    {"CSIP28", E, "dmdSec mdRef/@CREATED is present"},
    {"CSIP29", E, "dmdSec mdRef/@CHECKSUM is present"},
    {"CSIP30", E, "dmdSec mdRef/@CHECKSUMTYPE is present"},
    // Administrative metadata (amdSec): digital provenance and rights.
    {"CSIP31", W, "Administrative metadata is given in an amdSec"},
    {"CSIP32", W, "Preservation metadata is referenced from a digiprovMD"},
    {"CSIP33", E, "Every digiprovMD has an ID"},
    {"CSIP34", W, "digiprovMD/@STATUS is CURRENT or SUPERSEDED"},
    {"CSIP35", W, "A digiprovMD references its metadata file with mdRef"},
    {"CSIP36", E, "digiprovMD mdRef/@LOCTYPE is URL"},
    {"CSIP37", E, "digiprovMD mdRef/@xlink:type is simple"},
    {"CSIP38", E, "digiprovMD mdRef/@xlink:href locates the metadata file"},
    {"CSIP40", E, "digiprovMD mdRef/@MIMETYPE is an IANA media type"},
    {"CSIP41", E, "digiprovMD mdRef/@SIZE is present"},
    {"CSIP42", E, "digiprovMD mdRef/@CREATED is present"},
    {"CSIP43", E, "digiprovMD mdRef/@CHECKSUM is present"},
    {"CSIP44", E, "digiprovMD mdRef/@CHECKSUMTYPE is present"},
    {"CSIP46", E, "Every rightsMD has an ID"},
    {"CSIP47", W, "rightsMD/@STATUS is CURRENT or SUPERSEDED"},
    {"CSIP48", W, "A rightsMD references its metadata file with mdRef"},
    {"CSIP49", E, "rightsMD mdRef/@LOCTYPE is URL"},
    {"CSIP50", E, "rightsMD mdRef/@xlink:type is simple"},
    {"CSIP51", E, "rightsMD mdRef/@xlink:href locates the metadata file"},
    {"CSIP53", E, "rightsMD mdRef/@MIMETYPE is an IANA media type"},
    {"CSIP54", E, "rightsMD mdRef/@SIZE is present"},
    {"CSIP55", E, "rightsMD mdRef/@CREATED is present"},
    {"CSIP56", E, "rightsMD mdRef/@CHECKSUM is present"},
    {"CSIP57", E, "rightsMD mdRef/@CHECKSUMTYPE is present"},
    // fileSec.
    {"CSIP58", W, "The package has a fileSec"},
    {"CSIP59", E, "fileSec/@ID is present"},
    {"CSIP60", E, "A fileGrp with USE=\"Documentation\" is present"},
    {"CSIP113", E, "A fileGrp with USE=\"Schemas\" is present"},
    {"CSIP114", E, "A fileGrp with USE starting \"Representations\" is present"},
    {"CSIP61", I, "fileGrp/@ADMID points at administrative metadata (amdSec sections)"},
    {"CSIP62", W, "A Representations fileGrp states csip:CONTENTINFORMATIONTYPE from the CSIP vocabulary"},
    {"CSIP63", I, "fileGrp/@csip:OTHERCONTENTINFORMATIONTYPE is given when, and only when, the type is OTHER"},
    {"CSIP64", E, "fileGrp/@USE is present and names the folder its files lie in"},
    {"CSIP65", E, "fileGrp/@ID is present"},
    {"CSIP66", E, "A fileGrp holds file elements"},
    {"CSIP67", E, "file/@ID is present"},
    {"CSIP68", E, "file/@MIMETYPE is an IANA media type"},
    {"CSIP69", E, "file/@SIZE is present"},
    {"CSIP70", E, "file/@CREATED is present"},
    {"CSIP71", E, "file/@CHECKSUM is present"},
    {"CSIP72", E, "file/@CHECKSUMTYPE is present"},
    {"CSIP76", E, "Every file has exactly one FLocat"},
    {"CSIP77", E, "FLocat/@LOCTYPE is URL"},
    {"CSIP78", E, "FLocat/@xlink:type is simple"},
    {"CSIP79", E, "FLocat/@xlink:href locates the file"},
    // structMap.
    {"CSIP80", E, "Exactly one structMap is labelled CSIP"},
    {"CSIP81", E, "The CSIP structMap has TYPE=\"PHYSICAL\""},
    {"CSIP82", E, "The PHYSICAL structMap has LABEL=\"CSIP\""},
    {"CSIP83", E, "structMap/@ID is present"},
    {"CSIP84", E, "The CSIP structMap has exactly one top division"},
    {"CSIP85", E, "The top division has an ID"},
    {"CSIP86", W, "The top division's LABEL is the package's OBJID (CSIP 2.0; withdrawn in 2.1)"},
    {"CSIP88", E, "There is exactly one Metadata division when the METS has metadata sections"},
    {"CSIP89", E, "The Metadata division has an ID"},
    {"CSIP90", E, "A division pointing at metadata sections is labelled Metadata"},
    {"CSIP91", W, "The Metadata division references every current amdSec section, and only those"},
    {"CSIP92", W, "The Metadata division references every current dmdSec, and only those"},
    {"CSIP93", W, "There is one Documentation division when there is documentation"},
    {"CSIP94", E, "The Documentation division has an ID"},
    {"CSIP96", E, "Every Documentation fileGrp is referenced from the Documentation division"},
    {"CSIP116", E, "The Documentation division points at a Documentation fileGrp"},
    {"CSIP97", W, "There is one Schemas division when there are schemas"},
    {"CSIP98", E, "The Schemas division has an ID"},
    {"CSIP100", E, "Every Schemas fileGrp is referenced from the Schemas division"},
    {"CSIP118", E, "The Schemas division points at a Schemas fileGrp"},
    {"CSIP102", E, "The Representations division has an ID"},
    {"CSIP104", E, "Every Representations fileGrp is referenced from a Representations division"},
    {"CSIP119", E, "A Representations division points at a Representations fileGrp"},
    {"CSIP106", E, "Every representation division has an ID"},
    {"CSIP109", E, "Every representation division has exactly one mptr"},
    {"CSIP110", E, "mptr/@xlink:href locates the representation METS"},
    {"CSIP111", E, "mptr/@xlink:type is simple"},
    {"CSIP112", E, "mptr/@LOCTYPE is URL"},
    // E-ARK SIP 2.1 (the root METS of a FGS 2.0 / E-ARK SIP package).
    {"SIP1", I, "mets/@LABEL gives a short name of the package"},
    {"SIP2", E, "mets/@PROFILE is the E-ARK SIP profile"},
    {"SIP3", I, "metsHdr/@RECORDSTATUS is from the SIP vocabulary (NEW when absent)"},
    {"SIP4", E, "metsHdr/@csip:OAISPACKAGETYPE is SIP"},
    {"SIP5", I, "altRecordID SUBMISSIONAGREEMENT appears at most once and is not empty"},
    {"SIP6", I, "altRecordID PREVIOUSSUBMISSIONAGREEMENT is not empty"},
    {"SIP7", I, "altRecordID REFERENCECODE appears at most once and is not empty"},
    {"SIP8", I, "altRecordID PREVIOUSREFERENCECODE is not empty"},
    {"SIP11", E, "The archival creator agent is of TYPE ORGANIZATION or INDIVIDUAL"},
    {"SIP14", E, "The archival creator agent's note is typed IDENTIFICATIONCODE"},
    {"SIP20", E, "The submitting agent's note is typed IDENTIFICATIONCODE"},
    {"SIP24", E, "The contact person agent has a name"},
    {"SIP28", E, "The preservation agent is of TYPE ORGANIZATION"},
    {"SIP31", E, "The preservation agent's note is typed IDENTIFICATIONCODE"},
    {"SIP32", I, "file/@sip:FILEFORMATNAME is not empty"},
    {"SIP33", I, "file/@sip:FILEFORMATVERSION is not empty"},
    {"SIP34", I, "file/@sip:FILEFORMATREGISTRY is not empty"},
    {"SIP35", I, "file/@sip:FILEFORMATREGISTRYKEY is not empty"},
    // The Swedish profile of FGS Paketstruktur 1.0-1.2
    // (CommonSpecificationSwedenPackageProfile, ext: = "ExtensionMETS").
    {"FGS1-PROFILE", E, "mets/@PROFILE names the Swedish profile (CommonSpecificationSwedenPackageProfile)"},
    {"FGS1-OBJID", E, "mets/@OBJID identifies the package"},
    {"FGS1-TYPE", E, "mets/@TYPE is from the FGS list (ERMS, Personnel, ..., Single records)"},
    {"FGS1-OAISSTATUS", E, "The OAIS type is SIP: ext:OAISSTATUS on metsHdr (1.2) or ext:OAISTYPE on mets (1.0)"},
    {"FGS1-AGENTS", E, "metsHdr names ARCHIVIST/ORGANIZATION, CREATOR/ORGANIZATION, IPOWNER/ORGANIZATION and ARCHIVIST/OTHER/SOFTWARE"},
    {"FGS1-SUBMISSIONAGREEMENT", E, "altRecordID TYPE=\"SUBMISSIONAGREEMENT\" is present and not empty"},
    {"FGS1-EXT-VALUES", E, "ext: attributes with value lists (ACCESSRESTRICT, APPRAISAL, AGREEMENTFORM) hold listed values"},
    {"FGS1-CREATEDATE", E, "metsHdr/@CREATEDATE is present"},
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
