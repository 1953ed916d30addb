// PRONOM identification of generated files in known formats, against the
// signature files bevara ships; ties, priorities, unknown, truncated and
// hostile input.
#include "ingest/formats/pronom_identifier.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <random>

#include "ingest/formats/stored_container.h"
#include "tests/test_util.h"

namespace bevara::ingest::formats {
namespace {

using testing::TempDir;

const PronomIdentifier& Shipped() {
  static auto id = PronomIdentifier::SharedEmbedded();
  EXPECT_TRUE(id.ok()) << id.status().ToString();
  return **id;
}

// Identifies `bytes` as a file named `name`, through a real file (the
// container reader reads it back as the ingest does).
Identification IdentifyAs(const PronomIdentifier& id, const std::string& bytes, const std::string& name) {
  TempDir dir;
  const std::string path = dir.path() + "/" + name;
  std::ofstream(path, std::ios::binary).write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  auto file = Env::Default()->OpenForRead(path, {});
  EXPECT_TRUE(file.ok());
  StoredContainer container(file->get());
  ScanBuffer buffer(PronomIdentifier::kScanBytes);
  buffer.Append(bytes.data(), bytes.size());
  return id.Identify(buffer.Window(), name, &container);
}

std::string Puids(const Identification& id) {
  std::string out;
  for (const FormatMatch& m : id.matches) out += (out.empty() ? "" : " ") + m.puid;
  return out + " [" + std::string(MethodName(id.method)) + "] " + id.note;
}

std::string Random(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

std::string Pdf(const std::string& version, const std::string& xmp = "") {
  std::string body = "%PDF-" + version + "\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n";
  if (!xmp.empty()) {
    body += "2 0 obj\n<< /Type /Metadata /Subtype /XML >>\nstream\n<?xpacket begin=\"\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>"
            "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">"
            "<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">" +
            xmp + "</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end=\"w\"?>\nendstream\nendobj\n";
  }
  return body + "trailer\n<< /Root 1 0 R >>\n%%EOF\n";
}

std::string Png() {
  std::string s("\x89PNG\r\n\x1a\n", 8);
  s += std::string("\0\0\0\x0dIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0\x90\x77\x53\xde", 25);
  s += std::string("\0\0\0\x0cIDAT\x08\xd7\x63\xf8\xcf\xc0\0\0\x03\x01\x01\0\x18\xdd\x8d\xb0", 24);
  s += std::string("\0\0\0\0IEND\xae\x42\x60\x82", 12);
  return s;
}

std::string Wave() {
  std::string fmt("fmt \x10\0\0\0\x01\0\x01\0\x44\xac\0\0\x88\x58\x01\0\x02\0\x10\0", 24);
  std::string data = "data" + std::string("\x08\0\0\0", 4) + std::string(8, '\0');
  std::string body = "WAVE" + fmt + data;
  uint32_t n = body.size();
  return "RIFF" + std::string(reinterpret_cast<const char*>(&n), 4) + body;
}

std::string Fixture(const std::string& name) {
  std::ifstream in(std::string(BEVARA_SOURCE_DIR) + "/tests/ingest/formats/fixtures/" + name, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

struct Case {
  const char* what;
  std::string bytes;
  const char* name;
  const char* puid;
  IdentificationMethod method;
};

TEST(PronomIdentifierTest, GeneratedFilesGetTheirPuids) {
  const std::string content_types =
      "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
      "<Override PartName=\"/word/document.xml\" "
      "ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";
  const Case cases[] = {
      {"PDF 1.4", Pdf("1.4"), "a.pdf", "fmt/18", IdentificationMethod::kSignature},
      {"PDF 1.7", Pdf("1.7"), "a.pdf", "fmt/276", IdentificationMethod::kSignature},
      {"PDF/A-1b", Pdf("1.4", "<pdfaid:part>1</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>"), "a.pdf",
       "fmt/354", IdentificationMethod::kSignature},
      {"PDF/A-2b", Pdf("1.7", "<pdfaid:part>2</pdfaid:part><pdfaid:conformance>B</pdfaid:conformance>"), "a.pdf",
       "fmt/477", IdentificationMethod::kSignature},
      {"TIFF", std::string("II*\0\x08\0\0\0\0\0\0\0", 12), "a.tif", "fmt/353", IdentificationMethod::kSignature},
      {"JPEG (JFIF 1.01)", std::string("\xff\xd8\xff\xe0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0", 20) + Random(200, 1) +
           std::string("\xff\xd9", 2), "a.jpg", "fmt/43", IdentificationMethod::kSignature},
      {"PNG", Png(), "a.png", "fmt/11", IdentificationMethod::kSignature},
      {"XML", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<arende/>\n", "a.xml", "fmt/101",
       IdentificationMethod::kSignature},
      {"WAVE", Wave(), "a.wav", "fmt/141", IdentificationMethod::kSignature},
      {"plain text", "Protokoll fört vid sammanträde.\n", "protokoll.txt", "x-fmt/111", IdentificationMethod::kExtension},
      {"DOCX", testing::ZipBytes({{"[Content_Types].xml", content_types}, {"word/document.xml", "<w:document/>"}}), "a.docx",
       "fmt/412", IdentificationMethod::kContainer},
      {"ODT 1.2", testing::ZipBytes({{"mimetype", "application/vnd.oasis.opendocument.text"},
                       {"content.xml", "<office:document-content office:version=\"1.2\"/>"},
                       {"META-INF/manifest.xml",
                        "<manifest:manifest manifest:version=\"1.2\"><manifest:file-entry manifest:full-path=\"/\" "
                        "manifest:media-type=\"application/vnd.oasis.opendocument.text\"/></manifest:manifest>"}}),
       "a.odt", "fmt/291", IdentificationMethod::kContainer},
      {"Word 97 (OLE2)", Fixture("word97.doc"), "a.doc", "fmt/40", IdentificationMethod::kContainer},
      {"Excel 97 (OLE2)", Fixture("excel97.xls"), "a.xls", "fmt/61", IdentificationMethod::kContainer},
  };
  for (const Case& c : cases) {
    Identification id = IdentifyAs(Shipped(), c.bytes, c.name);
    EXPECT_EQ(Puids(id), std::string(c.puid) + " [" + std::string(MethodName(c.method)) + "] " + id.note) << c.what;
  }
}

TEST(PronomIdentifierTest, EndOfFileSignaturesSeeTheEndOfALargeFile) {
  // GIF 89a needs its trailer byte at the end: 300 KiB puts it far past the
  // first bytes, and the middle of the file is never searched.
  std::string gif = std::string("GIF89a\x01\0\x01\0\0\0\0", 13) + Random(300 << 10, 2) + ";";
  EXPECT_EQ(IdentifyAs(Shipped(), gif, "a.gif").matches.at(0).puid, "fmt/4");
  gif.back() = 'x';
  for (const FormatMatch& m : IdentifyAs(Shipped(), gif, "a.gif").matches) EXPECT_NE(m.puid, "fmt/4");
}

TEST(PronomIdentifierTest, UnknownAndTruncatedFilesSaySo) {
  Identification unknown = IdentifyAs(Shipped(), Random(10000, 3), "data.qqq");
  EXPECT_TRUE(unknown.matches.empty()) << Puids(unknown);
  EXPECT_EQ(unknown.method, IdentificationMethod::kNone);
  EXPECT_EQ(unknown.note, "no PRONOM signature matched");

  std::string png = Png();
  Identification truncated = IdentifyAs(Shipped(), png.substr(0, png.size() - 12), "a.png");  // IEND gone
  for (const FormatMatch& m : truncated.matches) {
    EXPECT_TRUE(m.puid != "fmt/11" && m.puid != "fmt/12" && m.puid != "fmt/13") << Puids(truncated);
  }
  Identification empty = IdentifyAs(Shipped(), "", "empty.bin");
  EXPECT_NE(empty.method, IdentificationMethod::kSignature) << Puids(empty);
}

// A signature file of our own: two formats with the same signature.
std::string TinyDroid(const std::string& priority) {
  return "<?xml version=\"1.0\"?><FFSignatureFile Version=\"1\" DateCreated=\"2026-01-01T00:00:00\" "
         "xmlns=\"http://www.nationalarchives.gov.uk/pronom/SignatureFile\"><InternalSignatureCollection>"
         "<InternalSignature ID=\"1\"><ByteSequence Reference=\"BOFoffset\"><SubSequence Position=\"1\" "
         "SubSeqMinOffset=\"0\" SubSeqMaxOffset=\"0\"><Sequence>42455641</Sequence></SubSequence></ByteSequence>"
         "</InternalSignature><InternalSignature ID=\"2\"><ByteSequence Reference=\"BOFoffset\"><SubSequence "
         "Position=\"1\" SubSeqMinOffset=\"0\" SubSeqMaxOffset=\"0\"><Sequence>42455641</Sequence></SubSequence>"
         "</ByteSequence></InternalSignature></InternalSignatureCollection><FileFormatCollection>"
         "<FileFormat ID=\"10\" PUID=\"fmt/9001\" Name=\"A\"><InternalSignatureID>1</InternalSignatureID>"
         "<Extension>aaa</Extension>" + priority + "</FileFormat>"
         "<FileFormat ID=\"11\" PUID=\"fmt/9002\" Name=\"B\"><InternalSignatureID>2</InternalSignatureID>"
         "<Extension>bbb</Extension></FileFormat></FileFormatCollection></FFSignatureFile>";
}

const char kNoContainers[] = "<ContainerSignatureMapping signatureVersion=\"0\"/>";

TEST(PronomIdentifierTest, PrioritiesDecideAndTiesAreReported) {
  auto tie = PronomIdentifier::Create(ReadSignatureFiles(TinyDroid(""), kNoContainers).value()).value();
  Identification both = IdentifyAs(*tie, "BEVA and more", "x.zzz");
  EXPECT_EQ(Puids(both), "fmt/9001 fmt/9002 [signature] 2 formats matched at the same priority");
  Identification by_extension = IdentifyAs(*tie, "BEVA and more", "x.bbb");
  EXPECT_EQ(by_extension.matches.size(), 1u);
  EXPECT_EQ(by_extension.matches[0].puid, "fmt/9002");
  EXPECT_NE(by_extension.note.find("the extension .bbb chose"), std::string::npos) << by_extension.note;

  auto ranked = PronomIdentifier::Create(
      ReadSignatureFiles(TinyDroid("<HasPriorityOverFileFormatID>11</HasPriorityOverFileFormatID>"), kNoContainers)
          .value()).value();
  EXPECT_EQ(Puids(IdentifyAs(*ranked, "BEVA", "x.bbb")), "fmt/9001 [signature] ");
}

TEST(PronomIdentifierTest, HostileSignatureFilesAreRefusedOrTheirBadSignaturesLeftOut) {
  EXPECT_FALSE(ReadSignatureFiles("not xml", kNoContainers).ok());
  EXPECT_FALSE(ReadSignatureFiles("<!DOCTYPE x [<!ENTITY a \"b\">]><FFSignatureFile/>", kNoContainers).ok());
  EXPECT_FALSE(ReadSignatureFiles("<Other/>", kNoContainers).ok());
  EXPECT_FALSE(ReadSignatureFiles(TinyDroid(""), "<?xml version=\"1.0\"?><Wrong/>").ok());
  std::string bad = TinyDroid("");
  bad.replace(bad.find("42455641"), 8, "42[45");  // an unterminated bracket
  auto files = ReadSignatureFiles(bad, kNoContainers);
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  EXPECT_EQ((*files)->skipped_signatures, 1u);
  EXPECT_EQ((*files)->signatures.size(), 1u);
}

TEST(PronomIdentifierTest, DamagedContainersKeepTheContainerFormat) {
  // A Word 97 file whose FAT points every sector at itself, and a ZIP cut in half.
  std::string doc = Fixture("word97.doc");
  ASSERT_GT(doc.size(), 1024u);
  for (size_t i = 512; i < 1024; i += 4) doc.replace(i, 4, std::string("\0\0\0\0", 4));
  Identification looped = IdentifyAs(Shipped(), doc, "a.doc");
  ASSERT_EQ(looped.matches.size(), 1u) << Puids(looped);
  EXPECT_EQ(looped.matches[0].puid, "fmt/111");
  EXPECT_NE(looped.note.find("could not be read"), std::string::npos) << looped.note;

  std::string zip = testing::ZipBytes({{"mimetype", "application/vnd.oasis.opendocument.text"}, {"content.xml", Random(5000, 4)}});
  Identification cut = IdentifyAs(Shipped(), zip.substr(0, zip.size() / 2), "a.odt");
  for (const FormatMatch& m : cut.matches) EXPECT_NE(m.puid, "fmt/291") << Puids(cut);
}

// Crafted to make a depth-first matcher try every combination of gaps
// (found in review: minutes per file with the signatures bevara ships).
TEST(PronomIdentifierTest, FilesCraftedToBacktrackCostMillisecondsNotMinutes) {
  std::string truetype = "xxxxxxxxxxxxOS/2";
  while (truetype.size() < 3000) truetype += "cmapglyfheadhheahmtxlocamaxpname";
  std::string dxf;
  while (dxf.size() < (128 << 10)) dxf += "0\nSECTION\n  2\nHEADER\n9\n$ACADVER\n  1\nMC0.0\nXENDSEC\n";
  // The shipped signatures are compiled once, before the clock starts: the
  // bound is on matching (compiling takes seconds under a sanitizer).
  const PronomIdentifier& shipped = Shipped();
  for (const auto& [bytes, name] : {std::pair{truetype, "a.ttf"}, std::pair{dxf, "a.dxf"}}) {
    auto start = std::chrono::steady_clock::now();
    Identification id = IdentifyAs(shipped, bytes, name);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_LT(seconds, 5.0) << name << ": " << Puids(id);  // generous: the old matcher took minutes
  }
}

// An OLE2 file whose storages nest 2,000 deep, each with a long name.
std::string DeepOle2(uint32_t depth) {
  const uint32_t dir_sectors = (depth + 1) * 128 / 512 + 1, fat_sectors = (dir_sectors + 4) / 128 + 1;
  const uint32_t total = fat_sectors + dir_sectors;
  auto put32 = [](std::string* s, size_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i) (*s)[at + i] = static_cast<char>(v >> (8 * i));
  };
  std::string file(512 + 512 * total, '\0');
  const unsigned char magic[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
  std::memcpy(file.data(), magic, 8);
  file[0x1A] = 3;
  file[0x1C] = '\xFE';
  file[0x1D] = '\xFF';
  file[0x1E] = 9;
  file[0x20] = 6;
  put32(&file, 0x2C, fat_sectors);
  put32(&file, 0x30, fat_sectors);  // the directory follows the FAT
  put32(&file, 0x38, 4096);
  put32(&file, 0x3C, 0xFFFFFFFE);
  put32(&file, 0x44, 0xFFFFFFFE);
  for (uint32_t i = 0; i < 109; ++i) put32(&file, 0x4C + 4 * i, i < fat_sectors ? i : 0xFFFFFFFF);
  for (uint32_t sector = 0; sector < fat_sectors * 128; ++sector) {  // the FAT
    uint32_t next = sector < fat_sectors ? 0xFFFFFFFD
                    : sector + 1 < total  ? sector + 1
                    : sector + 1 == total ? 0xFFFFFFFE
                                          : 0xFFFFFFFF;
    put32(&file, 512 + 4 * sector, next);
  }
  for (uint32_t k = 0; k <= depth; ++k) {
    size_t at = 512 + 512 * fat_sectors + 128 * k;
    for (int c = 0; c < 31; ++c) file[at + 2 * c] = file[at + 2 * c + 1] = '\xFF';
    file[at + 64] = 64;
    file[at + 66] = k == 0 ? 5 : 1;
    put32(&file, at + 68, 0xFFFFFFFF);
    put32(&file, at + 72, 0xFFFFFFFF);
    put32(&file, at + 76, k < depth ? k + 1 : 0xFFFFFFFF);
    put32(&file, at + 116, 0xFFFFFFFE);
  }
  return file;
}

TEST(PronomIdentifierTest, DeeplyNestedOle2StoragesAreRefusedNotFollowed) {
  Identification id = IdentifyAs(Shipped(), DeepOle2(2000), "deep.doc");
  ASSERT_EQ(id.matches.size(), 1u) << Puids(id);
  EXPECT_EQ(id.matches[0].puid, "fmt/111");
  EXPECT_NE(id.note.find("nested too deep"), std::string::npos) << id.note;
  Identification shallow = IdentifyAs(Shipped(), DeepOle2(10), "shallow.doc");
  EXPECT_EQ(shallow.note, "") << Puids(shallow);  // read whole; no container signature matches
}

TEST(PronomIdentifierTest, CompilesFastAndNamesItsVersion) {
  auto start = std::chrono::steady_clock::now();
  auto id = PronomIdentifier::CreateEmbedded();
  ASSERT_TRUE(id.ok());
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ((*id)->version(), "DROID_SignatureFile_V118 (2024-04-29T13:46:04); container signatures 37");
  EXPECT_EQ((*id)->files().skipped_signatures, 0u);
  EXPECT_GT((*id)->files().formats.size(), 2000u);
  RecordProperty("compile_seconds", std::to_string(seconds));
}

}  // namespace
}  // namespace bevara::ingest::formats
