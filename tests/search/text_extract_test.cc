#include "src/search/text_extract.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "ingest/xml/schema_set.h"
#include "src/common/digest.h"
#include "src/common/memory_file.h"
#include "storage/blobs/blob_store.h"
#include "tests/test_util.h"

namespace bevara::search {
namespace {

class TextExtractTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = ingest::SchemaSet::Shared();
    ASSERT_TRUE(s.ok());
    schemas_ = *s;
  }
  ExtractedText Extract(TextFormat format, const std::string& bytes, ExtractLimits limits = {}) {
    MemoryFile file(bytes);
    return ExtractText(format, &file, bytes.size(), limits, schemas_);
  }

  std::shared_ptr<const ingest::SchemaSet> schemas_;
};

TEST_F(TextExtractTest, FormatsFromMediaTypes) {
  EXPECT_EQ(TextFormatForMime("text/plain; charset=utf-8"), TextFormat::kPlain);
  EXPECT_EQ(TextFormatForMime("Application/PDF"), TextFormat::kPdf);
  EXPECT_EQ(TextFormatForMime("text/html"), TextFormat::kHtml);
  EXPECT_EQ(TextFormatForMime("application/xml"), TextFormat::kXml);
  EXPECT_EQ(TextFormatForMime("image/svg+xml"), TextFormat::kXml);
  EXPECT_EQ(TextFormatForMime("image/png"), TextFormat::kUnsupported);
}

TEST_F(TextExtractTest, PlainTextInUtf8AndInWindows1252) {
  ExtractedText utf8 = Extract(TextFormat::kPlain, "Beslut  om\n\tbygglov för fastigheten Åby 1:2\n");
  EXPECT_EQ(utf8.text, "Beslut om bygglov för fastigheten Åby 1:2");
  EXPECT_TRUE(utf8.note.empty());
  ExtractedText latin1 = Extract(TextFormat::kPlain, "Beslut f\xF6r \xC5" "by");
  EXPECT_EQ(latin1.text, "Beslut för Åby");
}

TEST_F(TextExtractTest, PlainTextInUtf16EitherWayRound) {
  using testing::Utf16;
  const std::u16string text = u"S\u00f6kande 19121212\u20131212, \U0001F600 klar";
  for (bool little : {true, false}) {
    for (bool bom : {true, false}) {
      ExtractedText out = Extract(TextFormat::kPlain, Utf16(text, little, bom));
      EXPECT_EQ(out.text, "S\u00f6kande 19121212\u20131212, \U0001F600 klar") << little << bom;
      EXPECT_TRUE(out.note.empty()) << out.note;
    }
  }
  // Cut by the block boundary between a surrogate pair, and an odd byte.
  std::u16string long_text(32766, u'a');  // the high surrogate is the first block's last unit
  long_text += u"\U0001F600";
  long_text.append(30000, u'b');
  ExtractedText out = Extract(TextFormat::kPlain, Utf16(long_text, true, true) + "x");
  EXPECT_NE(out.text.find("a\U0001F600b"), std::string::npos);
}

TEST_F(TextExtractTest, PlainTextKeepsCharactersCutByBlocks) {
  // "ö" straddles the 64 KiB read blocks.
  std::string text(65535, 'a');
  text += "ö slut";
  ExtractedText out = Extract(TextFormat::kPlain, text);
  EXPECT_EQ(out.text.substr(65535), "ö slut");
}

TEST_F(TextExtractTest, XmlCharacterDataWithoutMarkup) {
  ExtractedText out = Extract(TextFormat::kXml, "<?xml version=\"1.0\"?><beslut><rubrik>Bygglov</rubrik>"
                                                "<text>beviljas för <b>Åby</b> 1:2</text></beslut>");
  EXPECT_EQ(out.text, "Bygglov beviljas för Åby 1:2");
  EXPECT_TRUE(out.note.empty());
}

