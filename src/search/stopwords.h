// Swedish function words, left out of search queries outside phrases.
#pragma once

#include <functional>
#include <set>
#include <string>

namespace bevara::search {

// The words, lower-case (after the Snowball project's Swedish list).
const std::set<std::string, std::less<>>& SwedishStopwords();

}  // namespace bevara::search
