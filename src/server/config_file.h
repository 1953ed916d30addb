// A configuration file read as flat settings: "section.key" -> text, from
// INI ([section] then key = value; ';' and '#' start comments) or JSON
// ({"section": {"key": value}}; nested objects add a level: "a.b.c").
//
// Strict, because a setting that is silently ignored is a setting an
// operator believes in and does not have: a line that is neither a section,
// a setting nor a comment, a setting outside a section, a key given twice
// and a JSON array are errors naming the line or key.
#pragma once

#include <map>
#include <string>

#include "src/common/result.h"

namespace bevara::server {

struct ConfigValue {
  std::string text;   // the value, as written (JSON numbers and booleans as JSON writes them)
  std::string where;  // "line 12" (INI) or "" (JSON)
};

using ConfigSettings = std::map<std::string, ConfigValue>;

// Reads `path`: JSON when it ends in ".json", INI otherwise.
// InvalidArgument naming the file and what is wrong.
Result<ConfigSettings> ReadConfigFile(const std::string& path);

}  // namespace bevara::server
