// Pages from templates: a page's template (templates/NAME.mustache) between
// the layout's head and foot (templates/layout_head.mustache and
// layout_foot.mustache), filled with a PageData (or JSON) by kainjow
// mustache (Debian's libkainjow-mustache-dev). Every {{value}} is
// HTML-escaped, quotes included, so it is safe in text and in attribute
// values alike; no template writes a value unescaped ({{{x}}} or {{&x}}:
// tests/web/render_test.cc checks every template).
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "src/common/result.h"
#include "src/web/page_data.h"

namespace bevara::web {

// The page `page` in the layout, with the texts of `lang` as "t". NotFound
// for an unknown page, Internal for a template that does not parse (a build
// error, caught by the tests).
Result<std::string> RenderPage(const std::string& page, const PageData& data, const std::string& lang);
// The same with the data as JSON (PageData::FromJson, nothing masked).
Result<std::string> RenderPage(const std::string& page, const nlohmann::json& data, const std::string& lang);

// The texts of a language ("sv" or "en"; anything else is Swedish), from
// strings/LANG.json: {"key": "text", ...}.
const nlohmann::json& Texts(const std::string& lang);
// One text; the key itself when missing (a test keeps the languages equal).
std::string Text(const std::string& lang, const std::string& key);

}  // namespace bevara::web
