#include "src/web/render.h"

#include <kainjow/mustache.hpp>

#include "src/web/assets.h"

namespace bevara::web {
namespace {

using Data = kainjow::mustache::data;

// JSON into mustache's data: numbers become their text; null and the empty
// string are false, so that {{#field}}...{{/field}} shows only what is there.
Data ToData(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::object: {
      Data d{Data::type::object};
      for (const auto& [key, value] : j.items()) d.set(key, ToData(value));
      return d;
    }
    case nlohmann::json::value_t::array: {
      Data d{Data::type::list};
      for (const auto& item : j) d.push_back(ToData(item));
      return d;
    }
    case nlohmann::json::value_t::string: {
      const std::string& s = j.get_ref<const std::string&>();
      return s.empty() ? Data(false) : Data(s);
    }
    case nlohmann::json::value_t::boolean: return Data(j.get<bool>());
    case nlohmann::json::value_t::null: return Data(false);
    default: return Data(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
}

const std::string* Asset(const std::string& name) {
  const auto& assets = WebAssets();
  auto it = assets.find(name);
  return it == assets.end() ? nullptr : &it->second;
}

}  // namespace

Result<std::string> RenderPage(const std::string& page, const nlohmann::json& data) {
  const std::string* layout = Asset("templates/layout.mustache");
  const std::string* body = Asset("templates/" + page + ".mustache");
  if (!layout || !body) return Status::NotFound("no page template '" + page + "'");
  Data d = ToData(data);
  d.set("page", kainjow::mustache::partial([body] { return *body; }));
  // Parsed per page: kainjow's renderer keeps state while it renders, so
  // one parsed template is not shared between threads. A page's templates
  // are a few kilobytes; parsing them is not what a page costs.
  kainjow::mustache::mustache view(*layout);
  if (!view.is_valid()) return Status::Internal("layout template: " + view.error_message());
  std::string out = view.render(d);
  if (!view.is_valid()) return Status::Internal("page template " + page + ": " + view.error_message());
  return out;
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
