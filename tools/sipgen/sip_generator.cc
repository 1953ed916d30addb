#include "tools/sipgen/sip_generator.h"

#include "src/common/xml_escape.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>

#include "schemas/embedded_schemas.h"

namespace bevara::sipgen {
namespace {

uint64_t SplitMix(uint64_t x) {
  x += 0x9E3779B97F4A7C15ull;
  x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ull;
  x = (x ^ (x >> 27)) * 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() { return s_ = SplitMix(s_); }
  uint64_t Range(uint64_t lo, uint64_t hi) { return hi <= lo ? lo : lo + Next() % (hi - lo + 1); }

 private:
  uint64_t s_;
};

const char* const kWords[] = {
    "ärende", "beslut", "kommun", "nämnd", "handling", "ansökan", "bygglov", "yttrande", "protokoll",
    "delegation", "överklagande", "förvaltning", "medborgare", "fastighet", "detaljplan", "tillstånd",
    "granskning", "remiss", "samråd", "underrättelse", "diarium", "registrering", "arkiv", "gallring",
    "bevarande", "och", "att", "för", "enligt", "med", "som", "har", "den", "till", "inte", "på"};
constexpr size_t kWordCount = sizeof(kWords) / sizeof(kWords[0]);

const char* const kFolders[] = {"handlingar", "bilagor", "år 2024", "inkommande", "upprättade", "utgående"};

std::string Esc(const std::string& s) { return XmlEscape(s); }

// Percent-encodes what is not unreserved in a URI path.

std::string DateTime(uint64_t seed, int day_offset) {
  int day = static_cast<int>(seed % 300) + day_offset;
  int month = 1 + (day / 28) % 12;
  int dom = 1 + day % 28;
  char buf[40];
  std::snprintf(buf, sizeof buf, "2024-%02d-%02dT%02d:%02d:%02d+01:00", month, dom, 8 + day % 9, day % 60,
                (day * 7) % 60);
  return buf;
}

struct Declared {
  std::string id, path, mimetype, created;
  const PlannedEntry* entry;
};

std::string FileAttributes(const Declared& d, DigestAlgorithm alg) {
  return "MIMETYPE=\"" + Esc(d.mimetype) + "\" SIZE=\"" + std::to_string(ContentSize(*d.entry)) + "\" CREATED=\"" +
         d.created + "\" CHECKSUM=\"" + ContentDigest(*d.entry, alg) + "\" CHECKSUMTYPE=\"" +
         MetsChecksumName(alg) + "\"";
}

// The case, drawn before the files: a secret record's file carries its
// marks (SipPlan::secrets) in its text.
struct CaseDraft {
  std::string case_number;
  const char* title_word = "";
  struct Record {
    const char* title_word;
    bool secret;
  };
  std::vector<Record> records;
};

CaseDraft DraftCase(uint64_t seed, size_t files) {
  Rng rng(seed ^ 0xE5);
  CaseDraft c;
  c.case_number = "KS " + std::to_string(2020 + seed % 5) + "-" + std::to_string(1000 + seed % 9000);
  c.title_word = kWords[rng.Next() % kWordCount];
  // A case holds a few dozen records at most; larger packages attach the
  // remaining files to the last record.
  for (size_t i = 0; i < std::min<size_t>(files, 50); ++i) {
    const char* word = kWords[rng.Next() % kWordCount];
    c.records.push_back({word, rng.Next() % 5 == 0});
  }
  return c;
}

// A personnummer (YYMMDD-NNNC) with a valid Luhn check digit.
std::string Personnummer(uint64_t x) {
  int digits[10];
  const int yy = 40 + static_cast<int>(x % 60), mm = 1 + static_cast<int>((x >> 8) % 12);
  const int dd = 1 + static_cast<int>((x >> 16) % 28), serial = static_cast<int>((x >> 24) % 1000);
  const int parts[] = {yy / 10, yy % 10, mm / 10, mm % 10, dd / 10, dd % 10, serial / 100, serial / 10 % 10, serial % 10};
  int sum = 0;
  for (int i = 0; i < 9; ++i) {
    digits[i] = parts[i];
    int d = parts[i] * (i % 2 == 0 ? 2 : 1);
    sum += d > 9 ? d - 9 : d;
  }
  digits[9] = (10 - sum % 10) % 10;
  std::string out;
  for (int i = 0; i < 10; ++i) {
    if (i == 6) out += '-';
    out += static_cast<char>('0' + digits[i]);
  }
  return out;
}

std::string Erms(const std::string& objid, uint64_t seed, const CaseDraft& c, const std::vector<Declared>& data,
                 const std::string& secrecy_ends) {
  std::string x;
  x += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x += "<erms xmlns=\"https://DILCIS.eu/XML/ERMS\">\n  <control>\n";
  x += "    <identification identificationType=\"arkivbildare\">Exempelby kommun, kommunstyrelsen</identification>\n";
  x += "    <identification identificationType=\"organisationsnummer\">212000-0001</identification>\n";
  x += "    <identification identificationType=\"ärendenummer\">" + c.case_number + "</identification>\n";
  x += "    <maintenanceInformation><maintenanceStatus value=\"new\"/></maintenanceInformation>\n";
  x += "  </control>\n  <aggregations>\n";
  x += "    <aggregation systemIdentifier=\"" + Esc(objid) + "\" aggregationType=\"caseFile\">\n";
  x += "      <objectId>" + c.case_number + "</objectId>\n";
  x += "      <title>Ansökan om bygglov för " + std::string(c.title_word) + "</title>\n";
  x += "      <classification classificationCode=\"3.2.1\">Bygglov</classification>\n";
  x += "      <status value=\"closed\"/>\n";
  x += "      <dates><date dateType=\"opened\">" + DateTime(seed, 0) + "</date><date dateType=\"closed\">" +
       DateTime(seed, 40) + "</date></dates>\n";
  x += "      <agents><agent agentType=\"handläggare\"><name>Handläggare " + std::to_string(seed % 97) +
       "</name><organisation>Samhällsbyggnad</organisation></agent></agents>\n";
  x += "      <records>\n";
  static const char* const kDirections[] = {"incoming", "internal", "outgoing"};
  for (size_t i = 0; i < c.records.size(); ++i) {
    x += "        <record systemIdentifier=\"" + Esc(objid) + "-r" + std::to_string(i + 1) +
         "\" recordType=\"handling\">\n";
    x += "          <objectId>" + c.case_number + ":" + std::to_string(i + 1) + "</objectId>\n";
    x += "          <title>Handling " + std::to_string(i + 1) + " om " + c.records[i].title_word + "</title>\n";
    x += "          <direction directionDefinition=\"" + std::string(kDirections[i % 3]) + "\"/>\n";
    x += "          <dates><date dateType=\"created\">" + DateTime(seed, static_cast<int>(i % 40)) + "</date></dates>\n";
    if (c.records[i].secret) {
      x += "          <restriction restrictionType=\"confidential\"><explanatoryText>Sekretess</explanatoryText>"
           "<regulation>OSL 26 kap. 1 §</regulation>";
      if (!secrecy_ends.empty()) x += "<dates><date dateType=\"end\">" + secrecy_ends + "T23:59:59Z</date></dates>";
      x += "</restriction>\n";
    }
    x += "          <documents><document href=\"" + Esc(Href(data[i].path)) + "\"/></documents>\n";
    x += "        </record>\n";
  }
  x += "      </records>\n    </aggregation>\n  </aggregations>\n</erms>\n";
  return x;
}

std::string Premis(const std::string& objid, uint64_t seed) {
  std::string x;
  x += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  x += "<premis xmlns=\"http://www.loc.gov/premis/v3\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
       "version=\"3.0\">\n";
  x += "  <object xsi:type=\"representation\"><objectIdentifier><objectIdentifierType>local</objectIdentifierType>"
       "<objectIdentifierValue>" + Esc(objid) + "-rep1</objectIdentifierValue></objectIdentifier></object>\n";
  x += "  <event><eventIdentifier><eventIdentifierType>local</eventIdentifierType><eventIdentifierValue>" +
       Esc(objid) + "-e1</eventIdentifierValue></eventIdentifier><eventType>creation</eventType><eventDateTime>" +
       DateTime(seed, 41) + "</eventDateTime><eventOutcomeInformation><eventOutcome>success</eventOutcome>"
       "</eventOutcomeInformation></event>\n";
  x += "  <agent><agentIdentifier><agentIdentifierType>local</agentIdentifierType><agentIdentifierValue>"
       "e-tjanst</agentIdentifierValue></agentIdentifier><agentName>Exempelby e-tjänst</agentName>"
       "<agentType>software</agentType></agent>\n";
  x += "</premis>\n";
  return x;
}

}  // namespace

std::string Href(const std::string& path) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

ContentStream::ContentStream(const PlannedEntry& e) : entry_(e), state_(e.content_seed) {}

size_t ContentStream::Read(char* buf, size_t n) {
  if (entry_.content == ContentKind::kLiteral) {
    size_t left = entry_.literal.size() - pos_;
    size_t k = n < left ? n : left;
    std::memcpy(buf, entry_.literal.data() + pos_, k);
    pos_ += k;
    return k;
  }
  uint64_t left = entry_.size - pos_;
  size_t k = n < left ? n : static_cast<size_t>(left);
  if (entry_.content == ContentKind::kBinary) {
    for (size_t i = 0; i < k;) {
      uint64_t block = (pos_ + i) / 8, offset = (pos_ + i) % 8;
      uint64_t v = SplitMix(entry_.content_seed ^ (block * 0x9E3779B97F4A7C15ull));
      for (; offset < 8 && i < k; ++offset, ++i) buf[i] = static_cast<char>(v >> (offset * 8));
    }
  } else {
    size_t i = 0;
    for (; pos_ + i < entry_.prefix.size() && i < k; ++i) buf[i] = entry_.prefix[pos_ + i];
    // Words separated by spaces and line breaks: text that compresses like text.
    while (i < k) {
      state_ = SplitMix(state_);
      const char* w = kWords[state_ % kWordCount];
      size_t len = std::strlen(w);
      for (size_t j = 0; j < len && i < k; ++j) buf[i++] = w[j];
      if (i < k) buf[i++] = (state_ >> 32) % 12 == 0 ? '\n' : ' ';
    }
  }
  pos_ += k;
  return k;
}

uint64_t ContentSize(const PlannedEntry& e) {
  return e.content == ContentKind::kLiteral ? e.literal.size() : e.size;
}

std::string ContentDigest(const PlannedEntry& e, DigestAlgorithm a) {
  MultiDigester d(DigestSet::Of(a));
  ContentStream s(e);
  std::vector<char> buf(1 << 20);
  while (size_t n = s.Read(buf.data(), buf.size())) d.Update(buf.data(), n);
  d.Finish();
  return d.Hex(a);
}

PlannedEntry* SipPlan::Find(const std::string& path) {
  for (PlannedEntry& e : entries)
    if (e.path == root + path) return &e;
  return nullptr;
}

std::string& SipPlan::Mets() { return Find("METS.xml")->literal; }

bool SipPlan::EditMets(const std::string& from, const std::string& to) {
  std::string& m = Mets();
  size_t p = m.find(from);
  if (p == std::string::npos) return false;
  m.replace(p, from.size(), to);
  return true;
}

SipPlan PlanSip(const SipSpec& spec) {
  Rng rng(spec.seed);
  SipPlan plan;
  char id[64];
  std::snprintf(id, sizeof id, "sip-%016llx", static_cast<unsigned long long>(SplitMix(spec.seed)));
  plan.objid = id;
  plan.root = spec.wrap_in_folder ? plan.objid + "/" : "";
  std::vector<PlannedEntry> body;
  auto add_literal = [&](const std::string& path, std::string text) {
    PlannedEntry e;
    e.path = plan.root + path;
    e.literal = std::move(text);
    body.push_back(std::move(e));
  };

  const CaseDraft draft = DraftCase(spec.seed, static_cast<size_t>(spec.files) * spec.representations);
  // The representation's content files.
  std::vector<std::pair<std::string, std::string>> data_files;  // (path, mimetype)
  for (int r = 1; r <= spec.representations; ++r) {
    for (int i = 0; i < spec.files; ++i) {
      std::string dir = "representations/rep" + std::to_string(r) + "/data";
      for (int level = 0; level < spec.nesting; ++level) {
        dir += "/";
        dir += kFolders[(rng.Next() + level) % (sizeof(kFolders) / sizeof(kFolders[0]))];
      }
      PlannedEntry e;
      e.size = rng.Range(spec.min_file_size, spec.max_file_size);
      e.content = e.size > (1u << 20) ? ContentKind::kBinary : ContentKind::kText;
      e.content_seed = SplitMix(spec.seed * 1000003 + static_cast<uint64_t>(r) * 7919 + static_cast<uint64_t>(i));
      char name[64];
      std::snprintf(name, sizeof name, "/handling-%06d.%s", i + 1, e.content == ContentKind::kText ? "txt" : "bin");
      std::string path = dir + name;
      e.path = plan.root + path;
      const size_t record = data_files.size();
      if (record < draft.records.size() && draft.records[record].secret && e.content == ContentKind::kText) {
        // Words found in no other record, and an identity number.
        SecretMark mark;
        mark.record_id = plan.objid + "-r" + std::to_string(record + 1);
        char word[32];
        std::snprintf(word, sizeof word, "hemlig%012llx", static_cast<unsigned long long>(e.content_seed >> 16));
        mark.word = word;
        mark.personnummer = Personnummer(e.content_seed);
        if (!spec.secret_personnummer) mark.personnummer.clear();
        e.prefix = "Sekretessbelagd uppgift om " + mark.word +
                   (mark.personnummer.empty() ? std::string() : ", personnummer " + mark.personnummer) +
                   ". Uppgiften rör enskilds personliga förhållanden.\n";
        e.size = std::max<uint64_t>(e.size, e.prefix.size());
        plan.secrets.push_back(std::move(mark));
      }
      data_files.emplace_back(path, e.content == ContentKind::kText ? "text/plain" : "application/octet-stream");
      body.push_back(std::move(e));
    }
  }
  std::vector<Declared> data;
  for (size_t i = 0; i < data_files.size(); ++i) {
    char fid[32];
    std::snprintf(fid, sizeof fid, "ID-F%06zu", i + 1);
    data.push_back({fid, data_files[i].first, data_files[i].second, DateTime(spec.seed, static_cast<int>(i % 40)),
                    &body[i]});
  }

  add_literal("metadata/descriptive/erms.xml", Erms(plan.objid, spec.seed, draft, data, spec.secrecy_ends));
  add_literal("metadata/preservation/premis.xml", Premis(plan.objid, spec.seed));
  add_literal("documentation/README.txt",
              "Leverans från Exempelby kommuns e-tjänst. Paketet följer FGS Paketstruktur 2.0.\n");
  std::vector<std::string> schema_paths;
  for (const schemas::EmbeddedSchema& s : schemas::All()) {
    schema_paths.push_back(std::string("schemas/") + s.file_name);
    add_literal(schema_paths.back(), std::string(s.data, s.size));
  }
  size_t n_data = data.size();
  auto find_body = [&](const std::string& p) -> const PlannedEntry* {
    for (const PlannedEntry& e : body)
      if (e.path == plan.root + p) return &e;
    return nullptr;
  };
  // `body` no longer grows: pointers into it stay valid from here on.
  for (size_t i = 0; i < n_data; ++i) data[i].entry = &body[i];

  std::string created = DateTime(spec.seed, 42);
  DigestAlgorithm alg = spec.checksum;
  std::string m;
  m.reserve(512 + n_data * 420);
  m += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  m += "<mets xmlns=\"http://www.loc.gov/METS/\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
       "xmlns:csip=\"https://DILCIS.eu/XML/METS/CSIPExtensionMETS\" "
       "xmlns:sip=\"https://DILCIS.eu/XML/METS/SIPExtensionMETS\" "
       "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" "
       "OBJID=\"" + Esc(plan.objid) + "\" LABEL=\"Bygglovsärende\" TYPE=\"Textual works – Digital\" "
       "csip:CONTENTINFORMATIONTYPE=\"ERMS\" "
       "PROFILE=\"https://earksip.dilcis.eu/profile/E-ARK-SIP.xml\" "
       "xsi:schemaLocation=\"http://www.loc.gov/METS/ schemas/mets.xsd\">\n";
  m += "  <metsHdr CREATEDATE=\"" + created + "\" LASTMODDATE=\"" + created +
       "\" RECORDSTATUS=\"NEW\" csip:OAISPACKAGETYPE=\"SIP\">\n";
  m += "    <agent ROLE=\"ARCHIVIST\" TYPE=\"ORGANIZATION\"><name>Exempelby kommun, kommunstyrelsen</name>"
       "<note csip:NOTETYPE=\"IDENTIFICATIONCODE\">212000-0001</note></agent>\n";
  m += "    <agent ROLE=\"CREATOR\" TYPE=\"ORGANIZATION\"><name>Exempelby kommun, samhällsbyggnad</name>"
       "<note csip:NOTETYPE=\"IDENTIFICATIONCODE\">" + Esc(spec.producer) + "</note></agent>\n";
  m += "    <agent ROLE=\"CREATOR\" TYPE=\"OTHER\" OTHERTYPE=\"SOFTWARE\"><name>bevara-sipgen</name>"
       "<note csip:NOTETYPE=\"SOFTWARE VERSION\">1.0</note></agent>\n";
  m += "    <altRecordID TYPE=\"SUBMISSIONAGREEMENT\">Leveransöverenskommelse KS 2024/112</altRecordID>\n";
  m += "  </metsHdr>\n";
  auto md_ref = [&](const std::string& sec_id, const char* element, const std::string& path, const char* mdtype,
                    const char* other) {
    const PlannedEntry* e = find_body(path);
    Declared d{"", path, "application/xml", created, e};
    std::string s = "  <" + std::string(element) + " ID=\"" + sec_id + "\" CREATED=\"" + created + "\" STATUS=\"CURRENT\">\n";
    s += "    <mdRef ID=\"" + sec_id + "-ref\" LOCTYPE=\"URL\" xlink:type=\"simple\" xlink:href=\"" + Href(path) +
         "\" MDTYPE=\"" + mdtype + "\"" + (other ? std::string(" OTHERMDTYPE=\"") + other + "\"" : "") + " " +
         FileAttributes(d, alg) + "/>\n";
    s += "  </" + std::string(element) + ">\n";
    return s;
  };
  m += md_ref("ID-DMD1", "dmdSec", "metadata/descriptive/erms.xml", "OTHER", "ERMS");
  m += "  <amdSec ID=\"ID-AMD1\">\n";
  std::string digi = md_ref("ID-DIGI1", "digiprovMD", "metadata/preservation/premis.xml", "PREMIS", nullptr);
  for (size_t p = 0; (p = digi.find("\n  <", p)) != std::string::npos; p += 3) digi.insert(p + 1, "  ");
  m += "  " + digi;
  m += "  </amdSec>\n";
  m += "  <fileSec ID=\"ID-FILESEC\">\n";
  auto group = [&](const std::string& gid, const std::string& use, const std::vector<Declared>& files) {
    bool content = use.rfind("Representations", 0) == 0;
    m += "    <fileGrp ID=\"" + gid + "\" USE=\"" + Esc(use) + "\"" +
         (content ? " csip:CONTENTINFORMATIONTYPE=\"ERMS\"" : "") + ">\n";
    for (const Declared& d : files) {
      m += "      <file ID=\"" + d.id + "\" " + FileAttributes(d, alg) + ">\n";
      m += "        <FLocat LOCTYPE=\"URL\" xlink:type=\"simple\" xlink:href=\"" + Esc(Href(d.path)) + "\"/>\n";
      m += "      </file>\n";
    }
    m += "    </fileGrp>\n";
  };
  group("ID-GRP-DOC", "Documentation", {{"ID-DOC1", "documentation/README.txt", "text/plain", created,
                                         find_body("documentation/README.txt")}});
  std::vector<Declared> schema_decls;
  for (size_t i = 0; i < schema_paths.size(); ++i) {
    schema_decls.push_back({"ID-XSD" + std::to_string(i + 1), schema_paths[i], "application/xml", created,
                            find_body(schema_paths[i])});
  }
  group("ID-GRP-SCHEMAS", "Schemas", schema_decls);
  for (int r = 1; r <= spec.representations; ++r) {
    std::vector<Declared> rep(data.begin() + (r - 1) * spec.files, data.begin() + r * spec.files);
    group("ID-GRP-REP" + std::to_string(r), "Representations/rep" + std::to_string(r), rep);
  }
  m += "  </fileSec>\n";
  m += "  <structMap ID=\"ID-STRUCT\" TYPE=\"PHYSICAL\" LABEL=\"CSIP\">\n";
  m += "    <div ID=\"ID-DIV-ROOT\" LABEL=\"" + Esc(plan.objid) + "\">\n";
  m += "      <div ID=\"ID-DIV-MD\" LABEL=\"Metadata\" DMDID=\"ID-DMD1\" ADMID=\"ID-DIGI1\"/>\n";
  m += "      <div ID=\"ID-DIV-DOC\" LABEL=\"Documentation\"><fptr FILEID=\"ID-GRP-DOC\"/></div>\n";
  m += "      <div ID=\"ID-DIV-SCHEMAS\" LABEL=\"Schemas\"><fptr FILEID=\"ID-GRP-SCHEMAS\"/></div>\n";
  for (int r = 1; r <= spec.representations; ++r) {
    std::string rs = std::to_string(r);
    m += "      <div ID=\"ID-DIV-REP" + rs + "\" LABEL=\"Representations/rep" + rs + "\"><fptr FILEID=\"ID-GRP-REP" + rs +
         "\"/></div>\n";
  }
  m += "    </div>\n  </structMap>\n</mets>\n";

  PlannedEntry mets;
  mets.path = plan.root + "METS.xml";
  mets.literal = std::move(m);
  if (!spec.mets_last) plan.entries.push_back(std::move(mets));
  for (PlannedEntry& e : body) plan.entries.push_back(std::move(e));
  if (spec.mets_last) plan.entries.push_back(std::move(mets));
  return plan;
}

}  // namespace bevara::sipgen
