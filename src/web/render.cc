#include "src/web/render.h"

#include <kainjow/mustache.hpp>

#include <map>
#include <memory>
#include <sstream>

#include "src/web/assets.h"

namespace bevara::web {
namespace {

using Data = kainjow::mustache::data;
using Template = kainjow::mustache::mustache;

// A leaf of JSON as mustache's data: numbers become their text; null and
// the empty string are false, so that {{#field}}...{{/field}} shows only
// what is there.
Data Leaf(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::string: {
      const std::string& s = j.get_ref<const std::string&>();
      return s.empty() ? Data(false) : Data(s);
    }
    case nlohmann::json::value_t::boolean: return Data(j.get<bool>());
    case nlohmann::json::value_t::null: return Data(false);
    default: return Data(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
}

// Fills `d` (an empty object or list) with `j`'s members, in place.
// kainjow's set() and push_back() copy what they are given, so a tree built
// bottom-up is copied once per level, and every string twice (that was most
// of a search page's time): here each member is added as a bare `false` and
// then moved into where it lies. The const_cast is sound: `d` and everything
// under it are ours.
void Fill(Data* d, const nlohmann::json& j) {
  auto fill_slot = [](Data* slot, const nlohmann::json& v) {
    if (!v.is_structured()) {
      *slot = Leaf(v);
      return;
    }
    *slot = Data(v.is_object() ? Data::type::object : Data::type::list);
    Fill(slot, v);
  };
  if (j.is_object()) {
    for (const auto& [key, value] : j.items()) {
      d->set(key, Data(false));
      fill_slot(const_cast<Data*>(d->get(key)), value);
    }
  } else {
    // Room for all at once: kainjow's move constructor is not noexcept, so
    // a growing vector would copy every element, subtree and all.
    const_cast<kainjow::mustache::list&>(d->list_value()).reserve(j.size());
    for (const auto& value : j) {
      d->push_back(Data(false));
      fill_slot(const_cast<Data*>(&d->list_value().back()), value);
    }
  }
}

Data ToData(const nlohmann::json& j) {
  if (!j.is_structured()) return Leaf(j);
  Data d(j.is_object() ? Data::type::object : Data::type::list);
  Fill(&d, j);
  return d;
}

const std::string* Asset(const std::string& name) {
  const auto& assets = WebAssets();
  auto it = assets.find(name);
  return it == assets.end() ? nullptr : &it->second;
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
  static const Data sv = [] {
    Data d{Data::type::object};
    d.set("t", ToData(Texts("sv")));
    return d;
  }();
  static const Data en = [] {
    Data d{Data::type::object};
    d.set("t", ToData(Texts("en")));
    return d;
  }();
  return lang == "en" ? en : sv;
}

}  // namespace

Result<std::string> RenderPage(const std::string& page, const nlohmann::json& data, const std::string& lang) {
  Template* parts[] = {Parsed("layout_head"), Parsed(page), Parsed("layout_foot")};
  if (!parts[0] || !parts[1] || !parts[2] || page.rfind("layout_", 0) == 0) {
    return Status::NotFound("no page template '" + page + "'");
  }
  const Data d = ToData(data);
  std::ostringstream out;
  for (Template* t : parts) {
    if (!t->is_valid()) return Status::Internal("page template " + page + ": " + t->error_message());
    kainjow::mustache::context<std::string> context(&TextsData(lang));
    context.push(&d);
    t->render(context, out);
    if (!t->is_valid()) return Status::Internal("page template " + page + ": " + t->error_message());
  }
  return out.str();
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
