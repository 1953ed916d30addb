// The visible text of an HTML page through libxml2's HTML parser, fed in
// blocks (push parsing), with network access off. Script and style
// contents are not text.
#include <libxml/HTMLparser.h>

#include <cctype>
#include <cstring>
#include <memory>

#include "src/common/file_util.h"
#include "src/search/extractors.h"

namespace bevara::search {
namespace {

struct HtmlState {
  TextSink* sink;
  int hidden_depth = 0;  // inside <script> or <style>
};

bool IsHidden(const xmlChar* name) {
  const char* n = reinterpret_cast<const char*>(name);
  return strcasecmp(n, "script") == 0 || strcasecmp(n, "style") == 0;
}

void OnStart(void* ctx, const xmlChar* name, const xmlChar**) {
  auto* state = static_cast<HtmlState*>(static_cast<htmlParserCtxtPtr>(ctx)->_private);
  if (IsHidden(name)) ++state->hidden_depth;
  state->sink->Break();
}

void OnEnd(void* ctx, const xmlChar* name) {
  auto* state = static_cast<HtmlState*>(static_cast<htmlParserCtxtPtr>(ctx)->_private);
  if (IsHidden(name) && state->hidden_depth > 0) --state->hidden_depth;
  state->sink->Break();
}

void OnCharacters(void* ctx, const xmlChar* chars, int len) {
  auto* parser = static_cast<htmlParserCtxtPtr>(ctx);
  auto* state = static_cast<HtmlState*>(parser->_private);
  if (state->hidden_depth > 0) return;
  if (!state->sink->Append(std::string_view(reinterpret_cast<const char*>(chars), len))) xmlStopParser(parser);
}

void Quiet(void*, const char*, ...) {}

}  // namespace

std::string ExtractHtmlText(ReadableFile* file, TextSink* sink) {
  htmlSAXHandler sax;
  std::memset(&sax, 0, sizeof sax);
  sax.startElement = OnStart;
  sax.endElement = OnEnd;
  sax.characters = OnCharacters;
  sax.cdataBlock = OnCharacters;
  sax.warning = Quiet;
  sax.error = Quiet;
  HtmlState state{sink};
  char block[64 << 10];
  auto first = ReadFull(file, block, sizeof block);
  if (!first.ok()) return "could not be read (" + first.status().message() + ")";
  size_t n = *first;
  // A page that names its charset is read in it (libxml2 follows <meta>);
  // one that does not is UTF-8 if it reads as UTF-8 (libxml2 would assume
  // Latin-1, as HTML 4 did).
  std::string head(block, n);
  for (char& c : head) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const xmlCharEncoding encoding =
      head.find("charset") == std::string::npos && LooksLikeUtf8(std::string_view(block, n)) ? XML_CHAR_ENCODING_UTF8
                                                                                           : XML_CHAR_ENCODING_NONE;
  htmlParserCtxtPtr parser = htmlCreatePushParserCtxt(&sax, nullptr, nullptr, 0, "stored file", encoding);
  if (parser == nullptr) return "the HTML parser could not start";
  std::unique_ptr<htmlParserCtxt, void (*)(htmlParserCtxtPtr)> guard(parser, &htmlFreeParserCtxt);
  parser->_private = &state;
  htmlCtxtUseOptions(parser, HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING | HTML_PARSE_NOBLANKS);
  while (!sink->full() && n > 0) {
    htmlParseChunk(parser, block, static_cast<int>(n), 0);
    auto more = file->Read(block, sizeof block);
    if (!more.ok()) return "could not be read (" + more.status().message() + "); text up to there is indexed";
    n = *more;
  }
  if (!sink->full()) htmlParseChunk(parser, nullptr, 0, 1);
  return "";
}

}  // namespace bevara::search
