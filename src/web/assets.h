// The web interface's files, compiled in (embed_assets.cmake): templates
// ("templates/search.mustache"), strings ("strings/sv.json") and static
// files ("static/bevara.css"), by their path under src/web.
#pragma once

#include <map>
#include <string>

namespace bevara::web {

const std::map<std::string, std::string>& WebAssets();

}  // namespace bevara::web
