#include "src/web/render.h"

#include <kainjow/mustache.hpp>

#include <map>
#include <memory>
#include <vector>

#include "src/web/assets.h"
#include "src/web/page_context.h"

namespace bevara::web {
namespace {

using Data = kainjow::mustache::data;
using Template = kainjow::mustache::mustache;

const std::string* Asset(const std::string& name) {
  const auto& assets = WebAssets();
  auto it = assets.find(name);
  return it == assets.end() ? nullptr : &it->second;
}

// Where kainjow writes a page: appended to a string (an ostringstream cost
// its construction, locale and all, and a copy of the page at the end).
struct StringSink {
  std::string* out;
};
StringSink& operator<<(StringSink& sink, const std::string& text) {
  sink.out->append(text);
  return sink;
}

// HTML escaping as kainjow's own (& < > " '), but a run of plain text is
// copied in one piece instead of a character at a time (its escaping was
// the largest part of rendering a search page).
std::string EscapeHtml(const std::string& s) {
  std::string out;
  out.reserve(s.size() + 16);
  size_t plain = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    const char* entity = nullptr;
    switch (s[i]) {
      case '&': entity = "&amp;"; break;
      case '<': entity = "&lt;"; break;
      case '>': entity = "&gt;"; break;
      case '"': entity = "&quot;"; break;
      case '\'': entity = "&apos;"; break;
      default: continue;
    }
    out.append(s, plain, i - plain);
    out.append(entity);
    plain = i + 1;
  }
  out.append(s, plain, std::string::npos);
  return out;
}

// A template parsed once per thread: kainjow's renderer keeps state while
// it renders, so one parsed template is not shared between threads, and
// parsing on every page was a tenth of its cost. Null when there is no such
// template.
Template* Parsed(const std::string& name) {
  thread_local std::map<std::string, std::unique_ptr<Template>> cache;
  auto it = cache.find(name);
  if (it != cache.end()) return it->second.get();
  const std::string* text = Asset("templates/" + name + ".mustache");
  if (!text) return nullptr;
  auto parsed = std::make_unique<Template>(*text);
  parsed->set_custom_escape(EscapeHtml);
  return cache.emplace(name, std::move(parsed)).first->second.get();
}

// {"t": the language's texts}, made once: a page's context stands on it,
// so the texts are not copied for every page.
const Data& TextsData(const std::string& lang) {
  static const PageData sv = PageData::FromJson({{"t", Texts("sv")}}, false);
  static const PageData en = PageData::FromJson({{"t", Texts("en")}}, false);
  return lang == "en" ? en.data() : sv.data();
}

}  // namespace

Result<std::string> RenderPage(const std::string& page, const nlohmann::json& data, const std::string& lang) {
  return RenderPage(page, PageData::FromJson(data, false), lang);
}

Result<std::string> RenderPage(const std::string& page, const PageData& data, const std::string& lang) {
  Template* parts[] = {Parsed("layout_head"), Parsed(page), Parsed("layout_foot")};
  if (!parts[0] || !parts[1] || !parts[2] || page.rfind("layout_", 0) == 0) {
    return Status::NotFound("no page template '" + page + "'");
  }
  std::string html;
  html.reserve(32 * 1024);
  StringSink out{&html};
  for (Template* t : parts) {
    if (!t->is_valid()) return Status::Internal("page template " + page + ": " + t->error_message());
    PageContext context(&TextsData(lang));
    context.push(&data.data());
    t->render(context, out);
    if (!t->is_valid()) return Status::Internal("page template " + page + ": " + t->error_message());
  }
  return html;
}

const nlohmann::json& Texts(const std::string& lang) {
  auto load = [](const char* name) {
    const std::string* text = Asset(name);
    nlohmann::json j = text ? nlohmann::json::parse(*text, nullptr, false) : nlohmann::json();
    return j.is_object() ? j : nlohmann::json::object();
  };
  static const nlohmann::json sv = load("strings/sv.json");
  static const nlohmann::json en = load("strings/en.json");
  return lang == "en" ? en : sv;
}

std::string Text(const std::string& lang, const std::string& key) {
  const nlohmann::json& t = Texts(lang);
  auto it = t.find(key);
  return it != t.end() && it->is_string() ? it->get<std::string>() : key;
}

}  // namespace bevara::web
