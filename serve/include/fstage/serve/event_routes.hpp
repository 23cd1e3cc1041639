// SPDX-License-Identifier: Apache-2.0
// The emit routes under /_fstage/emit/ (event_routes.cpp lists them).
#pragma once

#include <optional>

#include <fstage/serve/event_sources.hpp>
#include <fstage/serve/http_server.hpp>

namespace fstage::serve {

// The answer to a request under /_fstage/emit/, nullopt for other paths. `sources` may be
// null (serve without event sources): 503.
std::optional<HttpResponseData> answer_emit(EventSources* sources, const HttpRequestData& d);

}  // namespace fstage::serve
