// Escaping text for XML attribute values and character data.
#pragma once

#include <string>
#include <string_view>

namespace bevara {

// Escapes & < > " ' and the whitespace characters that attribute-value
// normalisation would otherwise change (tab, newline, carriage return).
std::string XmlEscape(std::string_view s);

}  // namespace bevara