TEST_F(TextExtractTest, XmlWithADoctypeIsNotReadAndSaysSo) {
  ExtractedText out = Extract(TextFormat::kXml, "<?xml version=\"1.0\"?><!DOCTYPE a [<!ENTITY x \"boom\">]><a>&x;</a>");
  EXPECT_EQ(out.text.find("boom"), std::string::npos);
  EXPECT_NE(out.note.find("DOCTYPE"), std::string::npos) << out.note;
}

TEST_F(TextExtractTest, HtmlVisibleTextOnly) {
  ExtractedText out = Extract(TextFormat::kHtml,
                              "<html><head><title>Protokoll</title><style>p{color:red}</style>"
                              "<script>var hemligt = 1;</script></head><body><p>Nämnden &amp; "
                              "beslutade</p><p>att&nbsp;bevilja</p></body></html>");
  EXPECT_NE(out.text.find("Protokoll"), std::string::npos);
  EXPECT_NE(out.text.find("Nämnden & beslutade"), std::string::npos) << out.text;
  EXPECT_EQ(out.text.find("hemligt"), std::string::npos);
  EXPECT_EQ(out.text.find("color"), std::string::npos);
}

TEST_F(TextExtractTest, PdfTextThroughPoppler) {
  ExtractedText out = Extract(TextFormat::kPdf, testing::MinimalPdf("Beslut om bygglov"));
  EXPECT_NE(out.text.find("Beslut om bygglov"), std::string::npos) << out.text << " / " << out.note;
  EXPECT_TRUE(out.note.empty()) << out.note;
}

TEST_F(TextExtractTest, DamagedPdfGivesANoteNotACrash) {
  std::string pdf = testing::MinimalPdf("Beslut");
  for (const std::string& bad : {std::string("%PDF-1.4\ngarbage"), pdf.substr(0, pdf.size() / 2), std::string()}) {
    ExtractedText out = Extract(TextFormat::kPdf, bad);
    EXPECT_FALSE(out.note.empty());
  }
}

TEST_F(TextExtractTest, LimitsCutTextAndSkipLargeFiles) {
  ExtractLimits limits;
  limits.max_text_bytes = 1024;
  ExtractedText cut = Extract(TextFormat::kPlain, std::string(10000, 'a') + " b", limits);
  EXPECT_TRUE(cut.truncated);
  EXPECT_LE(cut.text.size(), 1024u);
  EXPECT_FALSE(cut.note.empty());
  limits.max_input_bytes = 100;
  ExtractedText skipped = Extract(TextFormat::kPlain, std::string(200, 'a'), limits);
  EXPECT_TRUE(skipped.text.empty());
  EXPECT_NE(skipped.note.find("larger than"), std::string::npos);
}

// A stored blob is read through storage::VerifyingReader: bytes that do not
// hash to their name give no text at all, only a note.
TEST_F(TextExtractTest, TextIsNeverExtractedFromBytesThatReadWrong) {
  const std::string text = "Beslut om bygglov för fastigheten Ekbacken 3:14. " + std::string(5000, 'x');
  auto good = ExtractText(TextFormat::kPlain,
                                  storage::VerifyingReader(std::make_unique<MemoryFile>(text), Sha256Hex(text)).get(),
                                  text.size(), {}, schemas_);
  EXPECT_NE(good.text.find("bygglov"), std::string::npos);
  EXPECT_TRUE(good.note.empty()) << good.note;
  std::string rotten = text;
  rotten[text.size() - 10] ^= 0x01;  // after the words: only the digest can tell
  auto bad = ExtractText(TextFormat::kPlain,
                                 storage::VerifyingReader(std::make_unique<MemoryFile>(rotten), Sha256Hex(text)).get(),
                                 rotten.size(), {}, schemas_);
  EXPECT_TRUE(bad.text.empty()) << "text from damaged bytes was kept";
  EXPECT_NE(bad.note.find("damaged"), std::string::npos) << bad.note;
}

}  // namespace
}  // namespace bevara::search
